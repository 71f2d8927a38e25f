"""Navigation never leaves the routine and never raises, whatever the person says."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skill.engine.navigation import Coach, Position, duration_phrase
from skill.library import load_library
from skill.words import load_words

_library = load_library()
_coach = Coach(_library)
PLANS = sorted(_library.routines) + [f"exercise:{e}" for e in sorted(_library.exercises)]
MOVES = ["next", "previous", "repeat", "skip", "start_over", "pause", "resume"]


def in_bounds(coach: Coach, position: Position) -> bool:
    routine = coach.routine(position)
    return 0 <= position.item < len(routine.items) and 0 <= position.part < len(
        coach.parts(routine, position.item)
    )


@settings(max_examples=150, deadline=None)
@given(plan=st.sampled_from(PLANS), moves=st.lists(st.sampled_from(MOVES), max_size=40))
def test_any_sequence_of_moves_stays_inside_the_routine(plan, moves):
    step = _coach.start(plan)
    for move in moves:
        step = getattr(_coach, move)(step.position)
        assert in_bounds(_coach, step.position)
        assert step.turn.segments
        assert Position.from_json(step.position.to_json(), _coach) == step.position
        assert _coach.exercises_left(step.position) >= 0
        assert _coach.remaining_seconds(step.position) >= 0


@settings(max_examples=150, deadline=None)
@given(plan=st.sampled_from(PLANS), nexts=st.integers(min_value=0, max_value=60))
def test_next_then_previous_returns_to_the_same_turn(plan, nexts):
    step = _coach.start(plan)
    for _ in range(nexts):
        following = _coach.next(step.position)
        if following.position.finished:
            break
        step = following
    back = _coach.previous(_coach.next(step.position).position)
    assert (back.position.item, back.position.part) == (step.position.item, step.position.part)
    assert back.turn == _coach.repeat(step.position).turn


def test_past_the_end_finishes_with_praise(coach):
    steps = list(coach.walk("quick"))
    finished = steps[-1]
    assert finished.position.finished
    assert "great work" in finished.turn.text.lower()
    assert coach.next(finished.position).position.finished
    assert coach.exercises_left(finished.position) == 0


def test_before_the_start_stays_at_the_first(coach):
    start = coach.start("classic")
    back = coach.previous(start.position)
    assert (back.position.item, back.position.part) == (0, 0)


def test_pause_keeps_position_and_resume_continues_it(coach):
    step = coach.next(coach.start("classic").position)
    paused = coach.pause(step.position)
    assert paused.position.paused
    assert (paused.position.item, paused.position.part) == (step.position.item, step.position.part)
    assert "resume" in paused.turn.text.lower()
    resumed = coach.resume(paused.position)
    assert not resumed.position.paused
    assert (resumed.position.item, resumed.position.part) == (
        step.position.item,
        step.position.part,
    )


def test_skip_moves_to_the_next_exercise(coach, library):
    start = coach.start("classic")
    skipped = coach.skip(start.position)
    assert skipped.position.item == 1 and skipped.position.part == 0
    assert library.routines["classic"].items[1].exercise.name in skipped.turn.text.lower()


def test_how_long_and_how_many_left(coach, library):
    routine = library.routines["classic"]
    start = coach.start("classic")
    walked = list(coach.walk("classic"))
    total = sum(s.turn.estimated_seconds for s in walked if not s.position.finished)
    # the total is every turn heard by saying next, the intro that names it included (to
    # within the few words of the number itself)
    assert coach.total_seconds("classic") == pytest.approx(total, abs=2)
    assert coach.remaining_seconds(start.position) < coach.total_seconds("classic")
    # the first turn coached all of toe press (one part), so it no longer counts as left
    assert len(coach.parts(routine, 0)) == 1
    assert coach.exercises_left(start.position) == len(routine.items) - 1
    assert coach.exercises_left(coach.skip(start.position).position) == len(routine.items) - 1 - (
        len(coach.parts(routine, 1)) == 1
    )
    assert "next is" in coach.whats_next(start.position).lower()


@pytest.mark.parametrize(
    "bad",
    [
        None,
        [],
        {"routine_id": "nope"},
        {"routine_id": "classic", "item": 99},
        {"routine_id": "classic", "item": "1"},
        {"routine_id": "classic", "part": -1},
        {"routine_id": "classic", "coached": "toe_press"},
        {"routine_id": "classic", "paused": "yes"},
    ],
)
def test_malformed_positions_are_refused(coach, bad):
    with pytest.raises(ValueError):
        Position.from_json(bad, coach)


def _implied_seconds(phrase: str) -> float:
    """What a listener takes a duration phrase to mean, in seconds."""
    if match := re.fullmatch(r"(\d+) seconds?", phrase):
        return int(match[1])
    if match := re.fullmatch(r"(\d+) and a half minutes", phrase):
        return int(match[1]) * 60 + 30
    match = re.fullmatch(r"(\d+) minutes?", phrase)
    assert match, phrase
    return int(match[1]) * 60


@pytest.mark.parametrize("seconds", [12, 30, 49, 54, 55, 61, 90, 110, 140, 149, 200, 299, 599])
def test_durations_past_a_minute_are_said_in_minutes_and_mean_what_they_say(seconds):
    phrase = duration_phrase(seconds, load_words())
    unit = "second" if seconds < 55 else "minute"
    assert unit in phrase, phrase
    assert abs(_implied_seconds(phrase) - seconds) <= (5 if unit == "second" else 15), phrase


@pytest.mark.parametrize("routine_id", ["quick", "classic"])
def test_the_routine_never_has_less_left_than_the_exercise_under_way(coach, routine_id):
    # a part cut short (no ends_at) is still to come, for the exercise and for the routine
    for step in coach.walk(routine_id):
        if step.position.finished:
            continue
        for position in (step.position, replace(step.position, ends_at=None)):
            assert coach.seconds_left(position) >= coach.exercise_seconds_left(position)
    last = [s.position for s in coach.walk(routine_id) if not s.position.finished][-1]
    cut_short = replace(last, ends_at=None)
    assert coach.seconds_left(cut_short) == pytest.approx(coach.exercise_seconds_left(cut_short))
    assert coach.seconds_left(cut_short) > 0
