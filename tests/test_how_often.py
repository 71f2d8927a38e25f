"""'How often should I do this?': the article's own frequency, never advice of the skill's.

It used to reach the safety answer ("only your doctor can say what's safe"). The expected
frequencies are read here from the exercises' JSON, not from the skill.
"""

from __future__ import annotations

import json
from pathlib import Path

from echo import Echo

from skill.library import load_library

LIBRARY = load_library()
EXERCISES = Path(__file__).parent.parent / "content" / "exercises"
SPOKEN = {1: "once", 2: "twice"}


def article_says(exercise_id: str) -> str | None:
    """'twice a day', '2 to 3 times a week', from the exercise's file."""
    frequency = json.loads((EXERCISES / f"{exercise_id}.json").read_text())["timing"].get(
        "frequency"
    )
    if frequency is None:
        return None
    low, high = frequency["times_min"], frequency.get("times_max", frequency["times_min"])
    times = SPOKEN.get(low, f"{low} times") if low == high else f"{low} to {high} times"
    return f"{times} a {frequency['per']}"


def test_in_a_routine_it_answers_for_the_exercise_under_way(echo: Echo):
    echo.hear("start the quick routine")
    exercise = LIBRARY.routines["quick"].items[0].exercise
    position = echo.attributes["position"]
    for asked in ("how often should I do this", "should I do this every day"):
        reply = echo.hear(asked)
        assert reply.text == (
            f"People usually do {exercise.name} {article_says(exercise.id)}."
            " Say next when you're ready."
        )
        assert "doctor" not in reply.text
    assert echo.attributes["position"] == position


def test_a_named_exercise_is_answered_and_offered(echo: Echo):
    reply = echo.hear("how many times a week should I do towel toe curls")
    said = article_says("towel_toe_curls")
    assert reply.text == f"People usually do towel toe curls {said}. Want to do it now?"
    assert echo.say("AMAZON.YesIntent").pauses_ms, "yes does it"


def test_an_exercise_whose_article_says_nothing_says_so(echo: Echo):
    assert article_says("band_foot_stretch") is None
    reply = echo.hear("how often should I do the band foot stretch")
    assert reply.text.startswith("I don't have a suggestion for how often to do band foot stretch.")


def test_with_nothing_under_way_it_answers_for_the_usual_routine(echo: Echo):
    reply = echo.hear("how often should I do these")
    routine = LIBRARY.default_routine
    assert reply.text.startswith(f"For {routine.name}: the suggestion is to do ")
    assert reply.text.endswith("What would you like to do? You can say start, or list routines.")
    again = echo.say("AMAZON.RepeatIntent")
    assert again.ssml == reply.ssml


def test_after_a_plan_it_answers_with_each_exercises_own_article(echo: Echo):
    """A plan has no article of its own: each exercise's article says how often."""
    echo.hear("I've got ten minutes for my knees")
    routine = LIBRARY.plan(echo.attributes["offer"]["id"])
    echo.hear("yes")
    echo.finish_routine()
    echo.next_day()
    echo.launch()
    reply = echo.hear("how often should I do these")
    assert "I don't have a suggestion" not in reply.text, reply.text
    said = [(i.exercise.name, article_says(i.exercise.id)) for i in routine.items]
    assert any(often for _, often in said)
    for name, often in said:
        if often is not None:
            assert name in reply.text and often in reply.text, reply.text
