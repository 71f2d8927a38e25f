"""Measure understanding: a corpus of what people say, run through the console's understanding.

Understanding is measured, not assumed. A corpus file groups utterances under what they
should do::

    == PlanRoutineIntent duration=PT10M area=knees
    ten minutes for my knees
    something for my knees in ten minutes

Custom slot types are given by value id, built-in ones by the value Alexa sends (PT10M, 10).
An utterance is right when it reaches that intent with exactly those slots understood (a slot
said but not understood, or one not expected, makes it a miss). ``footcoach nlu FILE`` prints
accuracy per intent and every miss, so a new phrasing can be checked in a second and the
grammar grown from what was missed. Pure: reads text, returns results.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from skill.console.understanding import InteractionModel
from skill.values import Value, value_class


class CorpusError(ValueError):
    """A corpus line that cannot be read: names the line."""


@value_class
class Expected(Value):
    """What an utterance should be understood as: an intent and its slot ids or values."""

    intent: str
    slots: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        return " ".join([self.intent, *(f"{name}={value}" for name, value in self.slots)])


@value_class
class Case(Value):
    """One utterance of the corpus, where it is, and what it should do."""

    utterance: str
    expected: Expected
    line: int


@value_class
class Result(Value):
    case: Case
    got: Expected

    @property
    def right(self) -> bool:
        return self.got == self.case.expected


_HEADER = re.compile(r"==\s*(?P<intent>[\w.]+)(?P<slots>(?:\s+\w+=[\w.:-]+)*)\s*")


def read_corpus(text: str) -> list[Case]:
    """The cases of a corpus file; ``#`` starts a comment line."""
    cases: list[Case] = []
    expected: Expected | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("=="):
            header = _HEADER.fullmatch(line)
            if header is None:
                raise CorpusError(f"line {number}: expected '== Intent slot=value ...': {line!r}")
            slots = tuple(sorted(tuple(s.split("=", 1)) for s in header["slots"].split()))
            expected = Expected(header["intent"], slots)  # type: ignore[arg-type]
        elif expected is None:
            raise CorpusError(f"line {number}: an utterance before any '== Intent' line")
        else:
            cases.append(Case(line, expected, number))
    return cases


def understood_as(model: InteractionModel, utterance: str) -> Expected:
    """The intent and the slot ids/values the console gives an utterance."""
    understanding = model.understand(utterance)
    slots = tuple(
        sorted(
            (slot.name, slot.heard or f"?{slot.spoken}")
            for slot in understanding.slots
            if slot.spoken is not None
        )
    )
    return Expected(understanding.intent or "LaunchRequest", slots)


def evaluate(model: InteractionModel, cases: Iterable[Case]) -> list[Result]:
    return [Result(case, understood_as(model, case.utterance)) for case in cases]


def accuracy(results: list[Result]) -> float:
    return sum(r.right for r in results) / len(results) if results else 0.0


def report(results: list[Result]) -> list[str]:
    """Accuracy per intent, the total, then every miss with what it became."""
    by_intent: dict[str, list[Result]] = defaultdict(list)
    for result in results:
        by_intent[result.case.expected.intent].append(result)
    width = max((len(name) for name in by_intent), default=6)
    lines = [f"{'intent':<{width}}  right  total  accuracy"]
    for name in sorted(by_intent):
        group = by_intent[name]
        right = sum(r.right for r in group)
        lines.append(f"{name:<{width}}  {right:>5}  {len(group):>5}  {accuracy(group):>7.1%}")
    right = sum(r.right for r in results)
    lines.append(f"{'all':<{width}}  {right:>5}  {len(results):>5}  {accuracy(results):>7.1%}")
    misses = [r for r in results if not r.right]
    if misses:
        lines.append("")
        lines.append(f"{len(misses)} missed:")
        for miss in misses:
            lines.append(
                f"  line {miss.case.line}: {miss.case.utterance!r}\n"
                f"      expected {miss.case.expected}\n"
                f"      got      {miss.got}"
            )
    return lines
