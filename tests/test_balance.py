"""Wobbling, holding on and walking aids: said in everyday words, answered for the exercise.

A person standing on one leg who says "I'm wobbling" needs to hear what to hold and how to
make the exercise steadier, without losing their place; one sitting down needs to hear that
there is nothing to balance. With nothing under way, the answer names the two ways the skill
offers (seated exercises only, a routine for balance), and those words must themselves be
understood. Each utterance goes through the committed en-US model to the Flask endpoint.
"""

from __future__ import annotations

import pytest
from echo import Echo

from skill.library import load_library
from skill.web.app import WebConfig, create_app
from skill.words import load_words

LIBRARY = load_library()
WORDS = load_words()
CATALOGUE = LIBRARY.catalogue


def _exercises_done(posture: str) -> list[str]:
    return [e.id for e in LIBRARY.exercises.values() if CATALOGUE.posture_id(e) == posture]


STANDING = _exercises_done("standing")
NOT_STANDING = [e for e in LIBRARY.exercises if e not in STANDING]


def _echo(tmp_path, locale: str = "en-US") -> Echo:
    config = WebConfig(db=str(tmp_path / "progress.sqlite3"), skill_id=None, verify=False)
    device = Echo(create_app(config).test_client(), locale=locale)
    device.launch()
    return device


@pytest.fixture
def echo(tmp_path) -> Echo:
    return _echo(tmp_path)


def _start(echo: Echo, exercise_id: str) -> dict:
    echo.hear(f"let's do {LIBRARY.exercises[exercise_id].name}")
    position = dict(echo.attributes["position"])
    assert position["routine_id"] == f"exercise:{exercise_id}"
    return position


@pytest.mark.parametrize(
    "said",
    [
        "I'm wobbling a lot",
        "this one makes me wobble",
        "I nearly fell over",
        "I feel a bit unsteady",
        "can I hold on to the kitchen counter",
        "do I need to hold on to something",
    ],
)
@pytest.mark.parametrize("exercise_id", STANDING)
def test_wobbling_on_a_standing_exercise_says_what_to_hold_and_keeps_the_place(
    echo, exercise_id, said
):
    before = _start(echo, exercise_id)
    exercise = LIBRARY.exercises[exercise_id]
    reply = echo.hear(said)
    assert WORDS.say("replies.balance_hold") in reply.text, reply.text
    assert all(note in reply.text for note in exercise.safety), reply.text
    assert WORDS.say("replies.balance_way_out") in reply.text
    assert reply.text.endswith(WORDS.say("coaching.ready")), reply.text
    assert not reply.pauses_ms and not reply.ended
    assert echo.attributes["position"] == before and "offer" not in echo.attributes


@pytest.mark.parametrize("exercise_id", NOT_STANDING)
def test_wobbling_on_an_exercise_done_sitting_or_lying_says_there_is_nothing_to_balance(
    echo, exercise_id
):
    before = _start(echo, exercise_id)
    exercise = LIBRARY.exercises[exercise_id]
    reply = echo.hear("I feel a bit wobbly")
    posture = WORDS.say(f"plans.posture_{CATALOGUE.posture_id(exercise)}")
    assert f"{exercise.name} {posture}" in reply.text, reply.text
    assert WORDS.say("replies.balance_hold") not in reply.text
    assert "dizzy" in reply.text  # unsteady while sitting may be something else
    assert reply.text.endswith(WORDS.say("coaching.ready")), reply.text
    assert echo.attributes["position"] == before


def test_the_way_out_it_names_is_understood_and_makes_the_exercise_easier(echo):
    heel_raises = LIBRARY.exercises["single_leg_heel_raises"]
    _start(echo, heel_raises.id)
    way_out = echo.hear("this one makes me wobble").text
    assert "make it easier" in way_out
    reply = echo.hear("make it easier")
    assert heel_raises.levels["gentle"].supported in reply.text, reply.text


@pytest.mark.parametrize(
    "said", ["I use a walking frame", "I walk with a stick", "can I hold on to something"]
)
def test_with_nothing_under_way_it_says_what_to_hold_and_what_to_do_now(echo, said):
    reply = echo.hear(said)
    assert reply.text.startswith(WORDS.say("replies.balance_hold")), reply.text
    assert reply.text.endswith(WORDS.say("replies.what_now"))
    assert "position" not in echo.attributes


def test_the_two_ways_it_offers_with_nothing_under_way_are_understood(echo):
    """'say only sitting down' and 'say something for my balance' must do what they promise."""
    general = echo.hear("I use a walking frame").text
    assert "only sitting down" in general and "something for my balance" in general
    echo.hear("only sitting down")
    echo.hear("yes")
    seated = LIBRARY.plan(echo.attributes["position"]["routine_id"])
    assert {CATALOGUE.posture_id(item.exercise) for item in seated.items} == {"seated"}
    echo.hear("stop")
    echo.launch()
    offered = echo.hear("something for my balance")
    assert WORDS.say("plans.for_area_balance").strip() in offered.text, offered.text


def test_naming_an_exercise_offers_it_and_yes_does_it(echo):
    exercise = LIBRARY.exercises["toe_walking"]
    reply = echo.hear("do I need to hold on for toe walking")
    assert all(note in reply.text for note in exercise.safety), reply.text
    assert reply.text.endswith(WORDS.say("replies.want_to_do_it"))
    echo.hear("yes")
    assert echo.attributes["position"]["routine_id"] == "exercise:toe_walking"


def test_repeat_says_the_balance_answer_again(echo):
    _start(echo, "single_leg_heel_raises")
    said = echo.hear("I'm wobbling").text
    assert WORDS.say("replies.balance_hold") in said
    assert echo.hear("repeat").text == said


def test_in_british_english_it_is_a_worktop(tmp_path):
    british = _echo(tmp_path, "en-GB")
    reply = british.hear("can I hold on to something")
    assert "worktop" in reply.text and "counter" not in reply.text, reply.text


# -- one good leg ----------------------------------------------------------------------


ONE_GOOD_LEG = [
    "I've only got one good leg",
    "I can't put weight on my left leg",
    "can I just do my right side",
    "I'm an amputee",
]


@pytest.mark.parametrize("said", ONE_GOOD_LEG)
def test_one_good_leg_mid_routine_says_how_to_work_one_side_and_keeps_the_place(echo, said):
    before = _start(echo, "toe_press")
    settings = echo.attributes.get("settings")
    reply = echo.hear(said)
    assert reply.text.startswith(WORDS.say("conversation.one_side")), reply.text
    assert reply.text.endswith(WORDS.say("coaching.ready")), reply.text
    assert not reply.pauses_ms and not reply.ended
    assert echo.attributes["position"] == before
    assert echo.attributes.get("settings") == settings, "what a body can do is not stored"


def test_one_good_leg_with_nothing_under_way_then_asks_what_now(echo):
    reply = echo.hear("I've only got one good leg")
    assert reply.text.startswith(WORDS.say("conversation.one_side")), reply.text
    assert reply.text.endswith(WORDS.say("replies.what_now"))
    assert "only sitting down" in reply.text  # understood: see the test of the two ways above
