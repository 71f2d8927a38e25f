"""An exercise at the gentle level said as one version, never two that contradict.

The gentle version of single leg heel raises keeps both feet down: its steps, cue, rep words
and name come from the level, and nothing tells the person to stand on one foot or to switch
sides. Where the supported version already says how to hold on, the safety note that says it
again is left out. The expected words are read here from the exercises' JSON.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skill.engine.navigation import Coach
from skill.library import load_library

LIBRARY = load_library()
EXERCISES = Path(__file__).parent.parent / "content" / "exercises"


def level(exercise_id: str, name: str) -> dict:
    return json.loads((EXERCISES / f"{exercise_id}.json").read_text())["levels"][name]


def gentle_with(key: str) -> list[str]:
    """The exercises whose gentle level gives ``key`` of its own."""
    files = sorted(EXERCISES.glob("*.json"))
    return [p.stem for p in files if key in json.loads(p.read_text())["levels"]["gentle"]]


def spoken(routine_id: str) -> str:
    """Everything the routine says, every part, as text."""
    coach = Coach(LIBRARY)
    step = coach.start(routine_id)
    said = [step.turn.text]
    while not step.position.finished:
        step = coach.next(step.position)
        said.append(step.turn.text)
    return " ".join(said)


def test_gentle_single_leg_heel_raises_keep_both_feet_down_throughout():
    own = json.loads((EXERCISES / "single_leg_heel_raises.json").read_text())
    gentle = level("single_leg_heel_raises", "gentle")
    said = spoken("exercise:single_leg_heel_raises@g")
    for step in gentle["instructions"]:
        assert step in said
    for one_footed in (*own["side_cue"].values(), *own["instructions"][1:]):
        assert one_footed not in said, one_footed
    assert "switch sides" not in said.lower()
    assert gentle["name"] in said and own["name"] not in said
    assert said.count(gentle["action"].capitalize()) + said.count(gentle["action"]) >= 1


def test_the_standard_version_is_unchanged():
    own = json.loads((EXERCISES / "single_leg_heel_raises.json").read_text())
    said = spoken("exercise:single_leg_heel_raises")
    assert all(cue in said for cue in own["side_cue"].values())
    assert own["name"] in said


@pytest.mark.parametrize("exercise_id", gentle_with("safety"))
def test_a_gentle_version_says_its_own_safety_note_instead_of_the_one_it_repeats(exercise_id):
    own = json.loads((EXERCISES / f"{exercise_id}.json").read_text())
    gentle = level(exercise_id, "gentle")
    said = spoken(f"exercise:{exercise_id}@g")
    assert gentle["supported"] in said or gentle.get("instructions", [""])[0] in said
    assert all(note in said for note in gentle["safety"])
    assert not any(note in said for note in own["safety"] if note not in gentle["safety"])


@pytest.mark.parametrize("exercise_id", gentle_with("instructions"))
def test_a_gentle_version_with_its_own_steps_says_none_of_the_standard_ones(exercise_id):
    """Seated toe stretch said 'Foot across your knee', then 'rest your foot on a low stool
    instead of lifting it onto your thigh'."""
    own = json.loads((EXERCISES / f"{exercise_id}.json").read_text())
    gentle = level(exercise_id, "gentle")
    said = spoken(f"exercise:{exercise_id}@g")
    for step in gentle["instructions"]:
        assert step in said
    for step in own["instructions"]:
        assert step in gentle["instructions"] or step not in said, step
    assert own["cue"] not in said


def test_a_gentle_plan_is_offered_with_the_names_it_will_be_coached_with(echo):
    """'Here's a gentle routine: single leg heel raises...' was offered, then 'heel raises'
    coached with both feet down."""
    echo.hear("something for my ankles")
    offer = echo.hear("make it easier")
    routine = LIBRARY.plan(echo.attributes["offer"]["id"])
    names = [item.exercise.name for item in routine.items]
    assert "heel raises" in names, names  # the gentle version is in this plan
    own = json.loads((EXERCISES / "single_leg_heel_raises.json").read_text())["name"]
    assert own not in offer.text and all(name in offer.text for name in names), offer.text
