"""The words and silences of coaching one part of one exercise.

This is the coach's voice: it names the exercise, teaches it the first time (or gives the
short cue afterwards), leaves time to get into position, counts reps, holds in silence,
announces sides, sets and directions, rests, and ends by saying what comes next and asking
for one word. Silences are exactly the content's numbers; spoken cues inside a long hold
are added around the silence, never taken out of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from skill.engine.dose import RepSlot, rest_seconds
from skill.engine.turn import Pause, Segment, Speech, say
from skill.library import Exercise, RoutineItem, Timing
from skill.words import Words, load_words


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
    words: Words = field(default_factory=load_words, compare=False)


def seconds_phrase(seconds: float, words: Words | None = None) -> str:
    value = f"{seconds:g}"
    words = words or load_words()
    return words.say("units.second_one" if value == "1" else "units.second_other", count=value)


def plural(count: int, word: str, words: Words | None = None) -> str:
    """'1 minute', '3 minutes': the counted word from units.json."""
    return (words or load_words()).count(f"units.{word}", count)


def capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def side_name(side: str, exercise: Exercise, words: Words | None = None) -> str:
    return (words or load_words()).say("coaching.side", side=side, limb=exercise.limb)


def dose_summary(timing: Timing, exercise: Exercise, words: Words | None = None) -> str:
    """'10 reps, holding each for 3 seconds, on each foot, right foot first.'"""
    w = words or load_words()
    if timing.hold_seconds:
        seconds = seconds_phrase(timing.hold_seconds, w)
        what = (
            w.say("coaching.hold_once", seconds=seconds)
            if timing.reps == 1
            else w.say("coaching.hold_reps", reps=timing.reps, seconds=seconds)
        )
    elif timing.work_seconds:
        seconds = seconds_phrase(timing.work_seconds, w)
        what = (
            w.say("coaching.work_once", seconds=seconds)
            if timing.reps == 1
            else w.say("coaching.work_reps", reps=timing.reps, seconds=seconds)
        )
    else:
        what = w.say("coaching.counted_reps", reps=timing.reps)
        if timing.end_hold_seconds:
            what += w.say("coaching.then_hold", seconds=seconds_phrase(timing.end_hold_seconds, w))
    if timing.variations:
        what += w.say("coaching.ways", count=len(timing.variations))
    if timing.sets > 1:
        what = w.say("coaching.sets_of", sets=timing.sets, what=what)
    if timing.sides == "each":
        what += w.say("coaching.each_side", limb=exercise.limb, first=exercise.first_side)
    return capitalize(what) + "."


def timed_silence(seconds: float, kind: str, words: Words | None = None) -> list[Segment]:
    """A hold or work period, with 'halfway' and 'ten seconds left' for longer ones.

    The cues sit between pieces of silence whose sum is exactly ``seconds``.
    """
    w = words or load_words()
    marks: list[tuple[float, str]] = []
    if seconds >= 20:
        marks.append((seconds / 2, w.say("coaching.halfway")))
    if seconds >= 30:
        marks.append((seconds - 10, w.say("coaching.ten_seconds_left")))
    segments: list[Segment] = []
    elapsed = 0.0
    for at, cue in sorted(marks):
        segments += [Pause(at - elapsed, kind), Speech(cue, "cue")]  # type: ignore[arg-type]
        elapsed = at
    segments.append(Pause(seconds - elapsed, kind))  # type: ignore[arg-type]
    return segments


def _action(exercise: Exercise, slot: RepSlot, w: Words) -> str:
    if slot.variation is None:
        return exercise.action
    variation = exercise.variation(slot.variation).say
    return w.say("coaching.action_variation", action=exercise.action, variation=variation)


def rep_segments(
    item: RoutineItem, slot: RepSlot, run_start: bool, run_end: bool, words: Words | None = None
) -> list[Segment]:
    """One rep. ``run_start``/``run_end``: first/last rep of this side, set and variation."""
    w = words or load_words()
    timing, exercise = item.timing, item.exercise
    action = capitalize(_action(exercise, slot, w))
    reps = timing.reps
    last = w.say("coaching.last_one") if reps > 1 and slot.rep == reps else ""
    release = w.say("coaching.release", release=capitalize(exercise.release))
    if timing.hold_seconds:
        if run_start:
            opening = w.say(
                "coaching.hold_single" if reps == 1 else "coaching.hold_first", action=action
            )
        else:
            opening = f"{last} {w.say('coaching.hold_count', count=slot.rep)}".strip()
        return [
            Speech(opening, "count" if reps > 1 else "say"),
            *timed_silence(timing.hold_seconds, "hold", w),
            Speech(release),
        ]
    if timing.work_seconds:
        opening = (
            w.say("coaching.work_single", action=action)
            if reps == 1
            else f"{last} {w.say('coaching.work_round', count=slot.rep, reps=reps, action=action)}"
        )
        return [
            Speech(opening.strip(), "count" if reps > 1 else "say"),
            *timed_silence(timing.work_seconds, "work", w),
            Speech(w.say("coaching.work_stop")),
        ]
    segments: list[Segment] = []
    if run_start:
        segments.append(Speech(w.say("coaching.as_i_count", action=action)))
    segments += [
        Speech(w.say("coaching.count", count=slot.rep), "count"),
        Pause(timing.rep_seconds or 0, "tempo"),
    ]
    if run_end and timing.end_hold_seconds:
        segments += [
            Speech(w.say("coaching.now_hold")),
            *timed_silence(timing.end_hold_seconds, "hold", w),
            Speech(release),
        ]
    return segments


def transition(
    item: RoutineItem, before: RepSlot | None, slot: RepSlot, words: Words | None = None
) -> list[Segment]:
    """Announce a new set, side or direction (and rest before it), as a coach would."""
    w = words or load_words()
    timing, exercise = item.timing, item.exercise
    segments: list[Segment] = []
    if before is not None:
        rest = rest_seconds(timing, before, slot)
        new_block = before.side != slot.side or before.set_number != slot.set_number
        if rest and new_block:
            segments += [Speech(w.say("coaching.rest")), Pause(rest, "rest")]
        elif rest:
            segments.append(Pause(rest, "rest"))
    announce = []
    if timing.sets > 1 and (before is None or before.set_number != slot.set_number):
        announce.append(w.say("coaching.set_of", set=slot.set_number, sets=timing.sets))
    if slot.side and (before is None or before.side != slot.side):
        key = "coaching.switch_to" if before is not None else "coaching.start_with"
        announce.append(w.say(key, side=side_name(slot.side, exercise, w)))
    segments += say(*announce)
    return segments


def part_opening(context: PartContext) -> list[Segment]:
    w = context.words
    item, exercise = context.item, context.item.exercise
    if context.part_number > 1:
        head = w.say(
            "coaching.part_head",
            name=capitalize(exercise.name),
            part=context.part_number,
            parts=context.part_count,
        )
        return [
            *say(head, exercise.cue),
            Speech(w.say("coaching.get_ready")),
            Pause(exercise.setup_seconds, "setup"),
        ]
    if context.item_count > 1:
        head = w.say(
            "coaching.exercise_head",
            number=context.item_number,
            count=context.item_count,
            name=exercise.name,
        )
    else:
        head = w.say("coaching.single_head", name=capitalize(exercise.name))
    if context.coached:
        teach: tuple[str, ...] = (exercise.cue,)
    else:
        equipment = [e for e in exercise.equipment if e != "none"]
        things = [w.say("coaching.a_thing", thing=e) for e in equipment]
        needs = w.say("coaching.you_need", things=" and ".join(things)) if equipment else ""
        teach = (needs, w.say("coaching.heres_how"), *exercise.instructions, *exercise.safety)
    return [
        *say(
            head,
            *teach,
            dose_summary(item.timing, exercise, w),
            w.say("coaching.get_into_position"),
        ),
        Pause(exercise.setup_seconds, "setup"),
    ]


def _part_label(item: RoutineItem, slot: RepSlot, w: Words) -> str:
    timing = item.timing
    bits = []
    if slot.side:
        bits.append(w.say("coaching.label_side", side=side_name(slot.side, item.exercise, w)))
    if timing.sets > 1:
        bits.append(w.say("coaching.label_set", set=slot.set_number, sets=timing.sets))
    if not bits and slot.variation:
        bits.append(item.exercise.variation(slot.variation).say)
    return ", ".join(bits) or w.say("coaching.label_rep", count=slot.rep)


def part_closing(context: PartContext) -> list[Segment]:
    w = context.words
    exercise = context.item.exercise
    if context.next_slot is not None:
        text = w.say("coaching.next_part", label=_part_label(context.item, context.next_slot, w))
    elif context.next_exercise is not None:
        text = w.say("coaching.next_exercise", name=exercise.name, next=context.next_exercise.name)
    elif context.item_count > 1:
        text = w.say("coaching.last_exercise")
        return [*say(text, w.say("coaching.say_next_to_finish"))]
    else:
        finished = w.say("coaching.exercise_finished", name=exercise.name)
        return [*say(finished, w.say("coaching.say_next_to_finish"))]
    return [*say(text, w.say("coaching.ready"))]


def _block(slot: RepSlot) -> tuple[int, str | None, str | None]:
    return slot.set_number, slot.side, slot.variation


def part_segments(context: PartContext, slots: Sequence[RepSlot]) -> tuple[Segment, ...]:
    """The whole turn for one part: opening, every rep with its rests, closing."""
    w = context.words
    segments = part_opening(context)
    previous: RepSlot | None = None
    for index, slot in enumerate(slots):
        following = slots[index + 1] if index + 1 < len(slots) else None
        run_start = previous is None or _block(previous) != _block(slot)
        run_end = following is None or _block(following) != _block(slot)
        segments += transition(context.item, previous, slot, w)
        segments += rep_segments(context.item, slot, run_start, run_end, w)
        previous = slot
    segments += part_closing(context)
    return tuple(segments)
