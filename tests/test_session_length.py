"""A shorter or longer session: "is there a shorter one?", "I'm in a hurry", "something longer".

A person told "Here's a routine... about 8 minutes. Ready?" who has less time asks for a
shorter one in many words; they must get one that is really shorter (by a minute at least),
for the same body area, with what they said about equipment still kept, and "yes" must start
it. When nothing shorter (or longer) can be made, the offer stands and they hear so. In a
routine, the answer is how long is left and how to make it shorter, and the routine's place
is kept. Each utterance goes through the committed en-US model to the Flask endpoint.
"""

from __future__ import annotations

import pytest
from echo import Echo, Reply
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skill.engine.navigation import Coach
from skill.engine.planning import MIN_RESIZE_SECONDS, Planner, PlanRequest
from skill.library import load_library
from skill.words import load_words

LIBRARY = load_library()
WORDS = load_words()
COACH = Coach(LIBRARY)
PLANNER = Planner(COACH)
AREAS = list(LIBRARY.catalogue.areas)
EQUIPMENT = sorted(e.id for e in LIBRARY.catalogue.equipment)

SHORTER = [
    "is there a shorter version",
    "anything shorter",
    "that's too long",
    "can you make it shorter",
    "that's a bit long for me",
    "I haven't got time for that",
    "I'm in a hurry",
    "could I have something shorter please",
]
LONGER = [
    "something longer",
    "is there a longer one",
    "I've got more time than that",
    "can we make it longer",
]


def _offered(echo: Echo) -> str:
    offer = echo.attributes["offer"]
    assert offer["kind"] == "plan", offer
    return offer["id"]


def _seconds(routine_id: str) -> float:
    return PLANNER.spoken_seconds(routine_id)


def _exercises(routine_id: str) -> list[str]:
    return [item.exercise.id for item in LIBRARY.plan(routine_id).items]


@given(
    minutes=st.integers(3, 40),
    area=st.none() | st.sampled_from(AREAS),
    lack=st.frozensets(st.sampled_from(EQUIPMENT)),
    change=st.sampled_from(["shorter", "longer"]),
)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_resized_plan_really_is_shorter_or_longer_and_keeps_the_request(
    minutes, area, lack, change
) -> None:
    request = PlanRequest(minutes=minutes, lack=lack, area=area)
    offered = PLANNER.plan(request)
    if offered is None:  # nothing can be done without what is lacking
        return
    seconds = _seconds(offered.routine_id)
    resized = PLANNER.resized(request, seconds, change)
    if resized is None:
        # nothing other: shorter only when it is already a single exercise
        if change == "shorter":
            assert (
                len(offered.exercise_ids) == 1
                or seconds - min(_seconds(f"exercise:{i}") for i in offered.exercise_ids)
                < MIN_RESIZE_SECONDS
            )
        return
    played = _seconds(resized.routine_id)
    if change == "shorter":
        assert played <= seconds - MIN_RESIZE_SECONDS
    else:
        assert played >= seconds + MIN_RESIZE_SECONDS
    needs = set().union(
        *(LIBRARY.catalogue.needs(LIBRARY.exercises[i]) for i in resized.exercise_ids)
    )
    assert not needs & lack
    assert resized.routine_id.removeprefix("plan:").partition(":")[0] == (area or "all")


def _resized(echo: Echo, first: str, said: str) -> tuple[str, str, Reply]:
    """The plan offered for ``first``, the plan offered after ``said``, and that reply."""
    echo.hear(first)
    before = _offered(echo)
    reply = echo.hear(said)
    return before, _offered(echo), reply


@pytest.mark.parametrize("said", SHORTER)
def test_a_shorter_one_is_offered_for_the_same_area_and_yes_starts_it(echo, said) -> None:
    before, after, reply = _resized(echo, "something for my knees without a band", said)
    assert _seconds(after) <= _seconds(before) - MIN_RESIZE_SECONDS, reply.text
    assert after.removeprefix("plan:").split(":")[0] == "knees"
    assert "band" not in " ".join(
        n for i in _exercises(after) for n in LIBRARY.catalogue.needs(LIBRARY.exercises[i])
    )
    assert reply.text.startswith(WORDS.say("plans.length_lead_shorter"))
    assert reply.text.endswith("Ready?")
    # the minutes the planner tried were not the person's: none are said back
    assert "For your" not in reply.text
    echo.hear("yes")
    assert echo.attributes["position"]["routine_id"] == after


@pytest.mark.parametrize("said", LONGER)
def test_a_longer_one_is_offered(echo, said) -> None:
    before, after, reply = _resized(echo, "I have five minutes", said)
    assert _seconds(after) >= _seconds(before) + MIN_RESIZE_SECONDS, reply.text
    assert reply.text.startswith(WORDS.say("plans.length_lead_longer"))


def test_short_of_time_with_nothing_offered_gets_a_plan_shorter_than_usual(echo) -> None:
    usual = PLANNER.plan(PlanRequest())
    assert usual is not None
    reply = echo.hear("I've only got a few minutes")
    offered = _offered(echo)
    assert _seconds(offered) <= usual.seconds - MIN_RESIZE_SECONDS, reply.text


def test_when_nothing_shorter_can_be_made_the_offer_stands(echo) -> None:
    echo.hear("I'm in a hurry")
    for _ in range(10):  # shorter until it cannot be
        before = echo.attributes["offer"]
        reply = echo.hear("anything shorter")
        if echo.attributes["offer"] == before:
            break
    else:
        pytest.fail("plans kept getting shorter")
    assert len(_exercises(before["id"])) == 1
    assert "as short as I can make it" in reply.text
    repeated = echo.hear("repeat")
    assert repeated.text == reply.text
    echo.hear("yes")
    assert echo.attributes["position"]["routine_id"] == before["id"]


def test_in_a_routine_the_time_left_and_the_way_to_shorten_it_and_the_place_is_kept(
    echo,
) -> None:
    echo.hear("start the quick routine")
    echo.hear("next")
    position = dict(echo.attributes["position"])
    reply = echo.hear("is there a shorter version")
    assert "left in" in reply.text and "skip" in reply.text
    assert reply.text.endswith(WORDS.say("coaching.ready"))
    assert echo.attributes["position"] == position
    assert "offer" not in echo.attributes
    longer = echo.hear("can we make it longer")
    assert "another routine" in longer.text
    assert echo.attributes["position"] == position


@pytest.mark.parametrize("said", ["keep it shorter", "shorter instructions", "less talking"])
def test_shorter_words_about_talking_still_set_less_talking(echo, said) -> None:
    echo.hear("start the quick routine")
    position = dict(echo.attributes["position"])
    reply = echo.hear(said)
    assert reply.text.startswith(WORDS.say("conversation.talk_concise"))
    assert echo.attributes["position"] == position
