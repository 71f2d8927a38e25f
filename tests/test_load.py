"""Load on loopback: many people walking routines at once through real gunicorn workers.

Each simulated person is an Echo (tests/echo.py) talking HTTP to the production server
(deploy/gunicorn.conf.py, started by test_deploy_gunicorn.gunicorn) with their own user id:
open the skill, start the quick routine, say next to the end, ask how to do an exercise, stop.
Every answer must be a playable 200 without a storage apology, and afterwards the database must
hold, for each person, exactly what they did: no lost completion, no update landing on someone
else's record.

The helpers here are shared with tests/test_faults.py (a worker killed mid-save) and
tests/stress/run_load.py (a longer run that writes tests/RESULTS.md).
"""

from __future__ import annotations

import http.client
import json
import sqlite3
import threading
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from echo import Echo, Reply
from test_deploy_gunicorn import Server, gunicorn
from test_fuzz import response_problems

from skill.alexa.interceptors import NOT_LOADED, NOT_SAVED
from skill.progress import Progress

ROUTINE = "quick"
#: How often a person says something again when the connection dropped before the answer.
MAX_RETRIES = 20


@dataclass
class HttpReply:
    """The part of a Flask test response that Echo reads."""

    status_code: int
    data: bytes

    def get_json(self, silent: bool = False) -> Any:
        try:
            return json.loads(self.data)
        except ValueError:
            if silent:
                return None
            raise


class HttpClient:
    """Echo's client over real HTTP to a running server, timing every request."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.latencies: list[float] = []

    def post(self, path: str, data: bytes, headers: dict[str, str], content_type: str) -> HttpReply:
        started = time.perf_counter()
        status, body = self.server.post(path, data, {**headers, "Content-Type": content_type})
        self.latencies.append(time.perf_counter() - started)
        return HttpReply(status, body)


@dataclass
class Person:
    """One simulated person, and what they did as far as the skill's answers tell."""

    user_id: str
    echo: Echo
    #: Whether a dropped connection is expected (a worker killed under the request).
    expect_drops: bool = False
    finished: int = 0  # routines the skill said they finished
    position: dict[str, Any] | None = None  # where the last answered 'next' left them
    requests: int = 0
    drops: int = 0  # requests whose answer never came, so whose save is in doubt
    errors: list[str] = field(default_factory=list)

    @classmethod
    def at(cls, server: Server, user_id: str, expect_drops: bool = False) -> Person:
        return cls(user_id, Echo(HttpClient(server), user_id=user_id), expect_drops)

    @property
    def latencies(self) -> list[float]:
        return self.echo.client.latencies

    def _send(self, send: Callable[[], Reply]) -> Reply | None:
        """Send until answered; a dropped connection is retried, as the person would repeat."""
        for _ in range(MAX_RETRIES):
            self.requests += 1
            try:
                reply = send()
            except (OSError, http.client.HTTPException) as exc:  # its worker died with it
                self.drops += 1
                if not self.expect_drops:
                    self.errors.append(f"connection dropped: {exc!r}")
                    return None
                time.sleep(0.05)
                continue
            problems = response_problems(reply.status, reply.raw)
            if reply.status != 200 or problems:
                self.errors.append(f"{reply.status} {problems} {reply.raw[:200]!r}")
            elif any(apology in reply.ssml for apology in (NOT_LOADED, NOT_SAVED)):
                self.errors.append(f"storage failed: {reply.text[:80]!r}")
            return reply
        self.errors.append(f"no answer after {MAX_RETRIES} tries")
        return None

    def say(self, intent: str, **slots: str) -> str:
        """What the person hears back ("" when nothing playable came back)."""
        reply = self._send(lambda: self.echo.say(intent, **slots))
        if reply is not None and reply.status == 200 and intent == "AMAZON.NextIntent":
            self.position = reply.body["sessionAttributes"]["position"]
        return reply.text if reply else ""

    def walk_routine(self) -> None:
        """Open the skill, do the whole quick routine, ask a how-to, stop."""
        self._send(self.echo.launch)
        text = self.say("StartRoutineIntent", routine=ROUTINE)
        for _ in range(50):
            if "great work" in text.lower():
                self.finished += 1
                break
            text = self.say("AMAZON.NextIntent")
        else:
            self.errors.append("the routine never finished")
        self.say("ExerciseHowToIntent", exercise="ankle circles")
        self.say("AMAZON.StopIntent")


def walk_together(people: list[Person], more: Callable[[int], bool]) -> float:
    """Each person, in their own thread, walks routines while ``more(routines_done)``."""

    def walk(person: Person) -> None:
        done = 0
        try:
            while more(done):
                person.walk_routine()
                done += 1
        except Exception as exc:  # a bug in the walk itself must not pass as "no errors"
            person.errors.append(f"walk crashed: {exc!r}")

    started = time.monotonic()
    threads = [threading.Thread(target=walk, args=(p,), daemon=True) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic() - started


def integrity(db: Path) -> str:
    with closing(sqlite3.connect(db)) as connection:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]


def stored_progress(db: Path) -> dict[str, Any]:
    """Each user's stored record, as the JSON text says (invalid JSON stays a string).

    The connection is closed at once (a sqlite3 connection left to the garbage collector keeps
    the file open, and would stand in the way of a test that wants the database to itself).
    """
    with closing(sqlite3.connect(db)) as connection:
        rows = connection.execute("SELECT user_key, attributes FROM progress").fetchall()
    records: dict[str, Any] = {}
    for user, text in rows:
        try:
            records[user] = json.loads(text)
        except ValueError:
            records[user] = text
    return records


def progress_mismatches(people: list[Person], stored: dict[str, Any]) -> list[str]:
    """How each person's stored record differs from what they did (empty when it matches).

    A completion whose answer was lost with a dropped connection may or may not have been
    saved, so with drops the count may exceed what the person heard by at most that many.
    """
    problems = []
    for person in people:
        record = stored.get(person.user_id)
        if not isinstance(record, dict):
            problems.append(f"{person.user_id}: stored record is {record!r:.80}")
            continue
        if Progress.from_json(record).to_json() != record:
            problems.append(f"{person.user_id}: stored record is not a valid progress record")
        completions = [c["routine_id"] for c in record.get("completions", [])]
        if set(completions) - {ROUTINE}:
            problems.append(f"{person.user_id}: completions of {set(completions)}")
        if not person.finished <= len(completions) <= person.finished + person.drops:
            problems.append(
                f"{person.user_id}: {len(completions)} completions stored, "
                f"{person.finished} finished, {person.drops} in doubt"
            )
        if record.get("position") != person.position:
            problems.append(
                f"{person.user_id}: stored position {record.get('position')}, "
                f"last heard {person.position}"
            )
    strangers = set(stored) - {p.user_id for p in people}
    if strangers:
        problems.append(f"records for users who never spoke: {sorted(strangers)[:5]}")
    return problems


def test_fifty_people_at_once_each_keep_exactly_their_own_progress(tmp_path):
    with gunicorn(tmp_path, FOOTCOACH_VERIFY="0", WEB_CONCURRENCY="3") as server:
        people = [Person.at(server, f"amzn1.ask.account.LOAD{n:02d}") for n in range(50)]
        walk_together(people, lambda done: done < 2)
        log = server.stop()
    assert server.process.returncode == 0, log
    assert [e for p in people for e in p.errors] == []
    assert sum(p.requests for p in people) >= 50 * 2 * 7
    assert all(p.finished == 2 for p in people)
    db = tmp_path / "progress.sqlite3"
    assert integrity(db) == "ok"
    assert progress_mismatches(people, stored_progress(db)) == []


def test_the_progress_check_notices_lost_and_crossed_updates():
    """The oracle itself: a record that lost a completion or took another's place is caught."""
    position = {"routine_id": ROUTINE, "item": 3, "part": 0, "finished": True}
    people = [
        Person(f"user{n}", Echo(None), finished=1, position={**position, "item": n})
        for n in range(2)
    ]
    record = Progress(disclaimer_heard=True, last_routine=ROUTINE)
    record.record_completion(ROUTINE, date(2026, 11, 22))
    good = {p.user_id: {**record.to_json(), "position": p.position} for p in people}
    assert progress_mismatches(people, good) == []
    lost = {**good, "user0": {**good["user0"], "completions": []}}
    crossed = {**good, "user0": good["user1"]}
    stranger = {**good, "user9": good["user1"]}
    broken = {**good, "user1": "{not json"}
    for damaged in (lost, crossed, stranger, broken):
        assert len(progress_mismatches(people, damaged)) == 1
