"""A routine counts as done when at least half of it was done, not skipped.

"Skip" leaves an exercise out; coming back to it ("back") and doing it takes it off the list.
Skipping every exercise used to end with "Great work" and a routine counted; now the end says
how many were skipped and that it was not counted, and "how am I doing" agrees.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from echo import Echo, Reply
from progress_db import query

from skill.engine.navigation import Coach, Position
from skill.library import load_library

LIBRARY = load_library()
QUICK = LIBRARY.routines["quick"]


def completions(db: Path) -> list:
    rows = query(db, "SELECT attributes FROM progress")
    return json.loads(rows[0][0]).get("completions", []) if rows else []


def item(echo: Echo) -> int:
    return echo.attributes["position"]["item"]


def finish(echo: Echo, skip: set[int]) -> Reply:
    """Play the quick routine to its end, skipping the items in ``skip``."""
    reply = echo.say("StartRoutineIntent", routine="quick")
    for _ in range(100):
        if echo.attributes["position"].get("finished"):
            return reply
        reply = echo.say("SkipIntent" if item(echo) in skip else "AMAZON.NextIntent")
    raise AssertionError("the routine never ended")


def test_skipping_every_exercise_is_not_counted_and_says_so(echo, db):
    count = len(QUICK.items)
    end = finish(echo, skip=set(range(count)))
    assert end.text.startswith(
        f"That's the end of {QUICK.name}. You skipped {count} of the {count} exercises,"
        " so I haven't counted it as done."
    )
    assert "Great work" not in end.text
    assert completions(db) == []
    progress = echo.say("ProgressIntent")
    assert "haven't finished a routine yet" in progress.text


def test_half_done_counts(echo, db):
    count = len(QUICK.items)
    end = finish(echo, skip=set(range(count // 2)))
    assert "Great work" in end.text
    assert [c["routine_id"] for c in completions(db)] == ["quick"]


def test_more_than_half_skipped_does_not_count(echo, db):
    count = len(QUICK.items)
    end = finish(echo, skip=set(range(count // 2 + 1)))
    assert f"You skipped {count // 2 + 1} of the {count} exercises" in end.text
    assert completions(db) == []


def test_an_exercise_skipped_then_done_is_not_skipped(echo, db):
    echo.say("StartRoutineIntent", routine="quick")
    echo.say("SkipIntent")
    assert echo.attributes["position"]["skipped"] == [0]
    echo.say("AMAZON.PreviousIntent")
    assert item(echo) == 0 and "skipped" not in echo.attributes["position"]
    end = finish_from_here(echo)
    assert "Great work" in end.text
    assert len(completions(db)) == 1


def finish_from_here(echo: Echo) -> Reply:
    for _ in range(100):
        reply = echo.say("AMAZON.NextIntent")
        if echo.attributes["position"].get("finished"):
            return reply
    raise AssertionError("the routine never ended")


def test_what_was_skipped_is_kept_across_sessions(echo, db):
    echo.say("StartRoutineIntent", routine="quick")
    for _ in range(len(QUICK.items) - 1):
        echo.say("SkipIntent")
    echo.say("AMAZON.StopIntent")
    echo.next_day()
    echo.launch()
    echo.say("AMAZON.ResumeIntent")
    end = echo.say("SkipIntent")
    assert "so I haven't counted it as done" in end.text
    assert completions(db) == []


def test_one_exercise_skipped_ends_without_praise(echo):
    echo.say("DoExerciseIntent", exercise="toe press")
    end = echo.say("SkipIntent")
    assert end.text.startswith("That's the end of toe press. Say start over")


@pytest.mark.parametrize(
    ("skipped", "kept"),
    [([1, 0, 1], (0, 1)), ([99, -1, 2], (2,)), ([], ())],
)
def test_a_position_keeps_real_items_skipped(coach: Coach, skipped, kept):
    data = Position("quick", 2).to_json() | {"skipped": skipped}
    position = Position.from_json(data, coach)
    assert position.skipped == kept
    assert Position.from_json(position.to_json(), coach) == position


@pytest.mark.parametrize("skipped", ["0", [True], [1.0], {"0": 1}])
def test_a_forged_skipped_list_is_refused(coach: Coach, skipped):
    with pytest.raises(ValueError, match="skipped"):
        Position.from_json(Position("quick").to_json() | {"skipped": skipped}, coach)
