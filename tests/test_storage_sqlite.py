"""Tests for the embedded SQLite persistence adapter.

They use real ask-sdk-model request envelopes and real files under ``tmp_path`` because
the properties that matter -- atomic merge under concurrency, lock handling, survival
across restarts -- only exist at the level of SQLite's file locks.
"""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.attributes_manager import AttributesManager
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_model import Application, Context, RequestEnvelope, User
from ask_sdk_model.interfaces.system import SystemState

from skill.storage.sqlite import (
    SQLitePersistenceAdapter,
    user_id_partition_keygen,
)

USER_A = "amzn1.ask.account.AAAA"
USER_B = "amzn1.ask.account.BBBB"


def envelope(user_id: str | None = USER_A) -> RequestEnvelope:
    """A minimal but real request envelope for ``user_id`` (no user when None)."""
    user = None if user_id is None else User(user_id=user_id)
    return RequestEnvelope(
        version="1.0",
        context=Context(
            system=SystemState(
                user=user,
                application=Application(application_id="amzn1.ask.skill.test"),
            )
        ),
    )


def union_completions(stored: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Stand-in for the domain merge: keep the new attributes, union ``completed``."""
    merged = {**stored, **new}
    merged["completed"] = sorted(set(stored.get("completed", [])) | set(new.get("completed", [])))
    return merged


def raw_rows(path: Path) -> dict[str, tuple[str, str | None]]:
    """Read the table directly, bypassing the adapter, to check what is really stored."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT user_key, attributes, updated_at FROM progress").fetchall()
    conn.close()
    return {key: (attrs, updated) for key, attrs, updated in rows}


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "nested" / "dir" / "progress.sqlite3"


# -- basic behaviour ------------------------------------------------------------------


def test_creates_parent_dirs_table_and_wal_mode(db_path: Path) -> None:
    SQLitePersistenceAdapter(db_path)

    assert db_path.is_file()
    with sqlite3.connect(db_path) as conn:
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        columns = {row[1]: row for row in conn.execute("PRAGMA table_info(progress)")}
    conn.close()
    assert mode == "wal"
    assert set(columns) == {"user_key", "attributes", "updated_at"}
    assert columns["user_key"][5] == 1  # primary key
    assert columns["attributes"][3] == 1  # NOT NULL


def test_round_trip(db_path: Path) -> None:
    adapter = SQLitePersistenceAdapter(db_path)
    attributes = {"completed": ["toe-spread"], "streak": 3, "settings": {"pace": "slow"}}

    adapter.save_attributes(envelope(), attributes)

    assert adapter.get_attributes(envelope()) == attributes
    stored_json, updated_at = raw_rows(db_path)[USER_A]
    assert json.loads(stored_json) == attributes
    assert updated_at is not None and updated_at.startswith("20")


def test_unknown_user_gets_empty_dict(db_path: Path) -> None:
    adapter = SQLitePersistenceAdapter(db_path)
    adapter.save_attributes(envelope(USER_A), {"streak": 1})

    assert adapter.get_attributes(envelope("amzn1.ask.account.NEVER-SEEN")) == {}


def test_unicode_values_round_trip(db_path: Path) -> None:
    adapter = SQLitePersistenceAdapter(db_path)
    attributes = {"name": "Zoë", "note": "足のストレッチ ✅", "emoji": "🦶", "ß": "straße"}

    adapter.save_attributes(envelope(), attributes)

    assert adapter.get_attributes(envelope()) == attributes
    # Stored as readable UTF-8, not \\u escapes, so the file is inspectable by hand.
    assert "足のストレッチ" in raw_rows(db_path)[USER_A][0]


def test_delete_removes_row_and_is_idempotent(db_path: Path) -> None:
    adapter = SQLitePersistenceAdapter(db_path)
    adapter.save_attributes(envelope(USER_A), {"streak": 2})
    adapter.save_attributes(envelope(USER_B), {"streak": 5})

    adapter.delete_attributes(envelope(USER_A))
    adapter.delete_attributes(envelope(USER_A))  # a repeated disable event is harmless

    assert adapter.get_attributes(envelope(USER_A)) == {}
    assert adapter.get_attributes(envelope(USER_B)) == {"streak": 5}
    assert set(raw_rows(db_path)) == {USER_B}


def test_users_are_isolated(db_path: Path) -> None:
    adapter = SQLitePersistenceAdapter(db_path)

    adapter.save_attributes(envelope(USER_A), {"completed": ["a"]})
    adapter.save_attributes(envelope(USER_B), {"completed": ["b"]})

    assert adapter.get_attributes(envelope(USER_A)) == {"completed": ["a"]}
    assert adapter.get_attributes(envelope(USER_B)) == {"completed": ["b"]}


def test_overwrites_without_merge(db_path: Path) -> None:
    adapter = SQLitePersistenceAdapter(db_path)
    adapter.save_attributes(envelope(), {"completed": ["a"], "streak": 1})

    adapter.save_attributes(envelope(), {"completed": ["b"]})

    assert adapter.get_attributes(envelope()) == {"completed": ["b"]}


def test_data_survives_reopen(db_path: Path) -> None:
    SQLitePersistenceAdapter(db_path).save_attributes(envelope(), {"completed": ["a"]})

    reopened = SQLitePersistenceAdapter(db_path)

    assert reopened.get_attributes(envelope()) == {"completed": ["a"]}


def test_works_with_the_sdk_attributes_manager(db_path: Path) -> None:
    adapter = SQLitePersistenceAdapter(db_path)
    manager = AttributesManager(envelope(), persistence_adapter=adapter)

    manager.persistent_attributes = {"completed": ["heel-raise"]}
    manager.save_persistent_attributes()
    assert AttributesManager(envelope(), adapter).persistent_attributes == {
        "completed": ["heel-raise"]
    }

    manager.delete_persistent_attributes()
    assert adapter.get_attributes(envelope()) == {}


def test_custom_partition_key(db_path: Path) -> None:
    adapter = SQLitePersistenceAdapter(db_path, partition_key=lambda env: "fixed-key")

    adapter.save_attributes(envelope(USER_A), {"streak": 1})

    assert set(raw_rows(db_path)) == {"fixed-key"}
    assert adapter.get_attributes(envelope(USER_B)) == {"streak": 1}


# -- merge inside the transaction ------------------------------------------------------


def test_merge_receives_stored_and_new_and_its_result_is_stored(db_path: Path) -> None:
    calls: list[tuple[dict[str, Any], dict[str, Any]]] = []

    def merge(stored: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
        calls.append((stored, new))
        return union_completions(stored, new)

    adapter = SQLitePersistenceAdapter(db_path, merge=merge)
    adapter.save_attributes(envelope(), {"completed": ["a"], "streak": 1})
    adapter.save_attributes(envelope(), {"completed": ["b"], "streak": 2})

    assert calls[0] == ({}, {"completed": ["a"], "streak": 1})  # {} when nothing stored
    assert calls[1] == ({"completed": ["a"], "streak": 1}, {"completed": ["b"], "streak": 2})
    assert adapter.get_attributes(envelope()) == {"completed": ["a", "b"], "streak": 2}


def test_merge_runs_while_holding_the_write_lock(db_path: Path) -> None:
    """While ``merge`` runs, no other writer can commit: the read-merge-write is atomic."""
    impatient = SQLitePersistenceAdapter(db_path, busy_timeout_ms=50)
    impatient.save_attributes(envelope(), {"completed": ["a"]})
    outcome: dict[str, Any] = {}

    def merge(stored: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
        # A competing writer (separate adapter, separate connection) must be locked out.
        try:
            impatient.save_attributes(envelope(), {"completed": ["intruder"]})
        except PersistenceException as exc:
            outcome["blocked"] = str(exc)
        # Readers are not blocked in WAL mode, and see the last committed state.
        outcome["read_during_merge"] = impatient.get_attributes(envelope())
        return union_completions(stored, new)

    SQLitePersistenceAdapter(db_path, merge=merge).save_attributes(envelope(), {"completed": ["b"]})

    assert "locked" in outcome["blocked"]
    assert outcome["read_during_merge"] == {"completed": ["a"]}
    assert impatient.get_attributes(envelope()) == {"completed": ["a", "b"]}


def test_failing_merge_raises_persistence_exception_and_keeps_data(db_path: Path) -> None:
    def broken_merge(stored: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
        raise KeyError("boom")

    SQLitePersistenceAdapter(db_path).save_attributes(envelope(), {"completed": ["a"]})
    adapter = SQLitePersistenceAdapter(db_path, merge=broken_merge)

    with pytest.raises(PersistenceException, match="Merging progress") as info:
        adapter.save_attributes(envelope(), {"completed": ["b"]})

    assert isinstance(info.value.__cause__, KeyError)
    assert adapter.get_attributes(envelope()) == {"completed": ["a"]}


def test_merge_returning_non_dict_is_rejected(db_path: Path) -> None:
    adapter = SQLitePersistenceAdapter(db_path, merge=lambda stored, new: None)  # type: ignore[arg-type,return-value]

    with pytest.raises(PersistenceException, match="must return a dict"):
        adapter.save_attributes(envelope(), {"completed": ["a"]})
    assert adapter.get_attributes(envelope()) == {}


def _race(
    first: SQLitePersistenceAdapter, second: SQLitePersistenceAdapter, user: str
) -> list[BaseException]:
    """Two turns read the same state, meet at a barrier, then save different routines."""
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def finish(adapter: SQLitePersistenceAdapter, routine: str) -> None:
        try:
            snapshot = adapter.get_attributes(envelope(user))
            barrier.wait(timeout=10)
            completed = [*snapshot["completed"], routine]
            adapter.save_attributes(envelope(user), {"completed": completed})
        except BaseException as exc:  # surfaced to the caller
            errors.append(exc)

    threads = [
        threading.Thread(target=finish, args=(first, "toe-spread")),
        threading.Thread(target=finish, args=(second, "heel-raise")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return errors


def test_concurrent_saves_from_two_adapters_keep_both_completions(db_path: Path) -> None:
    """Two workers finish different routines at the same moment: neither is lost."""
    # Each adapter mimics a separate worker process: own instance, own connections.
    first = SQLitePersistenceAdapter(db_path, merge=union_completions)
    second = SQLitePersistenceAdapter(db_path, merge=union_completions)

    for attempt in range(20):
        user = f"amzn1.ask.account.RACE{attempt}"
        SQLitePersistenceAdapter(db_path).save_attributes(
            envelope(user), {"completed": ["earlier"]}
        )

        assert _race(first, second, user) == []
        assert first.get_attributes(envelope(user)) == {
            "completed": ["earlier", "heel-raise", "toe-spread"]
        }


def _worker_saves(path: str, worker: int, rounds: int, barrier: Any) -> None:
    """Child-process body: its own adapter, saving one new completion per round."""
    adapter = SQLitePersistenceAdapter(path, merge=union_completions)
    barrier.wait(timeout=60)
    for i in range(rounds):
        adapter.save_attributes(envelope(), {"completed": [f"w{worker}-r{i}"]})


def test_concurrent_saves_from_separate_processes_lose_nothing(db_path: Path) -> None:
    SQLitePersistenceAdapter(db_path)  # create the file before the workers race
    ctx = multiprocessing.get_context("spawn")
    workers, rounds = 4, 25
    barrier = ctx.Barrier(workers)
    processes = [
        ctx.Process(target=_worker_saves, args=(str(db_path), w, rounds, barrier))
        for w in range(workers)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)

    assert [p.exitcode for p in processes] == [0] * workers
    completed = SQLitePersistenceAdapter(db_path).get_attributes(envelope())["completed"]
    assert sorted(completed) == sorted(f"w{w}-r{i}" for w in range(workers) for i in range(rounds))


# -- errors ----------------------------------------------------------------------------


def test_user_id_partition_keygen_returns_user_id() -> None:
    assert user_id_partition_keygen(envelope(USER_B)) == USER_B


@pytest.mark.parametrize(
    "request_envelope",
    [
        envelope(user_id=None),
        RequestEnvelope(version="1.0"),  # no context at all
        envelope(user_id=""),
    ],
    ids=["no-user", "no-context", "empty-user-id"],
)
def test_missing_user_id_raises_persistence_exception(
    db_path: Path, request_envelope: RequestEnvelope
) -> None:
    adapter = SQLitePersistenceAdapter(db_path)

    with pytest.raises(PersistenceException, match="user id"):
        adapter.get_attributes(request_envelope)
    with pytest.raises(PersistenceException, match="user id"):
        adapter.save_attributes(request_envelope, {"streak": 1})
    with pytest.raises(PersistenceException, match="user id"):
        adapter.delete_attributes(request_envelope)
    assert raw_rows(db_path) == {}


def test_locked_database_raises_and_leaves_data_unchanged(db_path: Path) -> None:
    adapter = SQLitePersistenceAdapter(db_path, busy_timeout_ms=50)
    adapter.save_attributes(envelope(), {"completed": ["a"]})

    holder = sqlite3.connect(db_path, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute(
            "UPDATE progress SET attributes = ? WHERE user_key = ?",
            ('{"completed": ["uncommitted"]}', USER_A),
        )
        with pytest.raises(PersistenceException, match="locked"):
            adapter.save_attributes(envelope(), {"completed": ["b"]})
        with pytest.raises(PersistenceException, match="locked"):
            adapter.delete_attributes(envelope())
        holder.execute("ROLLBACK")
    finally:
        holder.close()

    assert adapter.get_attributes(envelope()) == {"completed": ["a"]}


def test_waits_for_a_briefly_held_lock_instead_of_failing(db_path: Path) -> None:
    """busy_timeout makes a concurrent writer wait for the lock rather than error out."""
    adapter = SQLitePersistenceAdapter(db_path, busy_timeout_ms=5000)
    holder = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    releaser = threading.Timer(0.3, holder.execute, args=("COMMIT",))
    releaser.start()
    try:
        adapter.save_attributes(envelope(), {"completed": ["a"]})
    finally:
        releaser.join()
        holder.close()

    assert adapter.get_attributes(envelope()) == {"completed": ["a"]}


def test_path_that_is_a_directory_raises_persistence_exception(tmp_path: Path) -> None:
    with pytest.raises(PersistenceException, match=str(tmp_path)):
        SQLitePersistenceAdapter(tmp_path)


def test_parent_that_is_a_file_raises_persistence_exception(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")

    with pytest.raises(PersistenceException, match="directory"):
        SQLitePersistenceAdapter(blocker / "progress.sqlite3")


def test_database_removed_after_start_raises_persistence_exception(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    adapter = SQLitePersistenceAdapter(data_dir / "progress.sqlite3")
    for leftover in data_dir.iterdir():
        leftover.unlink()
    data_dir.rmdir()

    with pytest.raises(PersistenceException, match="Could not read progress"):
        adapter.get_attributes(envelope())


@pytest.mark.parametrize("corrupt", ["{not json", "[1, 2, 3]", '"a string"'])
def test_corrupt_row_raises_persistence_exception(db_path: Path, corrupt: str) -> None:
    merging = SQLitePersistenceAdapter(db_path, merge=union_completions)
    merging.save_attributes(envelope(), {"completed": ["a"]})
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE progress SET attributes = ? WHERE user_key = ?", (corrupt, USER_A))
    conn.close()

    with pytest.raises(PersistenceException, match="corrupt"):
        merging.get_attributes(envelope())
    # A merging save must not silently discard what it cannot read...
    with pytest.raises(PersistenceException, match="corrupt"):
        merging.save_attributes(envelope(), {"completed": ["b"]})
    assert raw_rows(db_path)[USER_A][0] == corrupt
    # ...while a plain overwrite replaces the corrupt row.
    SQLitePersistenceAdapter(db_path).save_attributes(envelope(), {"completed": ["b"]})
    assert merging.get_attributes(envelope()) == {"completed": ["b"]}


def test_unserialisable_attributes_raise_and_keep_data(db_path: Path) -> None:
    adapter = SQLitePersistenceAdapter(db_path)
    adapter.save_attributes(envelope(), {"completed": ["a"]})

    with pytest.raises(PersistenceException, match="JSON-serialisable"):
        adapter.save_attributes(envelope(), {"completed": {"a", "b"}})  # a set
    with pytest.raises(PersistenceException, match="JSON-serialisable"):
        adapter.save_attributes(envelope(), {"score": float("nan")})

    assert adapter.get_attributes(envelope()) == {"completed": ["a"]}
