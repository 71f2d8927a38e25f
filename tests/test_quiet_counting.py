"""'You don't need to count for me': the coach stops saying rep numbers, not the timing.

Holds and rounds are still marked ("And hold.", "Go.", "And relax."), a run of reps at a beat
is said once and left to one silence as long as the counted beats were, and every silence is
where and as long as it is when counting aloud. A turn has the same pieces either way, so a
pause in one way of counting resumes in the same place in the other. The setting is
remembered and undone by 'count out loud again'.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from echo import Echo
from progress_db import query

from skill.engine.navigation import Coach
from skill.engine.turn import Pause, Speech, stretches
from skill.library import load_library

LIBRARY = load_library()
LOUD = Coach(LIBRARY)
QUIET = LOUD.counting(False)
PLANS = sorted(LIBRARY.routines) + [f"exercise:{e}" for e in sorted(LIBRARY.exercises)]
NUMBER = re.compile(r"\d")


def silences(stretch) -> list[tuple[str, float]]:
    return [(s.kind, s.seconds) for s in stretch.segments if isinstance(s, Pause) and s.seconds]


def rep_words(turn) -> list[str]:
    """What is said per rep: counts, and the marks said between holds and beats."""
    return [s.text for s in turn.segments if isinstance(s, Speech) and s.role == "count"]


@pytest.mark.parametrize("plan", PLANS)
def test_quiet_turns_keep_every_piece_and_every_second_of_silence(plan):
    loud_steps, quiet_steps = list(LOUD.walk(plan)), list(QUIET.walk(plan))
    assert [s.position for s in loud_steps] == [s.position for s in quiet_steps]
    for loud, quiet in zip(loud_steps, quiet_steps, strict=True):
        loud_pieces, quiet_pieces = stretches(loud.turn), stretches(quiet.turn)
        assert len(loud_pieces) == len(quiet_pieces), "a place in a turn is the same place"
        for heard, hushed in zip(loud_pieces, quiet_pieces, strict=True):
            assert (hushed.pause_kind, hushed.pause_seconds) == (
                heard.pause_kind,
                heard.pause_seconds,
            )
            assert sum(s for _, s in silences(hushed)) == sum(s for _, s in silences(heard))
        assert quiet.turn.pause_seconds == loud.turn.pause_seconds
        assert quiet.turn.estimated_seconds <= loud.turn.estimated_seconds


@pytest.mark.parametrize("plan", PLANS)
def test_quiet_turns_say_no_rep_numbers(plan):
    loud_numbers = quiet_numbers = 0
    for loud, quiet in zip(LOUD.walk(plan), QUIET.walk(plan), strict=True):
        loud_numbers += sum(bool(NUMBER.search(t)) for t in rep_words(loud.turn))
        quiet_numbers += sum(bool(NUMBER.search(t)) for t in rep_words(quiet.turn))
    assert quiet_numbers == 0
    counted = any(i.timing.reps > 1 for i in LIBRARY.plan(plan).items)
    assert (loud_numbers > 0) == counted, "the check sees numbers where they are said"


def test_reps_at_a_beat_are_one_silence_as_long_as_the_count():
    exercise = LIBRARY.exercises["single_leg_heel_raises"]
    beat, reps = exercise.timing.rep_seconds, exercise.timing.reps
    quiet = QUIET.start_exercise(exercise.id).turn
    tempo = [s.seconds for s in quiet.segments if isinstance(s, Pause) and s.kind == "tempo"]
    assert tempo == [beat * reps, beat * reps], "one silence a side"
    assert f"{reps} times" in quiet.text
    loud = LOUD.start_exercise(exercise.id).turn
    promise = "to my count"  # the counted dose says the reps go to the coach's count
    assert promise in loud.text and promise not in quiet.text, "nothing is counted"
    assert f"{reps} reps" in quiet.text
    assert "3." in loud.text and "3." not in quiet.text.split("Get into position.")[1]


def test_holds_are_still_marked_one_by_one():
    exercise = LIBRARY.exercises["toe_press"]
    quiet = QUIET.start_exercise(exercise.id).turn
    holds = [s for s in quiet.segments if isinstance(s, Pause) and s.kind == "hold"]
    assert len(holds) == exercise.timing.reps
    assert len(rep_words(quiet)) == exercise.timing.reps
    assert "Last one." in quiet.text


def test_a_pause_resumes_in_the_same_place_in_either_way_of_counting():
    start = LOUD.start("classic")
    pieces = stretches(start.turn)
    left = len(pieces) // 2
    paused = replace(LOUD.pause(start.position).position, pieces_left=left)
    loud, quiet = LOUD.resume(paused), QUIET.resume(paused)
    assert loud.position == quiet.position
    assert len(stretches(quiet.turn)) == left, "resumed in the piece it stopped in"
    assert [silences(p) for p in stretches(loud.turn)] == [
        silences(p) for p in stretches(quiet.turn)
    ]


def test_coaches_for_a_locale_and_a_way_of_counting_are_made_once():
    assert QUIET.counting(True) is LOUD and LOUD.counting(False) is QUIET
    british = QUIET.for_locale("en-GB")
    assert not british.count_aloud and british.words.locale == "en-GB"
    assert british is LOUD.for_locale("en-GB").counting(False)


# -- said to the skill -------------------------------------------------------------------


def stored_settings(db: Path) -> dict:
    return json.loads(query(db, "SELECT attributes FROM progress")[0][0])["settings"]


def talk(echo: Echo, spoken: str, setting: str):
    from test_plan_dialogs import say

    return say(echo, "TalkSettingIntent", setting=(spoken, setting))


def test_dont_count_is_remembered_and_the_next_part_has_no_numbers(echo, db):
    echo.say("StartRoutineIntent", routine="classic")
    reply = talk(echo, "you don't need to count for me", "quiet_counting")
    assert reply.text.startswith("All right, no counting out loud.")
    assert reply.text.endswith("Say next when you're ready.")
    assert stored_settings(db)["counting"] is False
    following = echo.say("AMAZON.NextIntent")
    assert following.pauses_ms
    assert not re.search(r"\b(?:Round )?\d+[.,]", following.text.split("position.", 1)[1])
    again = echo.say("AMAZON.RepeatIntent")
    assert again.ssml == following.ssml
    echo.next_day()
    echo.launch()
    echo.say("StartRoutineIntent", routine="classic")
    assert "2, and hold." not in echo.say("AMAZON.RepeatIntent").text


def test_count_out_loud_again_brings_the_numbers_back(echo, db):
    talk(echo, "don't count", "quiet_counting")
    reply = talk(echo, "count out loud again", "counting")
    assert reply.text.startswith("All right, I'll count out loud again.")
    assert "counting" not in stored_settings(db)
    start = echo.say("StartRoutineIntent", routine="classic")
    assert "2, and hold." in start.text


def test_forget_my_settings_counts_aloud_again(echo, db):
    talk(echo, "stop counting", "quiet_counting")
    echo.say("ForgetSettingsIntent")
    assert "counting" not in stored_settings(db)
