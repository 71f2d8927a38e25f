"""What a listener hears, over every routine and every exercise (issue 10's done-when).

Each check walks the real content through the engine: rep numbers go 1..N per side and set
even when a side is split over two turns; dose summaries read as English; no turn says the
same sentence twice; a routine's first turn names everything it needs before the first
silence; the minutes announced are within 10 % of what plays.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

import pytest

from skill.engine.coaching import PartContext, dose_summary, part_segments
from skill.engine.dose import rep_slots
from skill.engine.navigation import Coach
from skill.engine.parts import split_parts
from skill.engine.turn import Pause, Speech, Turn
from skill.library import RoutineItem, load_library
from skill.words import load_words

LIBRARY = load_library()
WORDS = load_words()
ROUTINES = sorted(LIBRARY.routines)
PLANS = ROUTINES + [f"exercise:{e}" for e in sorted(LIBRARY.exercises)]
EVERYONE_KNOWS = tuple(sorted(LIBRARY.exercises))


def walk(coach: Coach, plan: str, coached: tuple[str, ...] = ()):
    """Every step of a plan from its start, by saying next, for someone who knows ``coached``."""
    step = coach.start(plan, coached)
    while not step.position.finished:
        yield step
        step = coach.next(step.position)
    yield step


def items_of(plan: str):
    return LIBRARY.plan(plan).items


def counted_numbers(segments) -> list[int]:
    """The rep numbers a person hears, in order ('1. Grip...', 'Last one. 10, and hold.')."""
    numbers = []
    for segment in segments:
        if isinstance(segment, Speech) and segment.role == "count":
            text = segment.text.removeprefix(WORDS.say("coaching.last_one")).strip()
            found = re.match(r"(?:Round )?(\d+)\b", text)
            assert found, f"a count says its number: {segment.text!r}"
            numbers.append(int(found.group(1)))
    return numbers


@pytest.mark.parametrize("plan", PLANS)
@pytest.mark.parametrize("knows", [False, True], ids=["new", "taught"])
def test_rep_numbers_go_one_to_n_per_side_and_set_across_parts(coach, plan, knows):
    heard: dict[int, list] = {}
    for step in walk(coach, plan, EVERYONE_KNOWS if knows else ()):
        if not step.position.finished:
            heard.setdefault(step.position.item, []).extend(step.turn.segments)
    for index, item in enumerate(items_of(plan)):
        if item.timing.reps == 1:
            continue
        expected = [s.rep for s in rep_slots(item.timing, item.exercise.first_side)]
        assert counted_numbers(heard[index]) == expected, f"{plan} item {index}"


def test_a_split_side_goes_on_counting_and_says_it_is_continued(library):
    """A side too long for one turn (15 holds of 15 s a foot) continues in the next turn."""
    exercise = library.exercises["band_foot_stretch"]
    timing = replace(exercise.timing, reps=15, hold_seconds=15)
    item = RoutineItem(exercise, timing)
    parts = split_parts(item, WORDS)
    number = next(n for n, part in enumerate(parts) if n and part[0].rep > 1)
    first, second = parts[number - 1], parts[number]

    def turn(n, slots, previous):
        context = PartContext(
            item,
            1,
            1,
            n + 1,
            len(parts),
            parts[n + 1][0] if n + 1 < len(parts) else None,
            None,
            True,
            WORDS,
            previous_slot=previous,
        )
        return Turn(part_segments(context, slots), "")

    before = turn(number - 1, first, parts[number - 2][-1] if number > 1 else None)
    after = turn(number, second, first[-1])
    side = f"{second[0].side} {exercise.limb}"
    assert f"the rest of your {side}" in before.text
    assert f"{side.capitalize()}, continued." in after.text
    assert "Start with" not in after.text
    assert counted_numbers(after.segments)[0] == first[-1].rep + 1 == second[0].rep


GRAMMAR_SLIPS = [
    (r"\b1 \w+s\b", "a plural after 1"),
    (r"\b(?:[02-9]|\d{2,}) (?:second|minute|rep|round|set|way|hold|time)\b", "a singular after N"),
    (r"\bone round of \d+ seconds?, \d+ ways\b", "one round ... N ways"),
    (r"\bsets of one\b", "sets of one"),
    (r",\s*,|\.\s*\.|\s,", "stray punctuation"),
    (r"\b(\w+) \1\b", "a doubled word"),
]


def every_timing():
    for exercise in LIBRARY.exercises.values():
        yield f"{exercise.id} (default)", exercise.timing, exercise
    for routine in LIBRARY.routines.values():
        for index, item in enumerate(routine.items):
            yield f"{routine.id}[{index}]", item.timing, item.exercise


@pytest.mark.parametrize(("where", "timing", "exercise"), list(every_timing()))
def test_every_dose_summary_reads_as_english(where, timing, exercise):
    summary = dose_summary(timing, exercise, WORDS)
    for pattern, slip in GRAMMAR_SLIPS:
        assert not re.search(pattern, summary), f"{where}: {slip}: {summary!r}"
    assert not summary[0].islower() and summary.endswith(".")


def test_dose_summaries_of_the_issues_examples():
    daily = LIBRARY.routines["daily"].items[2]  # ankle circles, clockwise only
    strength = LIBRARY.routines["strength"].items[1]  # toe walking, 4 sets of three ways
    assert dose_summary(daily.timing, daily.exercise, WORDS) == (
        "One round of 10 seconds, clockwise, on each ankle, right ankle first."
    )
    assert dose_summary(strength.timing, strength.exercise, WORDS) == (
        "4 sets. Each set: 3 ways, 20 seconds each."
    )


def sentences(turn: Turn) -> list[str]:
    """The instructions of a turn, sentence by sentence (counts, cues and marks repeat by
    nature: 'Relax.' after every hold)."""
    said = " ".join(s.text for s in turn.segments if isinstance(s, Speech) and s.role == "say")
    return [s.strip() for s in re.split(r"(?<=[.?!])\s+", said) if s.strip()]


@pytest.mark.parametrize("plan", PLANS)
@pytest.mark.parametrize("knows", [False, True], ids=["new", "taught"])
def test_no_turn_says_the_same_sentence_twice(coach, plan, knows):
    for step in walk(coach, plan, EVERYONE_KNOWS if knows else ()):
        repeated = [s for s, n in Counter(sentences(step.turn)).items() if n > 1]
        assert repeated == [], f"{plan} at {step.position}: {repeated}"


@pytest.mark.parametrize("plan", PLANS)
def test_what_comes_next_is_said_once(coach, plan):
    for step in walk(coach, plan):
        text = coach.whats_next(step.position)
        parts = [s for s in re.split(r"(?<=[.?!])\s+", text) if s]
        assert len(parts) == len(set(parts)), text
        assert text.count("Say next") <= 1, text


def equipment_heard(text: str) -> set[str]:
    return {e for e in WORDS.phrases if e.startswith("equipment.") and WORDS.say(e) in text}


@pytest.mark.parametrize("plan", PLANS)
def test_the_first_turn_names_all_equipment_before_the_first_silence(coach, plan):
    first = coach.start(plan)
    before_pause = []
    for segment in first.turn.segments:
        if isinstance(segment, Pause):
            break
        before_pause.append(segment.text)
    needed = {
        f"equipment.{e}" for item in items_of(plan) for e in item.exercise.equipment if e != "none"
    }
    assert equipment_heard(" ".join(before_pause)) >= needed, plan


def test_every_seated_balance_and_floor_exercise_lists_what_it_needs(library):
    for exercise in library.exercises.values():
        if exercise.starting_position == "sitting on a chair":
            assert "chair" in exercise.equipment, exercise.id
        if exercise.starting_position in ("sitting on the floor", "lying on your back"):
            assert "mat" in exercise.equipment, exercise.id
        if exercise.starting_position == "standing":
            assert {"chair", "wall"} & set(exercise.equipment), exercise.id


ABOUT = re.compile(r"about (\d+)(?: and a half)? (second|minute)s?", re.IGNORECASE)


def announced_seconds(text: str) -> float:
    found = ABOUT.search(text)
    assert found, text
    value = float(found.group(1)) + (0.5 if "and a half" in found.group(0) else 0)
    return value * (60 if found.group(2) == "minute" else 1)


@pytest.mark.parametrize("routine_id", ROUTINES)
@pytest.mark.parametrize("knows", [False, True], ids=["new", "taught"])
def test_announced_minutes_are_within_ten_percent_of_what_plays(coach, routine_id, knows):
    steps = list(walk(coach, routine_id, EVERYONE_KNOWS if knows else ()))
    played = sum(s.turn.estimated_seconds for s in steps if not s.position.finished)
    announced = announced_seconds(steps[0].turn.text)
    assert abs(announced - played) <= 0.1 * played, f"{announced} s said, {played:.0f} s played"


def test_the_end_of_each_exercise_says_what_to_get_and_where_to_be(coach):
    for routine in LIBRARY.routines.values():
        for step in walk(coach, routine.id):
            position = step.position
            if position.finished:
                continue
            parts = coach.parts(routine, position.item)
            if position.part == len(parts) - 1 and position.item + 1 < len(routine.items):
                following = routine.items[position.item + 1].exercise
                assert following.get_ready in step.turn.text, (routine.id, position.item)


def test_getting_down_to_the_floor_takes_longer_than_staying_put(coach, library):
    routine = library.routines["stretching"]
    places = [i.exercise.starting_position for i in routine.items]
    to_floor = next(
        i for i in range(1, len(places)) if places[i] == "lying on your back" != places[i - 1]
    )
    own = routine.items[to_floor].exercise.setup_seconds
    assert coach.setup_seconds(routine, to_floor, 0) > own
    same = next(i for i in range(1, len(places)) if places[i] == places[i - 1])
    assert coach.setup_seconds(routine, same, 0) == routine.items[same].exercise.setup_seconds


def test_repeated_reps_get_shorter_after_the_first_two(coach, library):
    item = library.routines["classic"].items[0]  # toe press, 10 holds
    turn = coach.start("classic").turn
    counts = [s.text for s in turn.segments if isinstance(s, Speech) and s.role == "count"]
    assert item.exercise.action.split()[0].lower() in counts[0].lower()
    assert counts[1] == WORDS.say("coaching.hold_count", count=2)
    assert counts[2] == WORDS.say("coaching.hold_short", count=3)
    assert WORDS.say("coaching.last_one") in counts[-1]


def test_the_full_how_to_is_said_once_then_the_cue(coach, library):
    exercise = library.exercises["toe_press"]
    new = coach.start_exercise(exercise.id).turn.text
    known = coach.start_exercise(exercise.id, (exercise.id,)).turn.text
    assert all(line in new for line in exercise.instructions)
    assert exercise.cue in known and exercise.instructions[2] not in known
    assert len(known) < len(new)


def test_a_routine_ends_with_its_own_frequency_once(coach, library):
    for routine in library.routines.values():
        end = list(walk(coach, routine.id))[-1].turn.text
        if routine.frequency:
            assert end.count(WORDS.say("navigation.how_often", entries="").split()[0]) == 1
        else:
            assert "suggests" not in end
    end = list(walk(coach, "gentle"))[-1].turn.text
    assert "3 times a day" in end and "toe press" in end


def test_the_shin_stretch_says_which_leg_is_straight(coach, library):
    exercise = library.exercises["tibialis_anterior_stretch"]
    assert exercise.name == "shin stretch"
    assert "tibialis anterior" in exercise.aliases
    text = " ".join(s.turn.text for s in walk(coach, "exercise:tibialis_anterior_stretch"))
    assert "Right leg straight" in text and "Left leg straight" in text


def test_routines_are_named_for_a_newcomer_with_old_names_kept(library):
    classic = library.routines["classic"]
    assert classic.name == "the back pain routine"
    assert "the classic routine" in classic.aliases
    assert all(r.purpose for r in library.routines.values())


def test_a_shared_name_resolves_to_every_exercise_that_has_it(library):
    from skill.interaction_model import build_model, load_grammar

    assert set(library.exercises_named("the towel exercise")) == {
        "towel_toe_curls",
        "lying_towel_leg_stretch",
    }
    assert library.exercises_named("towel toe curls") == ("towel_toe_curls",)
    model = build_model(library, load_grammar("en-US"))["interactionModel"]["languageModel"]
    exercise_type = next(t for t in model["types"] if t["name"] == "EXERCISE")
    sharing = [
        v["id"] for v in exercise_type["values"] if "the towel exercise" in v["name"]["synonyms"]
    ]
    assert sorted(sharing) == ["lying_towel_leg_stretch", "towel_toe_curls"]


def test_list_routines_says_what_each_is_for_how_long_and_what_it_needs(coach, library):
    from skill import replies

    said = replies.list_routines(library, coach, WORDS)
    for routine in library.routines.values():
        line = replies.routine_line(routine, coach, WORDS)
        assert line in said
        assert routine.purpose in line and "about" in line
    assert said.index(WORDS.say("replies.routine_group_short")) < said.index(
        WORDS.say("replies.routine_group_long")
    )
    strength = replies.routine_line(library.routines["strength"], coach, WORDS)
    assert "a band" in strength and "a towel" in strength
    assert WORDS.say("replies.routine_needs_nothing") in replies.routine_line(
        library.routines["quick"], coach, WORDS
    )


def test_a_routine_line_says_nothing_twice_and_each_begins_a_sentence(coach, library):
    """'...five exercises with nothing to buy: about 12 minutes, nothing to buy' was heard."""
    import re

    from skill import replies

    for routine in library.routines.values():
        line = replies.routine_line(routine, coach, WORDS)
        phrases = re.findall(r"\w+(?: \w+){2}", line.lower())
        repeated = {p for p in phrases if line.lower().count(p) > 1}
        assert not repeated, line
    said = replies.list_routines(library, coach, WORDS)
    for name in (r.name for r in library.routines.values()):
        before = said[: said.index(name.capitalize())].rstrip()
        assert before.endswith((".", "?", "!")), before[-40:]
