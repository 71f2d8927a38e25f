"""'Which foot now?' answered from the engine's position, for every exercise in every routine.

The answer must name a side the part really works (from the exercise's timing and first
side), say "both" where the exercise has no left or right, and end with the routine's own
question (resume when paused).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from skill.engine.navigation import Coach, Position
from skill.library import load_library

COACH = Coach(load_library())
WORDS = COACH.words
PLACES = [
    (routine_id, item)
    for routine_id, routine in COACH.library.routines.items()
    for item in range(len(routine.items))
]


@pytest.mark.parametrize(("routine_id", "item"), PLACES)
def test_every_part_answers_with_its_own_sides(routine_id, item):
    routine = COACH.library.routines[routine_id]
    exercise = routine.items[item].exercise
    for part_number, part in enumerate(COACH.parts(routine, item)):
        answer = COACH.which_side(Position(routine_id, item, part_number))
        sides = {slot.side for slot in part} - {None}
        if not sides:
            assert answer.startswith(WORDS.say("navigation.side_both", name=exercise.name))
        for side in ("left", "right"):
            named = f"{side} {exercise.limb}" in answer
            assert named == (side in sides), (routine_id, item, part_number, answer)
        assert answer.endswith(WORDS.say("coaching.ready"))


def test_paused_the_question_is_to_resume():
    routine_id, item = PLACES[0]
    answer = COACH.which_side(Position(routine_id, item, paused=True))
    assert answer.endswith(WORDS.say("navigation.say_resume"))


def test_heard_through_the_side_to_come_is_named_last():
    for routine_id, routine in COACH.library.routines.items():
        for item in range(len(routine.items)):
            parts = COACH.parts(routine, item)
            for number in range(len(parts) - 1):
                done, coming = parts[number][-1].side, parts[number + 1][0].side
                if done and coming and done != coming:
                    limb = routine.items[item].exercise.limb
                    position = replace(Position(routine_id, item, number), ends_at=1)
                    answer = COACH.which_side(position)
                    assert answer.index(f"{done} {limb}") < answer.index(f"{coming} {limb}")
                    return
    pytest.fail("no exercise is split between sides")


def test_finished_says_the_routine_is_finished():
    routine_id, _ = PLACES[0]
    answer = COACH.which_side(Position(routine_id, finished=True))
    name = COACH.library.routines[routine_id].name
    assert answer == WORDS.say("navigation.finished_routine", routine=name)
