"""Each article's routine, as written, is what the coach actually speaks.

The tables below are read from the articles in shared/sources by hand (not from content/):
for every exercise, what a rep is (a hold, continuous work or a counted movement), how long
it lasts, how many there are in all (sides x sets x directions x reps) and whether it is done
on each side. The test walks the routine by saying "next" and measures the silences in the
turns: their sequence and sum must equal the article's numbers exactly.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from skill.engine.turn import Pause, Speech

# (exercise id, kind, seconds per rep, total reps heard, one side at a time, end hold seconds)
ARTICLES = {
    "000_502f6728474d1c3d.txt": [
        ("toe_press", "hold", 3, 10, False, None),  # hold 3 s, repeat 10 times
        ("toe_walking", "work", 20, 5, False, None),  # 20 s on the toes, 5 times in a row
        ("ankle_circles", "work", 10, 4, True, None),  # 10 s each way, each ankle
        ("resistance_band_flexion", "hold", 5, 11, False, None),  # a 5 s hold, another 10 reps
        ("toe_pencil_grasp", "hold", 10, 10, True, None),  # about 10 s, 5 times with both feet
    ],
    "001_d308f42cd0db2670.txt": [
        ("toe_press", "hold", 3, 10, False, None),  # 3-5 s, 10 sets
        ("toe_walking", "work", 20, 6, False, None),  # 20 s, then 5 more times
        ("ankle_circles", "work", 10, 2, True, None),  # clockwise 10 s, then the other leg
        ("resistance_band_flexion", "hold", 5, 11, False, None),  # 5 s, then 10 more times
        ("toe_pencil_grasp", "hold", 10, 2, True, None),  # 10 s, with both feet
    ],
    "002_ce23d912ab856536.txt": [
        ("tibialis_anterior_stretch", "hold", 2, 30, True, None),  # 15 times, then other side
        ("toe_walking", "work", 20, 12, False, None),  # straight, out, in: 20 s each, 4 sets
        ("towel_toe_curls", "tempo", 2, 100, True, 10),  # 10 scrunches + 10 s hold, 5 per foot
        ("single_leg_heel_raises", "tempo", 3, 20, True, None),  # 10 times, then other side
        ("ankle_circles", "tempo", 2, 200, True, None),  # 10 + 10 circles, each foot, 5 sets
    ],
    "003_3b84ef40130eba48.txt": [
        ("toe_press", "hold", 4, 10, False, None),  # 4 s, 10 times
        ("resistance_band_flexion", "hold", 5, 10, False, None),  # 5 s, at least 10 times
        ("toe_walking", "work", 20, 1, False, None),  # 20-30 s
        ("toe_pencil_grasp", "hold", 10, 6, True, None),  # at least 10 s, 3 times each foot
        ("ankle_circles", "work", 8, 4, True, None),  # 8-10 s, then opposite way, each leg
    ],
    "004_1cf129751c134766.txt": [
        ("seated_toe_stretch", "hold", 10, 6, True, None),  # 10 s, 3 times each foot
        ("toe_walking", "work", 30, 1, False, None),  # about 30 s
        ("tiptoe_stand", "hold", 3, 10, False, None),  # 3 s, 10 times
        ("toe_pencil_grasp", "hold", 10, 10, True, None),  # 10 s, 5 times each foot
        ("ankle_circles", "work", 10, 2, True, None),  # 10 s, then the other leg
        ("hip_rotations", "work", 30, 2, True, None),  # 30 s, then the other leg
        ("tennis_ball_massage", "work", 60, 2, True, None),  # 1 to 3 minutes each foot
        ("lying_towel_leg_stretch", "hold", 30, 2, True, None),  # 30 s each leg
        ("band_foot_stretch", "hold", 8, 10, True, None),  # up to 15 s, up to 10 times: low end
    ],
}


def routine_for(library, source_file):
    matches = [r for r in library.routines.values() if r.source_file == source_file]
    assert len(matches) == 1, f"one routine plays {source_file}"
    return matches[0]


def timed_spans(segments):
    """(kind, seconds) for each hold or work, joining the pieces around a spoken cue."""
    spans: list[list] = []
    open_span = False
    for segment in segments:
        if isinstance(segment, Pause) and segment.kind in ("hold", "work"):
            if open_span and spans[-1][0] == segment.kind:
                spans[-1][1] += segment.seconds
            else:
                spans.append([segment.kind, segment.seconds])
            open_span = True
        elif isinstance(segment, Speech) and segment.role == "cue":
            continue
        else:
            open_span = False
    return [tuple(s) for s in spans]


def heard_by_item(coach, routine_id):
    segments = defaultdict(list)
    for step in coach.walk(routine_id):
        if not step.position.finished:
            segments[step.position.item].extend(step.turn.segments)
    return segments


@pytest.mark.parametrize("source_file", sorted(ARTICLES))
def test_routine_plays_the_article_in_order(library, source_file):
    routine = routine_for(library, source_file)
    assert [i.exercise.id for i in routine.items] == [row[0] for row in ARTICLES[source_file]]


ROWS = [(f, index, row) for f, rows in ARTICLES.items() for index, row in enumerate(rows)]


@pytest.mark.parametrize(
    ("source_file", "index", "row"), ROWS, ids=[f"{f[:3]}-{r[0]}" for f, _, r in ROWS]
)
def test_silences_equal_the_articles_numbers(library, coach, source_file, index, row):
    exercise_id, kind, seconds, total, one_side, end_hold = row
    routine = routine_for(library, source_file)
    segments = heard_by_item(coach, routine.id)[index]
    if kind == "tempo":
        tempo = [s.seconds for s in segments if isinstance(s, Pause) and s.kind == "tempo"]
        counts = [s for s in segments if isinstance(s, Speech) and s.role == "count"]
        assert tempo == [seconds] * total
        assert len(counts) == total
        holds = [s for k, s in timed_spans(segments) if k == "hold"]
        assert holds == (
            [end_hold] * (total // routine.items[index].timing.reps) if end_hold else []
        )
    else:
        spans = timed_spans(segments)
        assert spans == [(kind, seconds)] * total
        assert sum(s for _, s in spans) == seconds * total
    text = " ".join(s.text for s in segments if isinstance(s, Speech)).lower()
    limb = library.exercises[exercise_id].limb
    assert (f"right {limb}" in text and f"left {limb}" in text) == one_side


@pytest.mark.parametrize(
    ("source_file", "index", "row"), ROWS, ids=[f"{f[:3]}-{r[0]}" for f, _, r in ROWS]
)
def test_rests_are_the_routines_rests(library, coach, source_file, index, row):
    routine = routine_for(library, source_file)
    timing = routine.items[index].timing
    allowed = {
        timing.rest_between_reps_seconds,
        timing.rest_between_variations_seconds,
        timing.rest_between_sides_seconds,
        timing.rest_between_sets_seconds,
    }
    segments = heard_by_item(coach, routine.id)[index]
    rests = [s.seconds for s in segments if isinstance(s, Pause) and s.kind == "rest"]
    assert set(rests) <= allowed - {0}


@pytest.mark.parametrize("source_file", sorted(ARTICLES))
def test_every_range_and_reading_is_recorded(library, source_file):
    routine = routine_for(library, source_file)
    for item in routine.items:
        assert item.reading, f"{routine.id}/{item.exercise.id} explains how it read the article"


# -- the reading rules (content/README.md), applied the same way to all five articles --------


def read(rule: str, numbers: tuple[float, ...], described: float = 1) -> float:
    """The value a rule takes from an article's numbers (see content/README.md)."""
    if rule == "exactly":  # "N times", "for N seconds", "about N"
        return numbers[0]
    if rule == "more":  # "N more times", "another N": on top of what was described
        return described + numbers[0]
    if rule == "range":  # "A-B", "A to B", "at least A-B": the low end
        return min(numbers)
    if rule == "up_to":  # a ceiling only: half of it, rounded up, to all of it
        return -(-numbers[0] // 2)
    if rule == "at_least":
        return numbers[0]
    if rule == "aim_for":  # "at least M but aim for N": the goal the article names
        return max(numbers)
    raise ValueError(rule)


# (article, exercise id, timing field, the article's words, rule, its numbers)
READINGS = [
    ("000", "toe_press", "hold_seconds", "Keep this position for 3 seconds", "exactly", (3,)),
    ("000", "toe_press", "reps", "repeat 10 times, twice a day", "exactly", (10,)),
    ("000", "toe_walking", "work_seconds", "like a ballerina, for 20 seconds", "exactly", (20,)),
    ("000", "toe_walking", "reps", "repeat, 5 times in a row", "exactly", (5,)),
    ("000", "ankle_circles", "work_seconds", "clockwise for about ten seconds", "exactly", (10,)),
    ("000", "resistance_band_flexion", "reps", "repeat it for another 10 reps", "more", (10,)),
    ("000", "toe_pencil_grasp", "hold_seconds", "hold it for about 10 seconds", "exactly", (10,)),
    ("000", "toe_pencil_grasp", "reps", "Repeat the move 5 times with both feet", "exactly", (5,)),
    ("001", "toe_press", "hold_seconds", "Hold this position for 3-5 seconds", "range", (3, 5)),
    ("001", "toe_press", "reps", "Do 10 sets, 3 times a day", "exactly", (10,)),
    ("001", "toe_walking", "reps", "repeat it 5 more times", "more", (5,)),
    ("001", "toe_walking", "work_seconds", "move forward for 20 seconds", "exactly", (20,)),
    ("001", "ankle_circles", "work_seconds", "clockwise for 10 second", "exactly", (10,)),
    (
        "001",
        "resistance_band_flexion",
        "hold_seconds",
        "hold this position for 5 seconds",
        "exactly",
        (5,),
    ),
    ("001", "resistance_band_flexion", "reps", "repeat it 10 more times", "more", (10,)),
    ("001", "toe_pencil_grasp", "hold_seconds", "Hold it for 10 seconds", "exactly", (10,)),
    (
        "002",
        "tibialis_anterior_stretch",
        "reps",
        "then repeat 15 times before switching",
        "exactly",
        (15,),
    ),
    ("002", "toe_walking", "work_seconds", "walk forward for 20 seconds", "exactly", (20,)),
    ("002", "toe_walking", "sets", "Repeat this set 4 times", "exactly", (4,)),
    ("002", "toe_walking", "rest_between_sets_seconds", "with a 10-second rest", "exactly", (10,)),
    (
        "002",
        "towel_toe_curls",
        "reps",
        "scrunch at least 5 times but aim for 10",
        "aim_for",
        (5, 10),
    ),
    (
        "002",
        "towel_toe_curls",
        "end_hold_seconds",
        "hold the position for 10 seconds",
        "exactly",
        (10,),
    ),
    ("002", "towel_toe_curls", "sets", "with each foot 5 times", "exactly", (5,)),
    ("002", "single_leg_heel_raises", "reps", "right heel 10 times", "exactly", (10,)),
    ("002", "ankle_circles", "reps", "make circles 10 times in one direction", "exactly", (10,)),
    ("002", "ankle_circles", "sets", "Aim to complete 5 sets in total", "aim_for", (5,)),
    ("003", "toe_press", "hold_seconds", "hold it for 4 seconds", "exactly", (4,)),
    ("003", "toe_press", "reps", "Repeat this exercise 10 times", "exactly", (10,)),
    (
        "003",
        "resistance_band_flexion",
        "hold_seconds",
        "hold in this position for 5 seconds",
        "exactly",
        (5,),
    ),
    ("003", "resistance_band_flexion", "reps", "for at least 10 times", "at_least", (10,)),
    ("003", "toe_walking", "work_seconds", "tippy toes for 20-30 seconds", "range", (20, 30)),
    (
        "003",
        "toe_pencil_grasp",
        "hold_seconds",
        "Hold it for at least 10 seconds",
        "at_least",
        (10,),
    ),
    ("003", "toe_pencil_grasp", "reps", "3 times with each foot", "exactly", (3,)),
    ("003", "ankle_circles", "work_seconds", "for at least 8-10 seconds", "range", (8, 10)),
    ("004", "seated_toe_stretch", "hold_seconds", "for 10 seconds", "exactly", (10,)),
    ("004", "seated_toe_stretch", "reps", "3 times for each foot", "exactly", (3,)),
    ("004", "toe_walking", "work_seconds", "for about 30 seconds", "exactly", (30,)),
    ("004", "tiptoe_stand", "hold_seconds", "Hold this position for 3 seconds", "exactly", (3,)),
    ("004", "tiptoe_stand", "reps", "repeating the movement 10 times", "exactly", (10,)),
    (
        "004",
        "toe_pencil_grasp",
        "reps",
        "Repeat the movement 5 times with each foot",
        "exactly",
        (5,),
    ),
    ("004", "ankle_circles", "work_seconds", "circular movements for 10 seconds", "exactly", (10,)),
    ("004", "hip_rotations", "work_seconds", "rotation movements for 30 seconds", "exactly", (30,)),
    ("004", "tennis_ball_massage", "work_seconds", "for 1 to 3 minutes", "range", (60, 180)),
    ("004", "lying_towel_leg_stretch", "hold_seconds", "keep for 30 seconds", "exactly", (30,)),
    ("004", "band_foot_stretch", "hold_seconds", "Allow up to 15 seconds", "up_to", (15,)),
    ("004", "band_foot_stretch", "reps", "repeat this operation up to 10 times", "up_to", (10,)),
]


#: The articles themselves live beside the repository (shared/sources), not in it.
SOURCES = next(
    (
        p / "shared" / "sources"
        for p in Path(__file__).resolve().parents
        if (p / "shared" / "sources").is_dir()
    ),
    Path("/nonexistent"),
)


def article_text(prefix: str) -> str | None:
    """The article's text with spaces normalised, or None where the articles are not at hand
    (the rule is still checked; only the quote cannot be)."""
    found = sorted(SOURCES.glob(f"{prefix}_*.txt")) if SOURCES.is_dir() else []
    return " ".join(found[0].read_text(encoding="utf-8").split()) if found else None


@pytest.mark.parametrize(
    ("article", "exercise_id", "field", "words", "rule", "numbers"),
    READINGS,
    ids=[f"{r[0]}-{r[1]}-{r[2]}" for r in READINGS],
)
def test_each_articles_numbers_are_read_by_the_one_rule(
    library, article, exercise_id, field, words, rule, numbers
):
    text = article_text(article)
    assert text is None or words in text, "the quote is the article's own words"
    routine = next(r for r in library.routines.values() if (r.source_file or "")[:3] == article)
    (item,) = [i for i in routine.items if i.exercise.id == exercise_id]
    value = getattr(item.timing, field)
    assert value == read(rule, numbers), f"{routine.id}/{exercise_id}.{field}"
    if rule == "up_to" or (rule != "exactly" and len(numbers) > 1):
        assert field in item.ranges, "a range the article gives is kept with the item"
    assert item.reading, "the item says how it read the article"


def test_every_article_routine_is_in_the_reading_table(library):
    covered = {(r[0], r[1]) for r in READINGS}
    for routine in library.routines.values():
        if routine.source_file:
            for item in routine.items:
                assert (routine.source_file[:3], item.exercise.id) in covered, item.exercise.id
