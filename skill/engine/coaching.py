"""The words and silences of coaching one part of one exercise.

This is the coach's voice: it names the exercise, teaches it the first time the person ever
does it (or gives the one-line cue afterwards), leaves time to get into position, counts
reps (fewer words once the rhythm is set), holds in silence, announces sides, sets and
directions, rests, and ends by saying what comes next, what to have and where to be for it.
Silences are exactly the content's numbers; spoken cues inside a long hold are added around
the silence, never taken out of it. Rep numbers belong to the side and set, not to the turn:
a part that continues a side goes on counting where the last part stopped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import field
from itertools import takewhile

from skill.engine.dose import RepSlot, rest_seconds
from skill.engine.turn import Pause, Segment, Speech, say
from skill.library import Exercise, RoutineItem, Timing
from skill.values import Value, value_class
from skill.words import Words, load_words

#: Reps in a run said in full before the count gets shorter ("3... relax. 4...").
FULL_REPS = 2
#: The least time between two cues in one hold ("Halfway", "Ten seconds left"): closer
#: together they sound like chatter, not coaching.
CUE_GAP_SECONDS = 10


@value_class
class PartContext(Value):
    """Where a part sits: in the routine, in its exercise, and what follows it."""

    item: RoutineItem
    item_number: int  # 1-based
    item_count: int
    part_number: int  # 1-based
    part_count: int
    next_slot: RepSlot | None  # first rep of the following part of this exercise
    next_exercise: Exercise | None  # None when this is the routine's last exercise
    coached: bool  # heard in full before: give the short cue
    words: Words = field(default_factory=load_words, compare=False)
    previous_slot: RepSlot | None = None  # last rep of this exercise's part before this one
    setup_seconds: float | None = None  # None: the exercise's own setup time
    ready_said: bool = False  # where to be was said at the end of the turn before
    #: False for a person who counts for themselves: holds and rounds are marked without
    #: their numbers, and a run of reps at a beat is one silence of the same length.
    count_aloud: bool = True


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


def equipment_phrase(equipment: Sequence[str], words: Words | None = None) -> str:
    """'You'll need a resistance band, a pencil and a sturdy chair.' ('' for nothing)."""
    w = words or load_words()
    things = [w.say(f"equipment.{e}") for e in dict.fromkeys(equipment) if e != "none"]
    return w.say("coaching.you_need", things=w.join(things)) if things else ""


def _per_variation(timing: Timing, w: Words, ways: int, count_aloud: bool = True) -> str:
    """What one variation of one set is: '10 reps, holding each for 3 seconds'."""
    merge_sets = timing.reps == 1 and timing.sets > 1 and ways < 2
    count = timing.sets if merge_sets else timing.reps
    if timing.hold_seconds:
        seconds = seconds_phrase(timing.hold_seconds, w)
        if count == 1:
            return seconds if ways >= 2 else w.say("coaching.hold_once", seconds=seconds)
        key = "coaching.holds" if merge_sets else "coaching.hold_reps"
        return w.say(key, count=count, reps=count, seconds=seconds)
    if timing.work_seconds:
        seconds = seconds_phrase(timing.work_seconds, w)
        if count == 1:
            return seconds if ways >= 2 else w.say("coaching.work_once", seconds=seconds)
        key = "coaching.works" if merge_sets else "coaching.work_reps"
        return w.say(key, count=count, reps=count, seconds=seconds)
    counted = "counted_" if count_aloud else ""  # "10 reps to my count", or "10 reps" if not
    what = (
        w.say(f"coaching.one_{counted}rep")
        if count == 1
        else w.say(f"coaching.{counted}reps", reps=count)
    )
    if timing.end_hold_seconds:
        what += w.say("coaching.then_hold", seconds=seconds_phrase(timing.end_hold_seconds, w))
    return what


def dose_summary(
    timing: Timing,
    exercise: Exercise,
    words: Words | None = None,
    first_side: bool = True,
    count_aloud: bool = True,
) -> str:
    """'10 reps, holding each for 3 seconds, on each foot, right foot first.'

    ``first_side=False`` leaves out 'right foot first' where the next sentence names the side
    to start with, so the listener does not hear it twice in a row.
    """
    w = words or load_words()
    ways = len(timing.variations)
    what = _per_variation(timing, w, ways, count_aloud)
    if ways == 1:
        variation = variation_words(exercise, timing.variations[0], w)
        what = w.say("coaching.one_way", what=what, variation=variation)
    elif ways > 1:
        what = w.say("coaching.ways", count=ways, what=what)
    if timing.sets > 1 and not (timing.reps == 1 and ways < 2):
        key = "coaching.sets_each" if ways > 1 else "coaching.sets_of"
        what = w.say(key, sets=timing.sets, what=what)
    if timing.sides == "each":
        key = "coaching.each_side" if first_side else "coaching.each_side_only"
        what += w.say(key, limb=exercise.limb, first=exercise.first_side)
    return capitalize(what) + "."


def timed_silence(seconds: float, kind: str, words: Words | None = None) -> list[Segment]:
    """A hold or work period, with 'halfway' and 'ten seconds left' for longer ones.

    The cues sit between pieces of silence whose sum is exactly ``seconds``.
    """
    w = words or load_words()
    marks: list[tuple[float, str]] = []
    if seconds >= 20:
        marks.append((seconds / 2, w.say("coaching.halfway")))
    if seconds - 10 - (seconds / 2 if seconds >= 20 else 0) >= CUE_GAP_SECONDS:
        marks.append((seconds - 10, w.say("coaching.ten_seconds_left")))
    segments: list[Segment] = []
    elapsed = 0.0
    for at, cue in sorted(marks):
        segments += [Pause(at - elapsed, kind), Speech(cue, "cue")]  # type: ignore[arg-type]
        elapsed = at
    segments.append(Pause(seconds - elapsed, kind))  # type: ignore[arg-type]
    return segments


def variation_words(exercise: Exercise, variation_id: str, words: Words | None = None) -> str:
    """How a direction is said: the content's words, unless the locale has its own
    ('the other way, anticlockwise' in en-GB, from words ``coaching.variation_<id>``)."""
    w = words or load_words()
    key = f"coaching.variation_{variation_id}"
    return w.say(key) if w.has(key) else exercise.variation(variation_id).say


def _action(exercise: Exercise, slot: RepSlot, w: Words) -> str:
    if slot.variation is None:
        return exercise.action
    variation = variation_words(exercise, slot.variation, w)
    return w.say("coaching.action_variation", action=exercise.action, variation=variation)


def _release(exercise: Exercise, short: bool, w: Words) -> str:
    """'And relax.' in full; 'Relax.' once the rhythm is set."""
    release = exercise.release
    if short and release.lower().startswith("and "):
        release = release[4:]
    return w.say("coaching.release", release=capitalize(release))


def rep_segments(
    item: RoutineItem,
    slot: RepSlot,
    run_start: bool,
    run_end: bool,
    words: Words | None = None,
    nth: int = 1,
    first_run: bool = True,
    count_aloud: bool = True,
    run_length: int = 1,
) -> list[Segment]:
    """One rep. ``run_start``/``run_end``: first/last rep of this side, set and variation
    in this turn; ``nth``: which rep of that run this is here (after FULL_REPS, fewer words);
    ``first_run``: the turn's first run, where a counted movement is named in full;
    ``count_aloud=False``: no numbers (``run_length``: the reps of this run in this turn)."""
    w = words or load_words()
    timing, exercise = item.timing, item.exercise
    action = capitalize(_action(exercise, slot, w))
    reps = timing.reps
    short = nth > FULL_REPS
    last = w.say("coaching.last_one") if reps > 1 and slot.rep == reps else ""
    if timing.hold_seconds:
        if reps == 1 or (run_start and not count_aloud):
            opening = w.say("coaching.hold_single", action=action)
        elif run_start:
            opening = w.say("coaching.hold_first", count=slot.rep, action=action)
        elif not count_aloud:
            key = "coaching.quiet_hold_short" if short and not last else "coaching.quiet_hold"
            opening = f"{last} {w.say(key)}".strip()
        else:
            key = "coaching.hold_short" if short and not last else "coaching.hold_count"
            opening = f"{last} {w.say(key, count=slot.rep)}".strip()
        return [
            Speech(opening, "count" if reps > 1 else "mark"),
            *timed_silence(timing.hold_seconds, "hold", w),
            Speech(_release(exercise, short, w), "mark"),
        ]
    if timing.work_seconds:
        if reps == 1:
            opening = w.say("coaching.work_single", action=action)
        elif not count_aloud:
            key = "coaching.quiet_work_short" if short and not run_start else "coaching.work_single"
            opening = f"{last} {w.say(key, action=action)}".strip()
        elif short and not last and not run_start:
            opening = w.say("coaching.work_round_short", count=slot.rep)
        else:
            round_ = w.say("coaching.work_round", count=slot.rep, reps=reps, action=action)
            opening = f"{last} {round_}".strip()
        stop = "coaching.work_stop_short" if short else "coaching.work_stop"
        return [
            Speech(opening, "count" if reps > 1 else "mark"),
            *timed_silence(timing.work_seconds, "work", w),
            Speech(w.say(stop), "mark"),
        ]
    if not count_aloud:
        return _quiet_beat_segments(item, slot, run_start, run_end, w, first_run, run_length)
    segments: list[Segment] = []
    if run_start and first_run:
        segments.append(Speech(w.say("coaching.as_i_count", action=action)))
    elif run_start and slot.variation is not None:  # a new direction: say which
        variation = capitalize(variation_words(exercise, slot.variation, w))
        segments.append(Speech(w.say("coaching.as_i_count", action=variation), "mark"))
    elif run_start:
        segments.append(Speech(w.say("coaching.again"), "mark"))
    segments += [
        Speech(w.say("coaching.count", count=slot.rep), "count"),
        Pause(timing.rep_seconds or 0, "tempo"),
    ]
    return segments + _end_hold(item, slot, run_end, w)


def _end_hold(item: RoutineItem, slot: RepSlot, run_end: bool, w: Words) -> list[Segment]:
    """The hold after a run's last rep at a beat ('Now hold.'), counted aloud or not."""
    timing = item.timing
    if not (run_end and slot.rep == timing.reps and timing.end_hold_seconds):
        return []
    return [
        Speech(w.say("coaching.now_hold"), "mark"),
        *timed_silence(timing.end_hold_seconds, "hold", w),
        Speech(_release(item.exercise, False, w), "mark"),
    ]


def _quiet_beat_segments(
    item: RoutineItem,
    slot: RepSlot,
    run_start: bool,
    run_end: bool,
    w: Words,
    first_run: bool,
    run_length: int,
) -> list[Segment]:
    """Reps at a beat, not counted aloud: the run said once, then one silence as long as the
    counted beats would have been ('Raise your heel, and lower it, 10 times, at a steady
    pace.')."""
    timing, exercise = item.timing, item.exercise
    segments: list[Segment] = []
    if run_start:
        if first_run or slot.variation is None:
            action = capitalize(_action(exercise, slot, w))
        else:
            action = capitalize(variation_words(exercise, slot.variation, w))
        key = "coaching.quiet_reps" if first_run or slot.variation else "coaching.quiet_again"
        segments += [
            Speech(w.say(key, action=action, count=run_length), "mark"),
            Pause((timing.rep_seconds or 0) * run_length, "tempo"),
        ]
    segments += _end_hold(item, slot, run_end, w)
    # no "stop" of its own: what comes next (the next run, side or exercise) says the beats
    # are over, as the count's last number did, and the turn keeps the same pieces
    return segments


def announcements(
    item: RoutineItem,
    before: RepSlot | None,
    slot: RepSlot,
    words: Words | None = None,
    continued_from: RepSlot | None = None,
) -> list[str]:
    """What a coach says when a new side or set begins ('Now switch to your left foot.',
    'Set 2 of 5.'), or that a part goes on with the side of the part before."""
    w = words or load_words()
    timing, exercise = item.timing, item.exercise
    reference = before or continued_from
    announce = []
    new_set = reference is None or reference.set_number != slot.set_number
    new_side = slot.side is not None and (reference is None or reference.side != slot.side)
    # the side first: "Now switch to your left foot. Set 1 of 5.", as a coach moves you,
    # then counts (the set number starts again on the new side)
    if slot.side and new_side:
        if exercise.side_cue:
            if reference is not None:
                announce.append(w.say("coaching.switch_sides"))
            announce.append(exercise.side_cue[slot.side])
        else:
            key = "coaching.switch_to" if reference is not None else "coaching.start_with"
            announce.append(w.say(key, side=side_name(slot.side, exercise, w)))
    if timing.sets > 1 and new_set:
        announce.append(w.say("coaching.set_of", set=slot.set_number, sets=timing.sets))
    if before is None and continued_from is not None and not announce:
        if slot.side:
            what = capitalize(side_name(slot.side, exercise, w))
        elif timing.sets > 1:
            what = w.say("coaching.set_of", set=slot.set_number, sets=timing.sets).rstrip(".")
        else:
            what = ""
        if what:
            announce.append(w.say("coaching.continued", what=what))
    return announce


def transition(
    item: RoutineItem,
    before: RepSlot | None,
    slot: RepSlot,
    words: Words | None = None,
    continued_from: RepSlot | None = None,
) -> list[Segment]:
    """Announce a new set, side or direction (and rest before it), as a coach would.

    A change of side is said before the rest, so the rest is the time to switch: the first
    rep on the new side never starts while the person is still moving the band or the
    pencil. A new set alone is announced after its rest. ``continued_from``: the last rep of
    the part before, when this turn picks up in the middle of that side or set.
    """
    w = words or load_words()
    announce = [
        Speech(text, "mark") for text in announcements(item, before, slot, w, continued_from)
    ]
    if before is None:
        return announce
    rest = rest_seconds(item.timing, before, slot)
    if before.side != slot.side:
        return [*announce, Pause(rest, "rest")] if rest else announce
    if rest and before.set_number != slot.set_number:
        return [Speech(w.say("coaching.rest"), "mark"), Pause(rest, "rest"), *announce]
    return [Pause(rest, "rest"), *announce] if rest else announce


def part_opening(context: PartContext, announce: Sequence[str] = ()) -> list[Segment]:
    """Name the exercise (or the part), teach or cue it, then say where to start
    (``announce``: 'Start with your right foot.') before the wait to get into position."""
    w = context.words
    item, exercise = context.item, context.item.exercise
    setup = exercise.setup_seconds if context.setup_seconds is None else context.setup_seconds
    if context.part_number > 1:
        head = w.say(
            "coaching.part_head",
            name=capitalize(exercise.name),
            part=context.part_number,
            parts=context.part_count,
        )
        return [
            *say(head, exercise.cue),
            *(Speech(text, "mark") for text in announce),
            Speech(w.say("coaching.get_ready")),
            Pause(setup, "setup"),
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
    needs = equipment_phrase(exercise.equipment, w) if context.item_count == 1 else ""
    if context.coached:
        ready = "" if context.ready_said else exercise.get_ready
        teach: tuple[str, ...] = (needs, ready, exercise.cue)
    else:
        teach = (needs, w.say("coaching.heres_how"), *exercise.instructions, *exercise.safety)
    return [
        *say(
            head,
            *teach,
            dose_summary(
                item.timing, exercise, w, first_side=not announce, count_aloud=context.count_aloud
            ),
        ),
        *(Speech(text, "mark") for text in announce),
        Speech(w.say("coaching.get_into_position")),
        Pause(setup, "setup"),
    ]


def _part_label(item: RoutineItem, slot: RepSlot, last: RepSlot | None, w: Words) -> str:
    """What the next part is: 'your left foot', 'set 2 of 5', or 'the rest of your right foot'."""
    timing = item.timing
    continues = last is not None and (last.side, last.set_number) == (slot.side, slot.set_number)
    bits = []
    if slot.side:
        bits.append(w.say("coaching.label_side", side=side_name(slot.side, item.exercise, w)))
    if timing.sets > 1:
        bits.append(w.say("coaching.label_set", set=slot.set_number, sets=timing.sets))
    if continues:
        if not bits:
            return w.say("coaching.label_reps")
        return w.say("coaching.label_rest_of", what=", ".join(bits))
    if not bits and slot.variation:
        bits.append(variation_words(item.exercise, slot.variation, w))
    return ", ".join(bits) or w.say("coaching.label_reps")


def part_closing(context: PartContext, last: RepSlot | None = None) -> list[Segment]:
    w = context.words
    exercise = context.item.exercise
    # Praise taken in turn along the routine: never the same words two turns in a row.
    if context.next_slot is not None:
        label = _part_label(context.item, context.next_slot, last, w)
        praise = context.item_number + context.part_number
        text = w.variant("coaching.next_part", praise, label=label)
        return [*say(text, w.say("coaching.ready"))]
    if context.next_exercise is not None:
        following = context.next_exercise
        text = w.variant(
            "coaching.next_exercise", context.item_number, name=exercise.name, next=following.name
        )
        return [*say(text, following.get_ready, w.say("coaching.ready"))]
    if context.item_count > 1:
        text = w.say("coaching.last_exercise")
        return [*say(text, w.say("coaching.say_next_to_finish"))]
    finished = w.say("coaching.exercise_finished", name=exercise.name)
    return [*say(finished, w.say("coaching.say_next_to_finish"))]


def _block(slot: RepSlot) -> tuple[int, str | None, str | None]:
    return slot.set_number, slot.side, slot.variation


def _run_length(slots: Sequence[RepSlot], start: int) -> int:
    """How many reps from ``start`` on share its side, set and variation."""
    block = _block(slots[start])
    return sum(1 for _ in takewhile(lambda slot: _block(slot) == block, slots[start:]))


def part_segments(context: PartContext, slots: Sequence[RepSlot]) -> tuple[Segment, ...]:
    """The whole turn for one part: opening, every rep with its rests, closing."""
    w = context.words
    opening = announcements(context.item, None, slots[0], w, context.previous_slot)
    segments = part_opening(context, opening)
    previous: RepSlot | None = None
    nth = runs = 0
    for index, slot in enumerate(slots):
        following = slots[index + 1] if index + 1 < len(slots) else None
        run_start = previous is None or _block(previous) != _block(slot)
        run_end = following is None or _block(following) != _block(slot)
        nth = 1 if run_start else nth + 1
        runs += run_start
        if previous is not None:  # the first rep's words were said before the setup
            segments += transition(context.item, previous, slot, w)
        run_length = _run_length(slots, index) if run_start and not context.count_aloud else 1
        segments += rep_segments(
            context.item,
            slot,
            run_start,
            run_end,
            w,
            nth,
            runs == 1,
            context.count_aloud,
            run_length,
        )
        previous = slot
    segments += part_closing(context, previous)
    return tuple(segments)
