"""Plan a routine that fits a person: their minutes, their equipment, a body area, a level.

A plan is a pure function of the library and a request, so the same request always gets the
same routine, and the routine it returns is an ordinary routine id ("plan:knees:a,b,c",
levels after "@") that the Coach plays, pauses, saves and resumes like a named one. Its
length is measured by playing it through the Coach, instructions included, so "about 9
minutes" is what the person will actually hear.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import field, replace

from skill.engine.navigation import Coach, Position
from skill.library import (
    ANY_AREA,
    EXERCISE_PREFIX,
    LEVEL_MARK,
    LEVELS,
    PLAN_PREFIX,
    Exercise,
    Library,
)
from skill.values import Value, value_class

#: The longest plan anyone can ask for; more than every exercise takes anyway.
MAX_MINUTES = 180
#: A plan's position (its id and every exercise taught) travels in the session, whose
#: attributes stay within 512 bytes at any turn (issue 12): a plan stops growing here.
MAX_POSITION_BYTES = 260
#: How much an article's word counts towards picking an exercise for an area.
SCOPE_SCORE = {"exercise": 2, "article": 1}
#: "Is there a shorter one?", "something longer": the minutes to plan for, as shares of the
#: length on offer, tried in turn. A change people notice without overshooting: from about 8
#: minutes, about 5 shorter and about 13 longer; a short plan may need more to grow by one
#: whole exercise.
RESIZE = {"shorter": (0.6,), "longer": (1.6, 2.5, 4.0)}
#: A plan is only offered as shorter or longer if it differs by at least this much: a few
#: seconds less is the same routine to the person.
MIN_RESIZE_SECONDS = 60


@value_class
class PlanRequest(Value):
    """What the person asked for and what is remembered about them (never health data)."""

    minutes: float | None = None
    have: frozenset[str] = frozenset()
    lack: frozenset[str] = frozenset()
    area: str | None = None
    level: str = "standard"
    exercise_levels: Mapping[str, str] = field(default_factory=dict, compare=False)
    #: Postures (content/planning.json ids) to leave out: "I can't get down on the floor".
    avoid: frozenset[str] = frozenset()
    #: Equipment just named to use ("what can I do with a tennis ball?"): exercises that need
    #: it come first, or having it would change nothing the person hears.
    wanted: frozenset[str] = frozenset()


@value_class
class Plan(Value):
    """A routine made for a request. ``fits`` is False when nothing fits the minutes and
    this is the shortest routine that can be made instead."""

    routine_id: str
    exercise_ids: tuple[str, ...]
    seconds: float
    minutes_asked: float
    fits: bool


def available_equipment(library: Library, have: Collection[str], lack: Collection[str]) -> set[str]:
    """Equipment to plan with: what is assumed or said to be at hand, minus what is lacking."""
    return {
        e.id
        for e in library.catalogue.equipment
        if (e.assumed or e.id in have) and e.id not in lack
    }


def allowed_exercises(
    library: Library,
    have: Collection[str],
    lack: Collection[str],
    avoid: Collection[str] = (),
) -> list[str]:
    """Exercises needing nothing the person lacks (or has not got) and done in no posture
    they avoid, in library order."""
    at_hand = available_equipment(library, have, lack)
    catalogue = library.catalogue
    return [
        i
        for i, e in library.exercises.items()
        if catalogue.needs(e) <= at_hand and catalogue.posture_id(e) not in avoid
    ]


def area_score(exercise: Exercise, area: str | None) -> int:
    """2 if an article says this exercise helps the area, 1 if it says so of all its exercises."""
    if area is None:
        return 0
    return max((SCOPE_SCORE[c.scope] for c in exercise.areas if c.area == area), default=0)


def position_bytes(routine_id: str, exercise_ids: Collection[str]) -> int:
    """The size of the largest position in this routine, as the session keeps it."""
    ids = tuple(exercise_ids)
    skipped = tuple(range(len(ids)))  # every exercise but the last, and more
    largest = Position(routine_id, 99, 99, coached=ids, skipped=skipped).to_json()
    return len(json.dumps(largest, separators=(",", ":")))


class Planner:
    """Builds plans with one Coach, whose timings are the ones the person will hear."""

    def __init__(self, coach: Coach) -> None:
        self.coach = coach
        self.library = coach.library

    def _level(self, request: PlanRequest, exercise_id: str) -> str:
        level = request.exercise_levels.get(exercise_id, request.level)
        return level if level in LEVELS else "standard"

    def routine_id(self, request: PlanRequest, exercise_ids: Collection[str]) -> str:
        """The plan's id: exercises grouped standing, seated, floor, and in library order
        within a group, so nobody gets down to the floor and up again."""
        catalogue = self.library.catalogue
        order = list(self.library.exercises)
        ids = sorted(
            exercise_ids,
            key=lambda i: (catalogue.posture(self.library.exercises[i]), order.index(i)),
        )
        base = self.library.plan_id(request.area, ids)
        return self.library.with_levels(base, {i: self._level(request, i) for i in ids})

    def spoken_seconds(self, routine_id: str) -> float:
        """How long the routine plays from 'start' to its last turn, its opening included."""
        first = self.coach.start(routine_id)
        return first.turn.estimated_seconds + self.coach.remaining_seconds(first.position)

    def _alone_seconds(self, request: PlanRequest, exercise_id: str) -> float:
        single = self.library.with_levels(
            f"{EXERCISE_PREFIX}{exercise_id}", {exercise_id: self._level(request, exercise_id)}
        )
        return self.spoken_seconds(single)

    def plan(self, request: PlanRequest) -> Plan | None:
        """The routine that fits, or the shortest possible one; None if no exercise is allowed.

        Exercises are tried best first (those using equipment just named, then most said to
        help the area, then shortest), and each is kept only if the whole routine, played as
        the Coach plays it, still fits.
        """
        minutes = (
            request.minutes
            if request.minutes is not None
            else self.library.catalogue.default_minutes
        )
        minutes = min(max(minutes, 0), MAX_MINUTES)
        budget = minutes * 60
        allowed = allowed_exercises(self.library, request.have, request.lack, request.avoid)
        if not allowed:
            return None
        alone = {i: self._alone_seconds(request, i) for i in allowed}
        order = list(self.library.exercises)
        catalogue = self.library.catalogue
        ranked = sorted(
            allowed,
            key=lambda i: (
                not catalogue.needs(self.library.exercises[i]) & request.wanted,
                -area_score(self.library.exercises[i], request.area),
                alone[i],
                order.index(i),
            ),
        )
        chosen: list[str] = []
        seconds = 0.0
        for exercise_id in ranked:
            if alone[exercise_id] > budget:
                continue
            trial = self.routine_id(request, [*chosen, exercise_id])
            if position_bytes(trial, [*chosen, exercise_id]) > MAX_POSITION_BYTES:
                continue
            trial_seconds = self.spoken_seconds(trial)
            if trial_seconds <= budget:
                chosen.append(exercise_id)
                seconds = trial_seconds
        if chosen:
            routine_id = self.routine_id(request, chosen)
            return Plan(routine_id, self._ids(routine_id), seconds, minutes, fits=True)
        shortest = min(ranked, key=lambda i: (alone[i], order.index(i)))
        routine_id = self.routine_id(request, [shortest])
        return Plan(routine_id, (shortest,), self.spoken_seconds(routine_id), minutes, fits=False)

    def resized(self, request: PlanRequest, seconds: float, change: str) -> Plan | None:
        """A plan "shorter" or "longer" (``change``) than one that takes ``seconds``.

        None when there is none: everything the person can do is already in it (longer), or
        it is already one short exercise (shorter). A shorter plan that is still longer than
        the minutes tried is offered all the same: it is what was asked for.
        """
        for share in RESIZE[change]:
            plan = self.plan(replace(request, minutes=seconds / 60 * share))
            if plan is None:
                return None
            differs = seconds - plan.seconds if change == "shorter" else plan.seconds - seconds
            if differs >= MIN_RESIZE_SECONDS:
                return replace(plan, fits=True)
        return None

    @staticmethod
    def unnamed(routine_id: str) -> str:
        """The same plan named for no area: for a plan offered because something hurts."""
        base, mark, levels = routine_id.partition(LEVEL_MARK)
        listed = base.removeprefix(PLAN_PREFIX).partition(":")[2]
        return f"{PLAN_PREFIX}{ANY_AREA}:{listed}{mark}{levels}"

    def _ids(self, routine_id: str) -> tuple[str, ...]:
        return tuple(item.exercise.id for item in self.library.plan(routine_id).items)
