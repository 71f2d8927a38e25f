"""Everyday sentences whose meaning depends on what is under way or was just said.

"Is it safe?" just after an exercise's how-to is about that exercise; "yes" then starts it
without teaching it a second time. "My hip's playing up" outside a routine asks for a plan
for hips, but mid-exercise it is about the exercise under way, and must not put a new routine
on offer that "yes" would start in its place. "I haven't got any equipment" means nothing to
buy. "Give me more time" is a pause, not a harder exercise; "I want to stop this exercise"
leaves the exercise, not the session. Each goes through the committed en-US model to the
Flask endpoint.
"""

from __future__ import annotations

import pytest

from skill.library import load_library
from skill.words import load_words

LIBRARY = load_library()
WORDS = load_words()
CATALOGUE = LIBRARY.catalogue
TO_BUY = sorted(e.id for e in CATALOGUE.equipment if not e.assumed)


def _needs(routine_id: str) -> set[str]:
    return set().union(*(CATALOGUE.needs(i.exercise) for i in LIBRARY.plan(routine_id).items))


@pytest.mark.parametrize(
    "said", ["I don't have any equipment", "I haven't got anything", "I've got nothing at home"]
)
def test_no_equipment_at_all_plans_with_nothing_to_buy(echo, said) -> None:
    reply = echo.hear(said)
    assert reply.text.startswith(WORDS.say("conversation.kit_equipment")), reply.text
    offered = echo.attributes["offer"]["id"]
    assert not _needs(offered) & set(TO_BUY)
    # remembered: a later plan leaves them out too
    echo.hear("I've got twenty minutes")
    assert not _needs(echo.attributes["offer"]["id"]) & set(TO_BUY)


def test_it_after_a_how_to_is_that_exercise_and_yes_does_not_teach_it_twice(echo) -> None:
    exercise = LIBRARY.exercises["ankle_circles"]
    how_to = echo.hear("how do I do ankle circles")
    assert echo.attributes["offer"] == {"kind": "exercise", "id": "ankle_circles"}
    safe = echo.hear("is it safe")
    assert exercise.name in safe.text.lower(), safe.text
    assert echo.attributes["offer"] == {"kind": "exercise", "id": "ankle_circles"}
    started = echo.hear("yes")
    assert echo.attributes["position"]["routine_id"] == "exercise:ankle_circles"
    assert started.pauses_ms, started.text
    # coached with its short cue: the full instructions were the how-to just heard
    assert WORDS.say("coaching.heres_how") in how_to.text or exercise.instructions[0] in how_to.text
    assert WORDS.say("coaching.heres_how") not in started.text
    assert exercise.instructions[-1] not in started.text


@pytest.mark.parametrize("said", ["my hip's playing up", "my knees are bad today"])
def test_a_part_of_the_body_mid_exercise_is_about_this_exercise(echo, said) -> None:
    echo.hear("start the quick routine")
    position = dict(echo.attributes["position"])
    reply = echo.hear(said)
    assert reply.text.startswith(WORDS.say("conversation.area_in_routine")), reply.text
    assert reply.text.endswith(WORDS.say("coaching.ready"))
    assert "offer" not in echo.attributes
    assert echo.attributes["position"] == position
    echo.hear("yes")
    assert echo.attributes["position"]["routine_id"] == "quick"


def test_wobbly_mid_exercise_is_what_to_hold_not_a_balance_routine(echo) -> None:
    echo.hear("start the quick routine")  # toe press: done standing
    reply = echo.hear("I'm a bit wobbly")
    assert WORDS.say("replies.balance_hold").split(",")[0] in reply.text, reply.text
    assert "offer" not in echo.attributes


def test_a_part_of_the_body_outside_a_routine_still_plans_for_it(echo) -> None:
    echo.hear("my knees are bad")
    assert echo.attributes["offer"]["id"].startswith("plan:knees")


@pytest.mark.parametrize("said", ["give me more time", "I need more time between them"])
def test_more_time_is_a_pause_not_a_harder_exercise(echo, said) -> None:
    echo.hear("start the quick routine")
    echo.hear(said)
    position = echo.attributes["position"]
    assert position["paused"] is True
    assert "@" not in position["routine_id"], "no exercise was made harder"


def test_stopping_this_exercise_skips_it_and_keeps_the_session(echo) -> None:
    echo.hear("start the quick routine")
    reply = echo.hear("I want to stop this exercise")
    assert not reply.ended
    assert echo.attributes["position"]["item"] == 1


def test_a_red_flag_with_nothing_under_way_ends_the_session_with_what_to_do(echo) -> None:
    reply = echo.hear("I feel a bit dizzy")
    assert reply.ended and reply.text == WORDS.say("conversation.red_flag")


def test_how_long_is_a_named_routine_says_its_length_and_starts_nothing(echo) -> None:
    reply = echo.hear("how long is the strength routine")
    assert "position" not in echo.attributes, reply.text
    assert echo.attributes["offer"] == {"kind": "routine", "id": "strength"}
    echo.hear("yes")
    assert echo.attributes["position"]["routine_id"] == "strength"


def test_how_long_is_another_routine_mid_routine_is_of_that_one_and_carries_on(echo) -> None:
    from skill.engine.navigation import Coach

    echo.hear("start the quick routine")
    echo.hear("next")
    position = echo.attributes["position"]
    reply = echo.hear("how long is the gentle routine")
    coach = Coach(LIBRARY)
    assert LIBRARY.routines["gentle"].name in reply.text.lower(), reply.text
    assert coach.duration(coach.total_seconds("gentle")) in reply.text
    assert LIBRARY.routines["quick"].name not in reply.text.lower()
    after = echo.attributes["position"]
    assert [after[k] for k in ("routine_id", "item", "part")] == [
        position[k] for k in ("routine_id", "item", "part")
    ]
    assert reply.text.endswith(WORDS.say("coaching.ready")) and not reply.ended


def test_whats_first_to_a_plan_on_offer_keeps_the_offer(echo) -> None:
    echo.hear("I've got ten minutes")
    offered = echo.attributes["offer"]
    echo.hear("what's first")
    assert echo.attributes["offer"] == offered


def test_a_tight_chest_is_a_red_flag_not_a_body_area_to_plan_for(echo) -> None:
    echo.hear("I've got ten minutes")
    reply = echo.hear("my chest is a bit tight today")
    assert reply.ended and "offer" not in echo.attributes


@pytest.mark.parametrize(
    ("said", "equipment"),
    [
        ("what can I do with a tennis ball", "tennis_ball"),
        ("I've got a resistance band now", "band"),
        ("I have a towel", "towel"),
    ],
)
def test_equipment_just_named_is_used_in_the_plan_offered(echo, said, equipment) -> None:
    """Having a tennis ball must change what is offered, or saying so changed nothing."""
    reply = echo.hear(said)
    assert equipment in _needs(echo.attributes["offer"]["id"]), reply.text


def test_next_after_it_hurt_mid_exercise_moves_on_never_the_same_again(echo) -> None:
    """'Say skip to move on': a question asked after it ('how do I do this?') must not make
    'next' replay the exercise that hurt."""
    first, second = (i.exercise.name for i in LIBRARY.routines["quick"].items[:2])
    echo.hear("start the quick routine")
    echo.hear("my knee's starting to twinge")
    echo.hear("how do I do this")
    moved_on = echo.hear("next")
    opening = moved_on.text.split(".")[0]
    assert second in opening and first not in opening, opening


def test_skip_after_the_exercise_just_done_hurt_goes_to_the_one_announced(echo) -> None:
    second, third = (i.exercise.name for i in LIBRARY.routines["quick"].items[1:3])
    started = echo.hear("start the quick routine")
    assert f"Next up: {second}" in started.text
    echo.listen_to_end()
    echo.hear("my foot's cramping")
    skipped = echo.hear("skip")
    opening = skipped.text.split(".")[0]
    assert second in opening and third not in opening, opening


@pytest.mark.parametrize(("then", "item"), [("skip", 4), ("next", 3)])
def test_an_exercise_needing_what_was_said_missing_is_asked_about_first(echo, then, item):
    """'I haven't got a band' mid-routine, then the band exercise comes: it is named and
    asked about before its whole turn plays; skip leaves it out, next does it."""
    items = LIBRARY.routines["daily"].items
    band = next(i for i, it in enumerate(items) if "band" in CATALOGUE.needs(it.exercise))
    assert band == 3
    echo.hear("start the daily routine")
    echo.hear("I haven't got a band")
    for _ in range(band - 1):
        echo.hear("next")
    asked = echo.hear("next")
    assert items[band].exercise.name in asked.text and not asked.pauses_ms, asked.text
    assert echo.attributes["position"]["paused"] is True
    after = echo.hear(then)
    assert echo.attributes["position"]["item"] == item
    assert items[item].exercise.name in after.text.split(".")[0] and after.pauses_ms
