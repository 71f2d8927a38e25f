"""Read every word the skill can say as a listener would: numbers a voice reads oddly,
counts that disagree with their noun, sentences that start in lower case on the card.

The text is everything the engine and the replies produce over every routine, every
exercise alone, every level of each, and plans; every how-to; the lists; what's next and
how long at every part. Each check is a kind of slip, not one example of it.
"""

from __future__ import annotations

import re
from functools import cache

import pytest

from skill import replies
from skill.engine.navigation import Coach
from skill.engine.planning import Planner, PlanRequest
from skill.library import load_library
from skill.words import load_words

LIBRARY = load_library()
WORDS = load_words()
COACH = Coach(LIBRARY)
EXERCISES = [f"exercise:{e}" for e in sorted(LIBRARY.exercises)]
PLANS = [
    *sorted(LIBRARY.routines),
    *EXERCISES,
    *(f"{p}@{level}" for p in [*LIBRARY.routines, *EXERCISES] for level in "gh"),
    *(
        Planner(COACH).plan(r).routine_id  # type: ignore[union-attr]
        for r in (
            PlanRequest(minutes=10),
            PlanRequest(minutes=20, lack=frozenset({"band"}), area="back"),
            PlanRequest(minutes=5, level="gentle"),
        )
    ),
]

#: Written forms a voice reads wrongly or a listener trips on: "10s", "1x", "2-3", "3 x 10".
ODD_NUMBERS = re.compile(
    r"\b\d+(?:s|x|min|sec|secs|mins)\b|\b\d+\s*[-\u2013/]\s*\d+\b|\b\d+\s*x\s*\d+\b"
)
COUNTED = "rep|second|minute|set|way|day|round|exercise|routine|time|hold|week"
ONE_WITH_PLURAL = re.compile(rf"\b(?:1|one) (?:{COUNTED})s\b", re.IGNORECASE)
MANY_WITH_SINGULAR = re.compile(rf"\b(?:[02-9]|\d{{2,}}) (?:{COUNTED})\b(?!s)", re.IGNORECASE)


@cache
def everything_said() -> tuple[tuple[str, str], ...]:
    """(where, text) for every turn and reply listed in the module docstring."""
    said: list[tuple[str, str]] = []
    for plan in PLANS:
        step = COACH.start(plan)
        number = 1
        while True:
            said.append((f"{plan} turn {number}", step.turn.text))
            said.append((f"{plan} what's next {number}", COACH.whats_next(step.position)))
            if step.position.finished:
                break
            said.append(
                (f"{plan} how long {number}", replies.how_long(COACH, step.position, LIBRARY))
            )
            step = COACH.next(step.position)
            number += 1
    for exercise in LIBRARY.exercises.values():
        said.append((f"how to {exercise.id}", replies.how_to(exercise)))
    said.append(("list routines", replies.list_routines(LIBRARY, COACH)))
    said.append(("list exercises", replies.list_exercises(LIBRARY)))
    return tuple(said)


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.?!])\s+", text.strip()) if s]


def test_everything_said_covers_every_routine_and_exercise():
    places = {where.split(" ")[0] for where, _ in everything_said()}
    assert set(LIBRARY.routines) <= places
    assert {f"exercise:{e}" for e in LIBRARY.exercises} <= places


@pytest.mark.parametrize(
    ("slip", "pattern"),
    [
        ("a number a voice reads oddly", ODD_NUMBERS),
        ("one with a plural noun", ONE_WITH_PLURAL),
        ("many with a singular noun", MANY_WITH_SINGULAR),
    ],
)
def test_no_number_is_said_wrongly(slip, pattern):
    found = [
        (where, match.group(0))
        for where, text in everything_said()
        for match in pattern.finditer(text)
    ]
    assert not found, f"{slip}: {found[:5]}"


def test_every_sentence_starts_with_a_capital_letter():
    """The card and the screen show the words: 'needed. the gentle routine, ...' is a slip."""
    found = [
        (where, sentence[:40])
        for where, text in everything_said()
        for sentence in sentences(text)
        if sentence[0].isalpha() and not sentence[0].isupper()
    ]
    assert not found, found[:5]


def test_no_word_is_said_twice_in_a_row():
    """'the the', 'and and': a template and its field both saying the same word."""
    found = [
        (where, match.group(0))
        for where, text in everything_said()
        for match in re.finditer(r"\b(\w+)\s+\1\b", text, re.IGNORECASE)
        if not match.group(1).isdigit()
    ]
    assert not found, found[:5]
