"""Split an exercise into turns Alexa can play, at the most natural boundaries.

Alexa plays at most 240 s per response, so a long exercise (five sets of ankle circles on
each foot) becomes several parts, each ending with "say next". Splits go between sides or
sets where possible, between directions if not, and between reps only as a last resort.
Parts are measured with full instructions, so they never depend on what the person has
already heard: a position (item, part) means the same reps in every session.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import pairwise

from skill.engine.coaching import PartContext, part_segments
from skill.engine.dose import Boundary, RepSlot, boundary, rep_slots
from skill.engine.turn import TURN_BUDGET_SECONDS, Turn
from skill.library import RoutineItem
from skill.words import Words, load_words

Part = tuple[RepSlot, ...]


class ExerciseTooLongError(ValueError):
    """A single rep is longer than a turn can be: the content must change."""


def _cut(item: RoutineItem, slots: Part, level: Boundary) -> list[Part]:
    groups: list[list[RepSlot]] = [[slots[0]]]
    for before, after in pairwise(slots):
        if boundary(item.timing, before, after) >= level:
            groups.append([])
        groups[-1].append(after)
    return [tuple(g) for g in groups]


def _split(
    slots: Part, measure: Callable[[Part], float], item: RoutineItem, level: int
) -> list[Part]:
    if measure(slots) <= TURN_BUDGET_SECONDS:
        return [slots]
    if level < Boundary.REP:
        raise ExerciseTooLongError(
            f"{item.exercise.id}: one rep takes about {measure(slots):.0f} s, "
            f"over the {TURN_BUDGET_SECONDS} s a turn may take"
        )
    groups = _cut(item, slots, Boundary(level))
    if len(groups) == 1:
        return _split(slots, measure, item, level - 1)
    parts: list[Part] = []
    current: Part = ()
    for group in groups:
        if current and measure(current + group) > TURN_BUDGET_SECONDS:
            parts.append(current)
            current = group
        else:
            current += group
    parts.append(current)
    return [piece for part in parts for piece in _split(part, measure, item, level - 1)]


def split_parts(
    item: RoutineItem, words: Words | None = None, setup_seconds: float | None = None
) -> tuple[Part, ...]:
    """The exercise's reps grouped into turns that each fit Alexa's limit.

    ``setup_seconds``: the first part's time to get into position (the exercise's own by
    default; more after a change of place), the most any part of this item waits.
    """
    slots = rep_slots(item.timing, item.exercise.first_side)
    words = words or load_words()
    setup = item.exercise.setup_seconds if setup_seconds is None else setup_seconds

    def measure(part: Sequence[RepSlot]) -> float:
        # Worst case: first part, full instructions, the wait to get there, and a following
        # exercise to announce.
        context = PartContext(
            item, 1, 2, 1, 2, None, item.exercise, False, words, setup_seconds=setup
        )
        return Turn(part_segments(context, part), "").estimated_seconds

    return tuple(_split(slots, measure, item, Boundary.OUTER))
