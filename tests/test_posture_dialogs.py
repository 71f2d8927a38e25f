"""Standing, sitting, on the floor, lying down: what a person can do shapes the plans offered.

"I can't get down on the floor" is remembered, as equipment is; "can I do these in bed" and
"do I have to stand up" shape only the plan offered then. Mid-routine the skill says how the
exercise under way is done. Which exercises are done how is read here from the content itself
(each exercise's starting position, and content/planning.json's postures), not from the skill.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from echo import Echo
from test_plan_dialogs import names_in, say, stored, tomorrow

from skill.library import load_library

LIBRARY = load_library()
PLANNING = json.loads((Path(__file__).parent.parent / "content" / "planning.json").read_text())
POSTURE_OF_POSITION = {
    position: posture["id"]
    for posture in PLANNING["postures"]
    for position in posture["starting_positions"]
}


def posture(name: str) -> str:
    exercise = next(e for e in LIBRARY.exercises.values() if e.name == name)
    return POSTURE_OF_POSITION[exercise.starting_position]


def offered(text: str) -> list[str]:
    """The exercises an offer names, between its colon and 'About'."""
    return names_in(text.split(":", 1)[1].split("About")[0])


def postures_offered(text: str) -> set[str]:
    return {posture(name) for name in offered(text)}


def test_postures_cover_every_exercise_and_each_has_some():
    assert {e.starting_position for e in LIBRARY.exercises.values()} <= set(POSTURE_OF_POSITION)
    kinds = {POSTURE_OF_POSITION[e.starting_position] for e in LIBRARY.exercises.values()}
    assert kinds == {"standing", "seated", "floor", "lying"}


def test_i_cant_get_down_on_the_floor_is_remembered_and_left_out_of_plans(echo, db):
    reply = say(echo, "PostureIntent", avoid=("get down on the floor", "floor"))
    assert reply.text.startswith("All right, I'll leave out exercises done sitting on the floor.")
    assert "nothing done sitting on the floor:" in reply.text
    assert offered(reply.text) and "floor" not in postures_offered(reply.text)
    assert stored(db)["settings"]["avoid"] == ["floor"]
    tomorrow(echo)
    later = say(echo, "PlanRoutineIntent", minutes="60", area=("my knees", "knees"))
    assert "nothing done sitting on the floor" in later.text
    assert offered(later.text) and "floor" not in postures_offered(later.text)
    start = say(echo, "AMAZON.YesIntent")
    assert start.text.startswith("Let's do your routine")


def test_a_second_posture_adds_to_the_first(echo, db):
    say(echo, "PostureIntent", avoid=("get down on the floor", "floor"))
    reply = say(echo, "PostureIntent", avoid=("stand for long", "standing"))
    assert reply.text.startswith(
        "All right, I'll leave out exercises done standing or sitting on the floor."
    )
    assert postures_offered(reply.text) <= {"seated", "lying"}
    assert stored(db)["settings"]["avoid"] == ["floor", "standing"]


def test_can_i_do_these_in_bed_offers_the_lying_ones_without_remembering_it(echo, db):
    reply = say(echo, "PostureIntent", ask=("in bed", "lying"))
    assert reply.text.startswith("Yes. A firm bed does as well as a mat. Here's a routine,")
    assert "all done lying on your back:" in reply.text
    assert postures_offered(reply.text) == {"lying"}
    assert "avoid" not in stored(db).get("settings", {})
    start = say(echo, "AMAZON.YesIntent")
    routine = LIBRARY.plan(echo.attributes["position"]["routine_id"])
    assert {POSTURE_OF_POSITION[i.exercise.starting_position] for i in routine.items} == {"lying"}
    assert start.pauses_ms


def test_i_can_only_sit_is_remembered_as_every_other_posture(echo, db):
    reply = say(echo, "PostureIntent", only=("in a wheelchair", "seated"))
    assert reply.text.startswith("All right, I'll keep to exercises done sitting on a chair.")
    assert postures_offered(reply.text) == {"seated"}
    assert stored(db)["settings"]["avoid"] == ["floor", "lying", "standing"]


def test_do_i_have_to_stand_up_offers_a_plan_without_standing_once(echo, db):
    reply = say(echo, "PostureIntent", need=("stand up", "standing"))
    assert reply.text.startswith("Not if you'd rather not. Here's a routine, nothing done standing")
    assert offered(reply.text) and "standing" not in postures_offered(reply.text)
    assert "avoid" not in stored(db).get("settings", {})
    plain = say(echo, "PlanRoutineIntent", minutes="60")
    assert "standing" in postures_offered(plain.text), "the question was not remembered"


def test_ruling_out_every_posture_says_so_and_how_to_undo_it(echo, db):
    say(echo, "PostureIntent", only=("sitting", "seated"))
    reply = say(echo, "PostureIntent", avoid=("sitting", "seated"))
    assert "Say forget my settings to change that." in reply.text
    assert "offer" not in echo.attributes
    forgot = say(echo, "ForgetSettingsIntent")
    assert forgot.text.startswith("Done.")
    assert "avoid" not in stored(db)["settings"]


def test_a_posture_not_understood_asks_for_one(echo):
    reply = say(echo, "PostureIntent", avoid=("handstands", "?"))
    assert reply.text.startswith("Sorry, I didn't catch that.")
    assert "floor" in reply.text and "sitting down" in reply.text


@pytest.mark.parametrize(
    "slots",
    [
        {"avoid": ("get down on the floor", "floor")},
        {"ask": ("in bed", "lying")},
        {"only": ("sitting", "seated")},
        {"need": ("stand up", "standing")},
    ],
)
def test_repeat_says_a_posture_answer_again_exactly(echo, slots):
    said = say(echo, "PostureIntent", **slots)
    again = echo.say("AMAZON.RepeatIntent")
    assert (again.ssml, again.reprompt) == (said.ssml, said.reprompt)


# -- in a routine ------------------------------------------------------------------------


def start_classic(echo: Echo) -> str:
    """Start the classic routine; the name of its first exercise."""
    echo.say("StartRoutineIntent", routine="classic")
    return LIBRARY.routines["classic"].items[0].exercise.name


def test_can_i_do_this_sitting_down_during_a_standing_exercise(echo):
    name = start_classic(echo)
    assert posture(name) == "standing"
    position = echo.attributes["position"]
    reply = say(echo, "PostureIntent", ask=("sitting down", "seated"))
    assert reply.text == (
        f"You do {name} standing. If that's hard for you, say make it easier, or skip."
        " Say next when you're ready."
    )
    assert echo.attributes["position"] == position
    assert "offer" not in echo.attributes


def test_in_bed_during_a_lying_exercise_says_yes(echo):
    start_classic(echo)
    routine = LIBRARY.routines["classic"]
    index = next(i for i, item in enumerate(routine.items) if item.exercise.id == "ankle_circles")
    while echo.attributes["position"]["item"] < index:
        say(echo, "SkipIntent")
    reply = say(echo, "PostureIntent", ask=("in bed", "lying"))
    assert reply.text.startswith("Yes: you do ankle circles lying on your back.")


def test_i_cant_stand_for_long_mid_routine_is_remembered_and_offers_a_way_out(echo, db):
    name = start_classic(echo)
    reply = say(echo, "PostureIntent", avoid=("stand for long", "standing"))
    assert reply.text.startswith("All right, I'll leave out exercises done standing.")
    assert f"You do {name} standing. If that's hard for you" in reply.text
    assert reply.text.endswith("Say next when you're ready.")
    assert stored(db)["settings"]["avoid"] == ["standing"]


def test_do_i_have_to_stand_during_a_seated_exercise(echo):
    say(echo, "DoExerciseIntent", exercise=("towel curls", "towel_toe_curls"))
    reply = say(echo, "PostureIntent", need=("stand up", "standing"))
    assert reply.text.startswith("Not for this one: you do towel toe curls sitting on a chair.")


def test_a_posture_asked_of_a_plan_just_offered_keeps_its_body_area(echo):
    say(echo, "PlanRoutineIntent", area=("my knees", "knees"))
    reply = say(echo, "PostureIntent", ask=("sitting down", "seated"))
    assert "routine for your knees, all done sitting on a chair:" in reply.text
    assert echo.attributes["offer"]["id"].startswith("plan:knees:")
    assert postures_offered(reply.text) == {"seated"}
    assert echo.say("AMAZON.RepeatIntent").ssml == reply.ssml
