"""The words and silences of coaching one part of one exercise.

This is the coach's voice: it names the exercise, teaches it the first time (or gives the
short cue afterwards), leaves time to get into position, counts reps, holds in silence,
announces sides, sets and directions, rests, and ends by saying what comes next and asking
for one word. Silences are exactly the content's numbers; spoken cues inside a long hold
are added around the silence, never taken out of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from skill.engine.dose import RepSlot, rest_seconds
from skill.engine.turn import Pause, Segment, Speech, say
from skill.library import Exercise, RoutineItem, Timing

READY_QUESTION = "Say next when you're ready."
NEXT_REPROMPT = "Say next to go on, repeat to hear that again, or stop to finish."


@dataclass(frozen=True)
class PartContext:
    """Where a part sits: in the routine, in its exercise, and what follows it."""

    item: RoutineItem
    item_number: int  # 1-based
    item_count: int
    part_number: int  # 1-based
    part_count: int
    next_slot: RepSlot | None  # first rep of the following part of this exercise
    next_exercise: Exercise | None  # None when this is the routine's last exercise
    coached: bool  # taught in full earlier this session: give the short cue


def seconds_phrase(seconds: float) -> str:
    value = f"{seconds:g}"
    return f"{value} second" if value == "1" else f"{value} seconds"


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def side_name(side: str, exercise: Exercise) -> str:
    return f"{side} {exercise.limb}"


def dose_summary(timing: Timing, exercise: Exercise) -> str:
    """'10 reps, holding each for 3 seconds, on each foot, right foot first.'"""
    if timing.hold_seconds:
        what = (
            f"hold for {seconds_phrase(timing.hold_seconds)}"
            if timing.reps == 1
            else f"{timing.reps} reps, holding each for {seconds_phrase(timing.hold_seconds)}"
        )
    elif timing.work_seconds:
        what = (
            f"one round of {seconds_phrase(timing.work_seconds)}"
            if timing.reps == 1
            else f"{timing.reps} rounds of {seconds_phrase(timing.work_seconds)}"
        )
    else:
        what = f"{timing.reps} counted reps"
        if timing.end_hold_seconds:
            what += f", then hold for {seconds_phrase(timing.end_hold_seconds)}"
    if timing.variations:
        what += f", {len(timing.variations)} ways"
    if timing.sets > 1:
        what = f"{timing.sets} sets of {what}"
    if timing.sides == "each":
        what += f", on each {exercise.limb}, {exercise.first_side} {exercise.limb} first"
    return capitalize(what) + "."


def timed_silence(seconds: float, kind: str) -> list[Segment]:
    """A hold or work period, with 'halfway' and 'ten seconds left' for longer ones.

    The cues sit between pieces of silence whose sum is exactly ``seconds``.
    """
    marks: list[tuple[float, str]] = []
    if seconds >= 20:
        marks.append((seconds / 2, "Halfway."))
    if seconds >= 30:
        marks.append((seconds - 10, "Ten seconds left."))
    segments: list[Segment] = []
    elapsed = 0.0
    for at, cue in sorted(marks):
        segments += [Pause(at - elapsed, kind), Speech(cue, "cue")]  # type: ignore[arg-type]
        elapsed = at
    segments.append(Pause(seconds - elapsed, kind))  # type: ignore[arg-type]
    return segments


def _action(exercise: Exercise, slot: RepSlot) -> str:
    if slot.variation is None:
        return exercise.action
    return f"{exercise.action} {exercise.variation(slot.variation).say}"


def rep_segments(item: RoutineItem, slot: RepSlot, run_start: bool, run_end: bool) -> list[Segment]:
    """One rep. ``run_start``/``run_end``: first/last rep of this side, set and variation."""
    timing, exercise = item.timing, item.exercise
    action = capitalize(_action(exercise, slot))
    reps = timing.reps
    last = " Last one." if reps > 1 and slot.rep == reps else ""
    if timing.hold_seconds:
        if run_start:
            opening = f"{action}, and hold." if reps == 1 else f"1. {action}, and hold."
        else:
            opening = f"{last} {slot.rep}, and hold.".strip()
        return [
            Speech(opening, "count" if reps > 1 else "say"),
            *timed_silence(timing.hold_seconds, "hold"),
            Speech(capitalize(exercise.release) + "."),
        ]
    if timing.work_seconds:
        opening = (
            f"{action}. Go." if reps == 1 else f"{last} Round {slot.rep} of {reps}. {action}. Go."
        )
        return [
            Speech(opening.strip(), "count" if reps > 1 else "say"),
            *timed_silence(timing.work_seconds, "work"),
            Speech("And stop."),
        ]
    segments: list[Segment] = []
    if run_start:
        segments.append(Speech(f"{action}, as I count."))
    segments += [Speech(f"{slot.rep}.", "count"), Pause(timing.rep_seconds or 0, "tempo")]
    if run_end and timing.end_hold_seconds:
        segments += [
            Speech("Now hold."),
            *timed_silence(timing.end_hold_seconds, "hold"),
            Speech(capitalize(exercise.release) + "."),
        ]
    return segments


def transition(item: RoutineItem, before: RepSlot | None, slot: RepSlot) -> list[Segment]:
    """Announce a new set, side or direction (and rest before it), as a coach would."""
    timing, exercise = item.timing, item.exercise
    segments: list[Segment] = []
    if before is not None:
        rest = rest_seconds(timing, before, slot)
        new_block = before.side != slot.side or before.set_number != slot.set_number
        if rest and new_block:
            segments += [Speech("Rest."), Pause(rest, "rest")]
        elif rest:
            segments.append(Pause(rest, "rest"))
    announce = []
    if timing.sets > 1 and (before is None or before.set_number != slot.set_number):
        announce.append(f"Set {slot.set_number} of {timing.sets}.")
    if slot.side and (before is None or before.side != slot.side):
        lead = "Now switch to your" if before is not None else "Start with your"
        announce.append(f"{lead} {side_name(slot.side, exercise)}.")
    segments += say(*announce)
    return segments


def part_opening(context: PartContext) -> list[Segment]:
    item, exercise = context.item, context.item.exercise
    if context.part_number > 1:
        head = f"{capitalize(exercise.name)}, part {context.part_number} of {context.part_count}."
        return [
            *say(head, exercise.cue),
            Speech("Get ready."),
            Pause(exercise.setup_seconds, "setup"),
        ]
    if context.item_count > 1:
        head = f"Exercise {context.item_number} of {context.item_count}: {exercise.name}."
    else:
        head = f"{capitalize(exercise.name)}."
    if context.coached:
        teach: tuple[str, ...] = (exercise.cue,)
    else:
        equipment = [e for e in exercise.equipment if e != "none"]
        needs = f"You'll need {' and '.join('a ' + e for e in equipment)}." if equipment else ""
        teach = (needs, "Here's how.", *exercise.instructions, *exercise.safety)
    return [
        *say(head, *teach, dose_summary(item.timing, exercise), "Get into position."),
        Pause(exercise.setup_seconds, "setup"),
    ]


def _part_label(item: RoutineItem, slot: RepSlot) -> str:
    timing = item.timing
    bits = []
    if slot.side:
        bits.append(f"your {side_name(slot.side, item.exercise)}")
    if timing.sets > 1:
        bits.append(f"set {slot.set_number} of {timing.sets}")
    if not bits and slot.variation:
        bits.append(item.exercise.variation(slot.variation).say)
    return ", ".join(bits) or f"rep {slot.rep}"


def part_closing(context: PartContext) -> list[Segment]:
    exercise = context.item.exercise
    if context.next_slot is not None:
        text = f"Well done. Next: {_part_label(context.item, context.next_slot)}."
    elif context.next_exercise is not None:
        text = f"Well done, that's {exercise.name} finished. Next up: {context.next_exercise.name}."
    elif context.item_count > 1:
        text = "Well done, that was the last exercise."
        return [*say(text, "Say next to finish.")]
    else:
        return [*say(f"Well done, that's {exercise.name} finished.", "Say next to finish.")]
    return [*say(text, READY_QUESTION)]


def part_segments(context: PartContext, slots: Sequence[RepSlot]) -> tuple[Segment, ...]:
    """The whole turn for one part: opening, every rep with its rests, closing."""
    segments = part_opening(context)
    previous: RepSlot | None = None
    for index, slot in enumerate(slots):
        following = slots[index + 1] if index + 1 < len(slots) else None
        run_start = previous is None or (
            previous.set_number,
            previous.side,
            previous.variation,
        ) != (
            slot.set_number,
            slot.side,
            slot.variation,
        )
        run_end = following is None or (
            following.set_number,
            following.side,
            following.variation,
        ) != (
            slot.set_number,
            slot.side,
            slot.variation,
        )
        segments += transition(context.item, previous, slot)
        segments += rep_segments(context.item, slot, run_start, run_end)
        previous = slot
    segments += part_closing(context)
    return tuple(segments)
