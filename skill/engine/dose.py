"""Unfold a timing (sides x sets x variations x reps) into the reps a person does, in order.

Everything timed follows from this one sequence: the coaching words, the rests between
reps, sides and sets, where a long exercise may be split into several turns, and how long a
routine takes. Keeping the order in one place means the spoken silences always add up to the
content's numbers.
"""

from __future__ import annotations

from enum import IntEnum

from skill.library import Timing
from skill.values import Value, value_class


class Boundary(IntEnum):
    """What changes between two reps; higher is a more natural place to stop a turn."""

    REP = 1
    VARIATION = 2
    INNER = 3  # the inner of the side/set loops
    OUTER = 4  # the outer of the side/set loops


@value_class
class RepSlot(Value):
    """One rep: which set, which side (None when not one-sided) and which variation."""

    set_number: int
    side: str | None
    variation: str | None
    rep: int


def sides_in_order(timing: Timing, first_side: str) -> tuple[str | None, ...]:
    if timing.sides != "each":
        return (None,)
    other = "left" if first_side == "right" else "right"
    return (first_side, other)


def rep_slots(timing: Timing, first_side: str = "right") -> tuple[RepSlot, ...]:
    """Every rep of the dose in the order it is coached."""
    sides = sides_in_order(timing, first_side)
    sets = range(1, timing.sets + 1)
    variations = timing.variations or (None,)
    if timing.switch_sides == "every_set":
        order = [(s, side) for s in sets for side in sides]
    else:
        order = [(s, side) for side in sides for s in sets]
    return tuple(
        RepSlot(set_number, side, variation, rep)
        for set_number, side in order
        for variation in variations
        for rep in range(1, timing.reps + 1)
    )


def boundary(timing: Timing, before: RepSlot, after: RepSlot) -> Boundary:
    """The outermost loop that moves on between two consecutive reps."""
    side_changed = before.side != after.side
    set_changed = before.set_number != after.set_number
    sides_outer = timing.switch_sides != "every_set"
    if (side_changed and sides_outer) or (set_changed and not sides_outer):
        return Boundary.OUTER
    if side_changed or set_changed:
        return Boundary.INNER
    if before.variation != after.variation:
        return Boundary.VARIATION
    return Boundary.REP


def rest_seconds(timing: Timing, before: RepSlot, after: RepSlot) -> float:
    """The rest the content asks for between two consecutive reps."""
    if before.side != after.side and before.set_number == after.set_number:
        return timing.rest_between_sides_seconds
    if before.side != after.side and timing.switch_sides != "every_set":
        return timing.rest_between_sides_seconds
    if before.set_number != after.set_number:
        return timing.rest_between_sets_seconds
    if before.variation != after.variation:
        return timing.rest_between_variations_seconds
    return timing.rest_between_reps_seconds
