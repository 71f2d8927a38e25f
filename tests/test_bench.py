"""The benchmark's inputs are what it claims: real conversations, plain references.

No timing is asserted here (benchmarks are scripts: bench/README.md); this only keeps the
benchmark from drifting into measuring something else.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing

from bench import apps
from bench.conversations import attribute_sizes, for_user, record, turn_major
from bench.dialog import SCRIPT


def test_foot_coach_is_sent_the_attributes_it_set_on_the_turn_before(tmp_path):
    bodies = record("footcoach", tmp_path)
    assert len(bodies) == len(SCRIPT)
    sessions = [json.loads(body)["session"] for body in bodies]
    assert sessions[0]["new"] and not sessions[0]["attributes"]
    routine = next(i for i, turn in enumerate(SCRIPT) if turn[0] == "StartRoutineIntent")
    after_start = sessions[routine + 1]["attributes"]
    assert after_start["position"]["routine_id"] == "classic"
    assert after_start["last"]["reply"] == "step"
    assert max(attribute_sizes(bodies)) <= 512


def test_the_references_are_plain_skills_behind_a_plain_route(tmp_path):
    for system in ("hello", "hello_sqlite"):
        app = apps.unverified(system, str(tmp_path / f"{system}.sqlite3"))
        assert "footcoach_skill" not in app.extensions  # not Foot Coach's create_app
        bodies = record(system, tmp_path)
        assert all(json.loads(b)["session"]["attributes"] == {} for b in bodies)
    # hello + SQLite read and wrote its row on every turn of the script
    with closing(sqlite3.connect(tmp_path / "record-hello_sqlite.sqlite3")) as db:
        (stored,) = db.execute("SELECT attributes FROM progress").fetchone()
    assert json.loads(stored) == {"turns": len(SCRIPT)}


def test_replayed_users_keep_their_turns_in_order(tmp_path):
    bodies = [json.dumps({"n": i, "user": "BENCH999999"}) for i in range(3)]
    interleaved = [json.loads(b) for b in turn_major(bodies, range(5, 7))]
    assert [(b["user"], b["n"]) for b in interleaved] == [
        ("BENCH000005", 0),
        ("BENCH000006", 0),
        ("BENCH000005", 1),
        ("BENCH000006", 1),
        ("BENCH000005", 2),
        ("BENCH000006", 2),
    ]
    assert for_user(bodies, 7)[0] == json.dumps({"n": 0, "user": "BENCH000007"})
