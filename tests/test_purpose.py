"""'What's this one for?', 'why?', 'what's the point of toe walking?': what an exercise works.

The answer is the exercise's own ``helps`` line (read here from its JSON), which makes no
medical claim. Mid-routine the routine's question stays and nothing moves on; of another
exercise it is offered, and "yes" does it. When Alexa hands over words around a name it did
not match ("the use of this", "benefit of toe walking"), the skill looks past them: a name
in them is that exercise, a pointing word ("this", "that") is the exercise in focus.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skill.library import load_library
from skill.words import load_words

LIBRARY = load_library()
WORDS = load_words()
EXERCISES = Path(__file__).parent.parent / "content" / "exercises"


def helps(exercise_id: str) -> str:
    return json.loads((EXERCISES / f"{exercise_id}.json").read_text())["helps"]


@pytest.mark.parametrize(
    "said", ["why", "why this one", "what's the point of this one", "what good does this do"]
)
def test_mid_routine_it_says_what_the_exercise_under_way_works(echo, said):
    echo.hear("start the quick routine")
    first = LIBRARY.routines["quick"].items[0].exercise
    reply = echo.hear(said)
    assert helps(first.id) in reply.text, reply.text
    assert reply.text.endswith(WORDS.say("coaching.ready")) and not reply.ended
    assert echo.attributes["position"]["item"] == 0
    assert "doctor" not in reply.text


def test_of_another_exercise_it_is_offered_and_yes_does_it(echo):
    reply = echo.hear("what's the point of toe walking")
    assert helps("toe_walking") in reply.text and reply.text.endswith("Want to do it now?")
    echo.hear("yes")
    assert echo.attributes["position"]["routine_id"].startswith("exercise:toe_walking")


@pytest.mark.parametrize(
    ("heard", "exercise_id"),
    [("the benefit of toe walking", "toe_walking"), ("use of the heel raises", None)],
)
def test_a_name_inside_unmatched_words_is_that_exercise(echo, heard, exercise_id):
    reply = echo.say("PurposeIntent", exercise=heard)
    expected = exercise_id or LIBRARY.exercises_named("heel raises")[0]
    assert helps(expected) in reply.text, reply.text


@pytest.mark.parametrize(
    ("intent", "heard"),
    [("PurposeIntent", "the use of this"), ("ExerciseHowToIntent", "that exactly")],
)
def test_pointing_words_mean_the_exercise_in_focus_not_an_unknown_one(echo, intent, heard):
    echo.hear("start the quick routine")
    first = LIBRARY.routines["quick"].items[0].exercise
    reply = echo.say(intent, exercise=heard)
    assert "don't know that one" not in reply.text
    assert first.name.lower() in reply.text.lower(), reply.text


def test_why_with_nothing_under_way_says_what_the_exercises_work(echo):
    reply = echo.hear("why")
    what_now = WORDS.say("replies.what_now")
    assert reply.text == WORDS.say("replies.purpose_general", what_now=what_now)
    assert "position" not in echo.attributes and "offer" not in echo.attributes
