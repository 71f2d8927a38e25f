"""Latency samples and ratios between systems measured in the same run.

Every figure the benchmark reports as a target is a ratio Foot Coach / reference, taken from
rounds in which the systems alternate; the ratio of the pooled samples is the figure, and the
lowest and highest per-round ratios show how much the shared machine moved it.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass
class Stats:
    """Latency samples in seconds, summarised in milliseconds."""

    samples: list[float]

    def percentile(self, fraction: float) -> float:
        if not self.samples:
            return float("nan")
        ordered = sorted(self.samples)
        index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
        return ordered[index] * 1000

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples) * 1000 if self.samples else float("nan")

    @property
    def p50_ms(self) -> float:
        return self.percentile(0.50)

    @property
    def p99_ms(self) -> float:
        return self.percentile(0.99)

    @property
    def max_ms(self) -> float:
        return max(self.samples) * 1000 if self.samples else float("nan")


@dataclass
class Ratio:
    """Foot Coach over a reference: pooled, and the lowest and highest of the rounds."""

    value: float
    low: float
    high: float

    def __str__(self) -> str:
        return f"{self.value:.2f}x ({self.low:.2f}-{self.high:.2f})"


def ratio(
    ours: Sequence[Stats], theirs: Sequence[Stats], figure: Callable[[Stats], float]
) -> Ratio:
    """``figure`` of ours over theirs: of all samples pooled, and per round (min, max)."""
    pooled = figure(Stats([s for r in ours for s in r.samples])) / figure(
        Stats([s for r in theirs for s in r.samples])
    )
    rounds = [figure(a) / figure(b) for a, b in zip(ours, theirs, strict=True)]
    return Ratio(pooled, min(rounds), max(rounds))


def pooled(rounds: Sequence[Stats]) -> Stats:
    return Stats([s for r in rounds for s in r.samples])
