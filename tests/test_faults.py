"""Faults: storage locked or gone in the middle of a turn, and a worker killed mid-save.

Through the real Flask endpoint with the real SQLite adapter (its busy timeout made tiny so a
lock fails fast), the person still hears their step, led by a short apology, and what was
saved before stays exactly as it was. Through real gunicorn workers, killing one while people
are mid-routine leaves a database that opens cleanly, with each person's last saved state.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
from echo import Echo
from test_deploy_gunicorn import Server, gunicorn
from test_dialogs import assert_playable
from test_load import Person, integrity, progress_mismatches, stored_progress, walk_together

from skill.alexa.interceptors import NOT_LOADED, NOT_SAVED
from skill.alexa.skill_builder import build_skill
from skill.progress import merge
from skill.storage.sqlite import SQLitePersistenceAdapter
from skill.web.app import WebConfig, create_app

BUSY_TIMEOUT_MS = 50
USER_ID = "amzn1.ask.account.FAULTS"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "progress.sqlite3"


def stored(db: Path) -> dict:
    return stored_progress(db)[USER_ID]


@pytest.fixture
def echo(db: Path) -> Echo:
    storage = SQLitePersistenceAdapter(db, merge=merge, busy_timeout_ms=BUSY_TIMEOUT_MS)
    app = create_app(WebConfig(verify=False), skill=build_skill(storage))
    echo = Echo(app.test_client(), user_id=USER_ID)
    echo.storage = storage
    return echo


# -- storage trouble in the middle of a turn ----------------------------------------------


@contextmanager
def another_connection(db: Path, *statements: str) -> Iterator[None]:
    """Another connection runs ``statements`` and holds on, then rolls back."""
    connection = sqlite3.connect(db, isolation_level=None)
    for statement in statements:
        connection.execute(statement)
    try:
        yield
    finally:
        connection.execute("ROLLBACK")
        connection.close()


def another_writer_mid_transaction(db: Path) -> AbstractContextManager[None]:
    """Another connection holds the write lock, with a change it will never commit."""
    half_written = 'UPDATE progress SET attributes = \'{"half": "written"}\''
    return another_connection(db, "BEGIN EXCLUSIVE", half_written)


def database_held_exclusively(db: Path) -> AbstractContextManager[None]:
    """Another connection locks even readers out (exclusive locking mode)."""
    return another_connection(db, "PRAGMA locking_mode = EXCLUSIVE", "BEGIN EXCLUSIVE")


@contextmanager
def database_unavailable(db: Path) -> Iterator[None]:
    """The file is gone, as on an unmounted volume: a directory stands in its place."""
    aside = db.parent / "aside"
    aside.mkdir()
    for path in db.parent.glob(db.name + "*"):  # the database, its -wal and -shm
        path.rename(aside / path.name)
    db.mkdir()
    try:
        yield
    finally:
        db.rmdir()
        for path in aside.iterdir():
            path.rename(db.parent / path.name)
        aside.rmdir()


FAULTS: dict[str, tuple[Callable[[Path], AbstractContextManager[None]], str]] = {
    "locked for writing": (another_writer_mid_transaction, NOT_SAVED),
    "locked for reading too": (database_held_exclusively, NOT_LOADED),
    "file unavailable": (database_unavailable, NOT_LOADED),
}


@pytest.mark.parametrize("fault", FAULTS)
def test_storage_trouble_mid_turn_still_speaks_the_step_and_keeps_what_was_saved(echo, db, fault):
    make_fault, apology = FAULTS[fault]
    echo.launch()
    echo.say("StartRoutineIntent", routine="classic")
    echo.say("AMAZON.NextIntent")
    before = stored(db)
    turn = echo.intent_request("AMAZON.NextIntent")
    # the skill keeps its connection open between turns; while it does, SQLite itself keeps
    # any other process from locking readers out, so model the fault after a reconnect
    echo.storage.close()
    with make_fault(db):
        started = time.monotonic()
        troubled = echo.post(turn)
        seconds = time.monotonic() - started
    assert stored(db) == before, "what was saved is untouched"
    assert_playable(troubled)
    assert troubled.ssml.startswith("<speak>" + apology)
    assert len(apology) < 90, "the apology is short"
    assert seconds < 2, "a lock costs the busy timeout, not the person's patience"
    healthy = echo.post(turn)  # the same turn once storage is back
    assert troubled.ssml.endswith(healthy.ssml.removeprefix("<speak>")), "the step is all there"
    assert troubled.pauses_ms == healthy.pauses_ms != []
    assert stored(db)["position"] == healthy.body["sessionAttributes"]["position"]
    assert stored(db)["position"] != before["position"]


# -- a worker killed in the middle of a save ----------------------------------------------


def worker_pids(master: int) -> list[int]:
    """gunicorn's workers: the processes whose parent is the master."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            after_name = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended while we looked
            continue
        if int(after_name[1]) == master:
            pids.append(int(stat.parent.name))
    return pids


def kill_workers(server: Server, kills: int, every_seconds: float) -> list[int]:
    """SIGKILL a random worker of this server ``kills`` times, ``every_seconds`` apart."""
    killed: list[int] = []
    chooser = random.Random(0)
    while len(killed) < kills:
        time.sleep(every_seconds)
        workers = sorted(set(worker_pids(server.process.pid)) - set(killed))
        if workers:
            victim = chooser.choice(workers)
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)
    time.sleep(every_seconds)  # the new workers serve a while too
    return killed


def test_a_worker_killed_mid_save_leaves_every_record_whole(tmp_path):
    db = tmp_path / "progress.sqlite3"
    with gunicorn(
        tmp_path, FOOTCOACH_VERIFY="0", WEB_CONCURRENCY="3", FOOTCOACH_ACCESS_LOG="off"
    ) as server:
        people = [
            Person.at(server, f"amzn1.ask.account.KILL{n:02d}", expect_drops=True)
            for n in range(12)
        ]
        killed: list[int] = []
        killer = threading.Thread(
            target=lambda: killed.extend(kill_workers(server, 4, 0.3)), daemon=True
        )
        killer.start()
        # everyone finishes the routine they are in once the killing is over
        walk_together(people, lambda _: killer.is_alive())
        killer.join()
        log = server.stop()
    assert len(killed) == 4, log
    assert log.count("was sent SIGKILL") == 4, log
    assert sum(p.drops for p in people) >= 1, "some requests were in flight when workers died"
    assert [e for p in people for e in p.errors] == []
    assert integrity(db) == "ok"
    assert progress_mismatches(people, stored_progress(db)) == []
