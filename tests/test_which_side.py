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


def test_an_exercise_done_two_ways_names_the_directions_in_order():
    """'Which way do I circle?': the article's directions, in the order they are coached."""
    exercise = COACH.library.exercises["ankle_circles"]
    ways = [exercise.variation(v).say for v in exercise.timing.variations]
    assert len(ways) == 2
    answer = COACH.which_side(Position("exercise:ankle_circles"))
    assert f"Each time: {ways[0]} first, then {ways[1]}." in answer
    assert answer.index(ways[0]) < answer.index(ways[1])
    british = COACH.for_locale("en-GB").which_side(Position("exercise:ankle_circles"))
    assert "anticlockwise" in british


def test_an_exercise_done_one_way_names_no_directions():
    answer = COACH.which_side(Position("exercise:toe_press"))
    assert "Each time" not in answer


@pytest.mark.parametrize(("routine_id", "item"), [p for p in PLACES if p[1] > 0])
def test_after_next_up_it_answers_for_the_exercise_announced(routine_id, item):
    """The last part heard through ended 'Next up: ankle circles... Say next': 'which foot
    now?' is about ankle circles, not the exercise just done."""
    routine = COACH.library.routines[routine_id]
    last = len(COACH.parts(routine, item - 1)) - 1
    answer = COACH.which_side(replace(Position(routine_id, item - 1, last), ends_at=1))
    coming = routine.items[item].exercise
    assert coming.name in answer, answer
    done = routine.items[item - 1].exercise
    assert done.name == coming.name or done.name not in answer
    first = COACH.parts(routine, item)[0][0].side
    if first is not None:
        assert f"{first} {coming.limb}" in answer
    assert answer.endswith(WORDS.say("coaching.ready"))
