"""Every turn of every routine and every single exercise is something Alexa can play."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from skill.engine.coaching import PartContext, part_segments
from skill.engine.dose import rep_slots
from skill.engine.ssml import MAX_BREAK_MS, MAX_SSML_CHARS, breaks, to_ssml
from skill.engine.turn import MAX_TURN_SECONDS, TURN_BUDGET_SECONDS, Pause, Speech, Turn
from skill.library import load_library

_library = load_library()
PLANS = sorted(_library.routines) + [f"exercise:{e}" for e in sorted(_library.exercises)]
ALEXA_TAGS = {
    "speak",
    "break",
    "p",
    "s",
    "prosody",
    "emphasis",
    "say-as",
    "sub",
    "audio",
    "amazon:effect",
}


@pytest.mark.parametrize("plan", PLANS)
def test_every_turn_fits_alexas_limits(coach, plan):
    steps = list(coach.walk(plan))
    assert steps[-1].position.finished
    for step in steps:
        ssml = to_ssml(step.turn)
        root = ET.fromstring(ssml)  # well-formed XML
        assert {el.tag for el in root.iter()} <= ALEXA_TAGS
        assert len(ssml) <= MAX_SSML_CHARS
        assert step.turn.estimated_seconds <= MAX_TURN_SECONDS
        for tag in root.iter("break"):
            assert int(tag.get("time").removesuffix("ms")) <= MAX_BREAK_MS
        # SSML silence equals the turn's pauses to the millisecond
        total_ms = sum(int(t.get("time").removesuffix("ms")) for t in root.iter("break"))
        assert total_ms == round(step.turn.pause_seconds * 1000)


@pytest.mark.parametrize("plan", PLANS)
def test_every_turn_ends_with_a_one_word_question(coach, plan):
    for step in coach.walk(plan):
        last = step.turn.segments[-1]
        assert isinstance(last, Speech)
        assert re.search(r"Say (next|start over)\b", last.text), last.text
        assert step.turn.reprompt


def test_long_silences_are_chained_breaks():
    assert breaks(25) == '<break time="10000ms"/><break time="10000ms"/><break time="5000ms"/>'
    assert breaks(2.5) == '<break time="2500ms"/>'


def test_text_is_escaped():
    ssml = to_ssml(Turn((Speech("Rock & roll <loud>"), Pause(1, "rest")), ""))
    assert ET.fromstring(ssml).text.startswith("Rock & roll <loud>")


def test_long_exercises_are_split_between_sides_or_sets(coach, library):
    """A long exercise gets several turns; one splits mid-set only if that set cannot fit."""
    split = [
        (routine, index)
        for routine in library.routines.values()
        for index in range(len(routine.items))
        if len(coach.parts(routine, index)) > 1
    ]
    assert split, "some article exercise is longer than one turn"
    for routine, index in split:
        item = routine.items[index]
        slots = rep_slots(item.timing, item.exercise.first_side)
        for part in coach.parts(routine, index)[1:]:
            first = part[0]
            if first.rep == 1:
                continue
            whole_run = tuple(
                s
                for s in slots
                if (s.set_number, s.side, s.variation)
                == (first.set_number, first.side, first.variation)
            )
            setup = coach.setup_seconds(routine, index, 0)
            context = PartContext(
                item, 1, 2, 1, 2, None, item.exercise, coached=False, setup_seconds=setup
            )
            turn = Turn(part_segments(context, whole_run), "")
            assert turn.estimated_seconds > TURN_BUDGET_SECONDS, f"{routine.id} item {index}"


def test_holds_of_twenty_seconds_or_more_get_a_cue_without_losing_silence(coach, library):
    exercise = next(e for e in library.exercises.values() if (e.timing.hold_seconds or 0) >= 30)
    step = coach.start_exercise(exercise.id)
    cues = [s for s in step.turn.segments if isinstance(s, Speech) and s.role == "cue"]
    assert cues
    holds = sum(s.seconds for s in step.turn.segments if isinstance(s, Pause) and s.kind == "hold")
    sides = 2 if exercise.timing.sides == "each" else 1
    assert (
        holds == exercise.timing.hold_seconds * exercise.timing.reps * exercise.timing.sets * sides
    )


def test_first_time_teaches_then_cues(coach, library):
    routine = library.routines["classic"]
    first = coach.start("classic")
    exercise = routine.items[0].exercise
    assert exercise.instructions[0] in first.turn.text
    again = coach.repeat(first.position)
    assert exercise.instructions[0] not in again.turn.text
    assert exercise.cue in again.turn.text
