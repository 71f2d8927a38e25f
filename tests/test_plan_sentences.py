"""Every example sentence of issue 9 does what it says: understood the way `footcoach chat`
understands it (the committed interaction model), sent as real request JSON through the
Flask endpoint, and answered as the issue asks."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from echo import Echo, Reply
from progress_db import query
from test_plan_dialogs import RED_FLAGS, minutes_said, names_in, say

from skill.console.understanding import load_model
from skill.engine.navigation import Coach
from skill.engine.planning import Planner
from skill.library import load_library
from skill.web.app import WebConfig, create_app

MODEL = load_model("en-US")
LIBRARY = load_library()
PLANNER = Planner(Coach(LIBRARY))
NEXT_QUESTION = "Say next when you're ready."


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "progress.sqlite3"


@pytest.fixture
def echo(db: Path) -> Echo:
    device = Echo(create_app(WebConfig(db=str(db), skill_id=None, verify=False)).test_client())
    device.launch()
    return device


def stored(db: Path) -> dict:
    return json.loads(query(db, "SELECT attributes FROM progress")[0][0])


def hear(echo: Echo, sentence: str) -> Reply:
    """The person says ``sentence``: understood as Alexa would, then sent to the skill."""
    understood = MODEL.understand(sentence)
    assert understood.intent not in (None, "AMAZON.FallbackIntent"), sentence
    slots: dict[str, str | tuple[str, str]] = {}
    for slot in understood.slots:
        if slot.spoken is None:
            continue
        if slot.is_builtin:
            slots[slot.name] = slot.value or ""
        elif slot.resolved:
            slots[slot.name] = (slot.spoken, slot.resolved[0].id)
        else:
            slots[slot.name] = slot.spoken
    return say(echo, understood.intent, **slots)


def in_a_routine(echo: Echo) -> Reply:
    return hear(echo, "start the back pain routine")


# -- time ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "minutes"),
    [
        ("I have ten minutes", 10),
        ("I only have 5 minutes", 5),
        ("I only have twenty minutes", 20),
        ("fifteen minutes", 15),
        ("something under a quarter of an hour", 15),
        ("half an hour", 30),
    ],
)
def test_time_gets_a_plan_that_fits_and_yes_starts_it(echo, sentence, minutes):
    offer = hear(echo, sentence)
    assert offer.text.startswith(f"For your {minutes} minutes, here's a routine: "), offer.text
    assert minutes_said(offer.text) <= minutes
    start = hear(echo, "yes")
    assert start.text.startswith("Let's do your routine: ") and start.pauses_ms
    routine_id = echo.attributes["position"]["routine_id"]
    assert PLANNER.spoken_seconds(routine_id) <= minutes * 60


def test_one_minute_offers_the_shortest_routine(echo):
    offer = hear(echo, "one minute")
    assert offer.text.startswith("One minute is too short for a whole exercise.")
    assert hear(echo, "yes").pauses_ms


# -- equipment ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "thing", "equipment_id"),
    [
        ("I have a resistance band", "band", "band"),
        ("I have a resistance band now", "band", "band"),
        ("I have a band now", "band", "band"),
        ("I have a towel", "towel", "towel"),
        ("I've got a tennis ball", "tennis ball", "tennis_ball"),
    ],
)
def test_having_equipment_is_remembered_and_starts_nothing(echo, db, sentence, thing, equipment_id):
    reply = hear(echo, sentence)
    assert reply.text.startswith(f"Got it: you have a {thing}. Here's a routine")
    assert not reply.pauses_ms, "no routine starts"
    assert equipment_id in stored(db)["settings"]["have"]


@pytest.mark.parametrize(
    ("sentence", "thing"), [("I don't have a band", "band"), ("no towel", "towel")]
)
def test_lacking_equipment_is_remembered_and_left_out(echo, db, sentence, thing):
    reply = hear(echo, sentence)
    assert reply.text.startswith(f"Got it, no {thing}.")
    assert f"no {thing} needed" in reply.text
    assert thing in stored(db)["settings"]["lack"]


def test_what_can_i_do_without_a_towel(echo):
    offer = hear(echo, "what can I do without a towel")
    assert ", no towel needed: " in offer.text
    assert "towel" not in offer.text.split("needed:")[1]


def test_a_ten_minute_routine_for_my_knees_without_a_band(echo):
    offer = hear(echo, "a ten minute routine for my knees without a band")
    assert offer.text.startswith(
        "For your 10 minutes, here's a routine for your knees, no band needed: "
    )
    assert offer.text.endswith("Ready?") and minutes_said(offer.text) <= 10
    hear(echo, "yes")
    routine = LIBRARY.plan(echo.attributes["position"]["routine_id"])
    assert all("resistance band" not in item.exercise.equipment for item in routine.items)


# -- body areas -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "area", "said"),
    [
        ("something for my knees", "knees", "for your knees"),
        ("do you have something for my knees", "knees", "for your knees"),
        ("exercises for my back", "back", "for your back"),
        ("my hips are stiff", "hips", "for your hips"),
        ("for balance", "balance", "for your balance"),
    ],
)
def test_an_area_gets_a_plan_of_exercises_its_articles_say_help_it(echo, sentence, area, said):
    offer = hear(echo, sentence)
    assert offer.text.startswith(f"Here's a routine {said}: ")
    helping = {
        e.name
        for e in LIBRARY.exercises.values()
        for c in e.areas
        if (c.area, c.scope) == (area, "exercise")
    }
    assert helping & set(names_in(offer.text))


# -- level ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "level"), [("something easier", "gentle"), ("make it harder", "harder")]
)
def test_a_level_outside_a_routine_is_remembered_with_a_plan(echo, db, sentence, level):
    reply = hear(echo, sentence)
    assert f"Here's a {level} routine" in reply.text
    assert stored(db)["settings"]["level"] == level


@pytest.mark.parametrize(
    ("sentence", "change"),
    # toe press is easier by support alone (its articles give no lower dose)
    [
        ("this is too hard", "All right, to make toe press easier: "),
        ("too easy", "All right, toe press will be harder: "),
    ],
)
def test_too_hard_or_too_easy_in_a_routine_changes_this_exercise(echo, db, sentence, change):
    in_a_routine(echo)
    reply = hear(echo, sentence)
    assert reply.text.startswith(change)
    assert reply.text.endswith(NEXT_QUESTION)
    assert "toe_press" in stored(db)["settings"]["exercise_levels"]


def test_lets_do_heel_raises_coaches_heel_raises(echo):
    reply = hear(echo, "let's do heel raises")
    assert "single leg heel raises" in reply.text.lower() and reply.pauses_ms


# -- pain and safety --------------------------------------------------------------------


@pytest.mark.parametrize("sentence", ["this hurts", "my back hurts", "my knee hurts"])
def test_pain_during_an_exercise_stops_it(echo, sentence):
    in_a_routine(echo)
    reply = hear(echo, sentence)
    assert reply.text.startswith("Stop that exercise now, and rest.")
    assert all(flag in reply.text for flag in RED_FLAGS)
    assert "say skip" in reply.text and "stop to end for today" in reply.text


def test_my_back_hurts_outside_a_routine(echo):
    reply = hear(echo, "my back hurts")
    care, rest = reply.text.split(". ", 1)
    assert care == "I'm sorry"
    assert all(flag in rest for flag in RED_FLAGS)
    assert rest.endswith("I can make a gentle routine for your back. Want that?")
    assert hear(echo, "yes").pauses_ms


@pytest.mark.parametrize("sentence", ["I feel dizzy", "I can't breathe well"])
def test_a_red_flag_during_an_exercise_ends_the_session_with_what_to_do(echo, sentence):
    in_a_routine(echo)
    reply = hear(echo, sentence)
    assert reply.ended and not reply.pauses_ms
    assert reply.text.startswith("Stop now.") and "get help now" in reply.text
    assert "say skip" not in reply.text


def test_i_feel_dizzy_outside_a_routine_offers_no_exercise(echo):
    reply = hear(echo, "I feel dizzy")
    assert reply.ended and "get medical help" in reply.text
    assert "Want that?" not in reply.text


# -- the conversation -----------------------------------------------------------------


def test_what_can_you_do_gives_four_examples_each_understood(echo):
    reply = hear(echo, "what can you do")
    examples = re.search(r"You can say (.*)\. What would you like to do\?", reply.text).group(1)
    said = (
        "start",
        "I have ten minutes",
        "something for my knees",
        "I can't get down on the floor",
    )
    assert examples == f"{', '.join(said[:-1])}, or {said[-1]}"
    for example in said:
        assert MODEL.understand(example).intent not in (None, "AMAZON.FallbackIntent")


def test_where_was_i(echo):
    in_a_routine(echo)
    hear(echo, "next")
    assert hear(echo, "where was I").text.startswith("You're on exercise 2 of 5, toe walking")
    hear(echo, "goodbye")
    echo.next_day()
    echo.launch()
    reply = hear(echo, "where was I")
    assert reply.text.startswith("You were on toe walking in the back pain routine.")
    assert "toe walking" in hear(echo, "yes").text.lower()


@pytest.mark.parametrize("sentence", ["what was that", "pardon", "come again"])
def test_what_was_that_says_it_again(echo, sentence):
    said = in_a_routine(echo)
    assert hear(echo, sentence).ssml == said.ssml


@pytest.mark.parametrize("sentence", ["I'm done", "goodbye", "that's enough for today", "bye"])
def test_im_done_saves_and_ends(echo, db, sentence):
    in_a_routine(echo)
    hear(echo, "next")
    reply = hear(echo, sentence)
    assert reply.ended and "saved your place" in reply.text
    assert stored(db)["position"]["item"] == 1


@pytest.mark.parametrize("sentence", ["next one", "done, next", "okay next"])
def test_next_one_goes_on(echo, sentence):
    in_a_routine(echo)
    assert "toe walking" in hear(echo, sentence).text.lower()


@pytest.mark.parametrize("sentence", ["can you slow down", "speak slower"])
def test_slow_down_is_slower_speech_remembered(echo, db, sentence):
    hear(echo, sentence)
    step = in_a_routine(echo)
    assert step.ssml.startswith('<speak><prosody rate="85%">') and step.pauses_ms
    assert stored(db)["settings"]["slower"] is True
    assert "prosody" not in hear(echo, "normal speed").ssml


@pytest.mark.parametrize("sentence", ["less talking", "just count"])
def test_less_talking_gives_cues_and_more_detail_brings_instructions_back(echo, sentence):
    hear(echo, sentence)
    concise = in_a_routine(echo)
    toe_press = LIBRARY.exercises["toe_press"]
    assert toe_press.cue in concise.text and toe_press.instructions[0] not in concise.text
    hear(echo, "more detail")
    detailed = hear(echo, "next")
    assert LIBRARY.exercises["toe_walking"].instructions[0] in detailed.text


def test_forget_my_settings(echo, db):
    hear(echo, "I have a resistance band now")
    hear(echo, "can you slow down")
    hear(echo, "forget my settings")
    settings = stored(db)["settings"]
    assert settings["have"] == [] and settings["slower"] is False


@pytest.mark.parametrize("sentence", ["how am I doing", "no thanks"])
def test_answers_mid_routine_end_with_the_routines_question(echo, sentence):
    in_a_routine(echo)
    reply = hear(echo, sentence)
    assert reply.text.endswith(NEXT_QUESTION), reply.text
    assert "What would you like to do" not in reply.text
