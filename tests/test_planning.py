"""The planner: routines that fit a person's minutes, equipment, body area and level.

Property tests over the whole space (minutes 2-60, every subset of equipment had or lacked,
every area, every level) check what a person relies on: the routine's length as the Coach
actually plays it is within the minutes asked, nothing they lack is needed, every turn is
playable by Alexa (also when spoken slower), and the same request gets the same routine.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skill.engine.navigation import Coach, Position
from skill.engine.planning import (
    MAX_POSITION_BYTES,
    Planner,
    PlanRequest,
    allowed_exercises,
    area_score,
    position_bytes,
)
from skill.engine.ssml import MAX_BREAK_MS, MAX_SSML_CHARS, SLOWER_RATE_PERCENT, at_rate, to_ssml
from skill.engine.turn import MAX_TURN_SECONDS, speech_seconds
from skill.library import LEVELS, load_library

LIBRARY = load_library()
COACH = Coach(LIBRARY)
PLANNER = Planner(COACH)
EQUIPMENT = sorted(e.id for e in LIBRARY.catalogue.equipment)
AREAS = list(LIBRARY.catalogue.areas)

requests = st.builds(
    PlanRequest,
    minutes=st.integers(2, 60),
    have=st.frozensets(st.sampled_from(EQUIPMENT)),
    lack=st.frozensets(st.sampled_from(EQUIPMENT)),
    area=st.none() | st.sampled_from(AREAS),
    level=st.sampled_from(LEVELS),
    avoid=st.frozensets(st.sampled_from([p.id for p in LIBRARY.catalogue.postures])),
)


def played_seconds(routine_id: str) -> float:
    """The routine's length walked turn by turn, independently of Coach.total_seconds."""
    return sum(s.turn.estimated_seconds for s in COACH.walk(routine_id) if not s.position.finished)


def at_hand(request: PlanRequest) -> set[str]:
    assumed = {e.id for e in LIBRARY.catalogue.equipment if e.assumed}
    return (assumed | request.have) - request.lack


def assert_playable(routine_id: str) -> None:
    """Every turn within Alexa's limits, at the normal rate and at the slower one."""
    for step in COACH.walk(routine_id):
        ssml = to_ssml(step.turn)
        slower = at_rate(ssml, SLOWER_RATE_PERCENT)
        assert len(slower) <= MAX_SSML_CHARS
        ET.fromstring(slower)
        assert all(int(ms) <= MAX_BREAK_MS for ms in re.findall(r'time="(\d+)ms"', ssml))
        slow_seconds = (
            speech_seconds(step.turn.text) * 100 / SLOWER_RATE_PERCENT + step.turn.pause_seconds
        )
        assert slow_seconds <= MAX_TURN_SECONDS, (routine_id, step.position)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests)
def test_a_plan_fits_the_minutes_the_equipment_and_alexa(request):
    plan = PLANNER.plan(request)
    allowed = allowed_exercises(LIBRARY, request.have, request.lack, request.avoid)
    if not allowed:
        assert plan is None
        return
    assert plan is not None
    needed = set().union(
        *(LIBRARY.catalogue.needs(LIBRARY.exercises[i]) for i in plan.exercise_ids)
    )
    assert needed <= at_hand(request), "a plan needs only equipment the person has"
    positions = {LIBRARY.exercises[i].starting_position for i in plan.exercise_ids}
    avoided = {
        position
        for posture in LIBRARY.catalogue.postures
        if posture.id in request.avoid
        for position in posture.starting_positions
    }
    assert not positions & avoided, "nothing done in a posture the person avoids"
    assert not needed & request.lack
    assert plan.seconds == pytest.approx(played_seconds(plan.routine_id))
    if plan.fits:
        assert plan.seconds <= request.minutes * 60
    else:  # nothing fits: the single shortest exercise the person can do is offered
        assert len(plan.exercise_ids) == 1
        shortest = min(played_seconds(PLANNER.routine_id(request, [i])) for i in allowed)
        assert plan.seconds == pytest.approx(shortest)
        assert plan.seconds > request.minutes * 60
    postures = [LIBRARY.catalogue.posture(LIBRARY.exercises[i]) for i in plan.exercise_ids]
    assert postures == sorted(postures), "standing, then seated, then floor: down only once"
    assert_playable(plan.routine_id)
    # deterministic: a new planner over a freshly loaded library makes the same routine
    assert Planner(Coach(load_library())).plan(request) == plan


@settings(max_examples=60, deadline=None)
@given(requests)
def test_a_plan_prefers_exercises_for_the_area(request):
    plan = PLANNER.plan(request)
    if plan is None or not plan.fits or request.area is None:
        return
    allowed = allowed_exercises(LIBRARY, request.have, request.lack, request.avoid)
    best = max(area_score(LIBRARY.exercises[i], request.area) for i in allowed)
    fitting_best = [
        i
        for i in allowed
        if area_score(LIBRARY.exercises[i], request.area) == best
        and played_seconds(PLANNER.routine_id(request, [i])) <= request.minutes * 60
    ]
    if fitting_best:
        chosen = {area_score(LIBRARY.exercises[i], request.area) for i in plan.exercise_ids}
        assert best in chosen


@settings(max_examples=60, deadline=None)
@given(requests)
def test_a_plan_is_played_like_a_named_routine(request):
    """Next, back, skip and resume tomorrow: the plan's position survives storage."""
    plan = PLANNER.plan(request)
    if plan is None:
        return
    step = COACH.start(plan.routine_id)
    step = COACH.next(step.position)
    stored = step.position.to_json()
    restored = Position.from_json(stored, Coach(load_library()))
    assert restored == step.position
    assert COACH.previous(restored).position.routine_id == plan.routine_id
    assert COACH.skip(restored).position.routine_id == plan.routine_id


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize(
    "routine_id", sorted(LIBRARY.routines) + [f"exercise:{e}" for e in sorted(LIBRARY.exercises)]
)
def test_every_routine_at_every_level_is_playable_slower_too(routine_id, level):
    levels = {item.exercise.id: level for item in LIBRARY.plan(routine_id).items}
    assert_playable(LIBRARY.with_levels(routine_id, levels))


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("area", [None, *AREAS])
def test_ten_minutes_for_every_area_and_level(area, level):
    plan = PLANNER.plan(PlanRequest(10, area=area, level=level))
    assert plan is not None and plan.fits
    assert 0 < plan.seconds <= 600
    assert len(plan.exercise_ids) >= 2
    routine = LIBRARY.plan(plan.routine_id)
    assert [item.exercise.id for item in routine.items] == list(plan.exercise_ids)


def test_one_minute_offers_the_shortest_routine_instead():
    plan = PLANNER.plan(PlanRequest(1))
    assert plan is not None and not plan.fits
    assert 60 < plan.seconds < 240


def test_lacking_a_band_leaves_out_every_band_exercise():
    plan = PLANNER.plan(PlanRequest(60, have=frozenset({"band"}), lack=frozenset({"band"})))
    for exercise_id in plan.exercise_ids:
        assert "resistance band" not in LIBRARY.exercises[exercise_id].equipment


def test_a_band_is_used_only_by_someone_who_has_one():
    band_exercises = {i for i, e in LIBRARY.exercises.items() if "resistance band" in e.equipment}
    without = PLANNER.plan(PlanRequest(60, area="balance"))
    with_band = PLANNER.plan(PlanRequest(60, have=frozenset({"band"}), area="balance"))
    assert not band_exercises & set(without.exercise_ids)
    assert "resistance_band_flexion" in with_band.exercise_ids  # its article: balance


def test_a_long_plan_stays_small_enough_for_the_session():
    plan = PLANNER.plan(PlanRequest(60, have=frozenset(EQUIPMENT), level="gentle"))
    assert position_bytes(plan.routine_id, plan.exercise_ids) <= MAX_POSITION_BYTES
    assert len(plan.exercise_ids) >= 6


def test_no_mat_means_nothing_on_the_floor():
    plan = PLANNER.plan(PlanRequest(60, lack=frozenset({"mat"})))
    positions = {LIBRARY.exercises[i].starting_position for i in plan.exercise_ids}
    assert not positions & {"sitting on the floor", "lying on your back"}


def test_lacking_everything_needed_leaves_only_exercises_needing_nothing():
    plan = PLANNER.plan(PlanRequest(60, lack=frozenset(EQUIPMENT) - {"chair", "wall"}))
    assert plan is not None
    for exercise_id in plan.exercise_ids:
        exercise = LIBRARY.exercises[exercise_id]
        assert set(exercise.equipment) <= {"chair", "wall"}
        assert exercise.starting_position in ("standing", "sitting on a chair")
    assert PLANNER.plan(PlanRequest(60, lack=frozenset(EQUIPMENT))) is None


def silence_seconds(routine_id: str) -> float:
    return sum(step.turn.pause_seconds for step in COACH.walk(routine_id))


def test_gentle_holds_less_and_harder_more():
    standard = PLANNER.plan(PlanRequest(60))
    ids = list(standard.exercise_ids)
    gentle = PLANNER.routine_id(PlanRequest(60, level="gentle"), ids)
    harder = PLANNER.routine_id(PlanRequest(60, level="harder"), ids)
    assert silence_seconds(gentle) < silence_seconds(standard.routine_id)
    assert silence_seconds(harder) > silence_seconds(standard.routine_id)


def test_remembered_exercise_level_wins_over_the_general_one():
    request = PlanRequest(60, level="harder", exercise_levels={"toe_press": "gentle"})
    routine = LIBRARY.plan(PLANNER.plan(request).routine_id)
    toe_press = next(i for i in routine.items if i.exercise.id == "toe_press")
    assert toe_press.timing.hold_seconds == 3  # 001's low end, not its 5-second top
    assert toe_press.exercise.instructions[-1] == (
        LIBRARY.exercises["toe_press"].levels["gentle"].supported
    )


@pytest.mark.parametrize(
    "routine_id",
    [
        "plan:knees:",
        "plan:nowhere:toe_press",
        "plan:knees:toe_press,toe_press",
        "plan:knees:no_such_exercise",
        "classic@toe_press=extreme",
        "classic@ankle_circles=gentle,ankle_circles=harder",
        "classic@",
        "quick@towel_toe_curls=gentle",  # not in the quick routine
    ],
)
def test_a_malformed_plan_id_is_no_routine(routine_id):
    with pytest.raises(KeyError):
        LIBRARY.plan(routine_id)
