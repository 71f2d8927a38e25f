"""Run the endpoint fuzz of tests/test_fuzz.py for real: 100,000 examples or more.

    .venv/bin/python tests/stress/run_fuzz.py [--examples 100000] [--workers 2]

The same strategies and checks as the CI tests, in-process through Flask's test client, each
worker process with its own SQLite file. Unlike the tests it does not stop at the first
failure: it counts every example and every failure, prints the first few of each kind, and
writes the result (date, count, failures, duration) to tests/RESULTS.md. Exits 1 on failures.
"""

from __future__ import annotations

import argparse
import collections
import json
import logging
import multiprocessing
import sys
import tempfile
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(TESTS), str(TESTS / "stress")]

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from results import revision, write_section  # noqa: E402
from test_fuzz import (  # noqa: E402
    Endpoint,
    check_model_envelope,
    check_mutated_envelope,
    model_envelopes,
    mutated_envelopes,
)

SUITES = {
    "well-formed requests from the model": (model_envelopes, check_model_envelope),
    "mutated recorded requests": (mutated_envelopes, check_mutated_envelope),
}
#: Hypothesis keeps what it generated in memory for a run, so long runs go in batches.
BATCH = 1000
KEEP_EXAMPLES = 3


def _short(example: Any) -> str:
    text = example.decode("utf-8", "replace") if isinstance(example, bytes) else json.dumps(example)
    return text if len(text) <= 2000 else text[:2000] + "…"


def run_suite(suite: str, examples: int) -> dict[str, Any]:
    """Run ``examples`` examples of one suite in this process; counts and sample failures."""
    logging.disable(logging.CRITICAL)  # the skill logs every malformed position it ignores
    warnings.simplefilter("ignore")  # and dateutil warns about mangled timestamps
    strategy, check = SUITES[suite]
    # tmpfs when there is one: the fuzz is about answers, not about waiting for fsync
    memory = "/dev/shm" if Path("/dev/shm").is_dir() else None
    with tempfile.TemporaryDirectory(dir=memory) as tmp:
        endpoint = Endpoint.at(Path(tmp) / "fuzz.sqlite3")
        statuses: collections.Counter[int] = collections.Counter()
        failures: collections.Counter[str] = collections.Counter()
        samples: dict[str, list[str]] = {}
        count = 0

        def example(request: Any) -> None:
            nonlocal count
            count += 1
            status, problems = check(endpoint, request)
            statuses[status] += 1
            for problem in problems:
                kind = problem.split(":")[0]
                failures[kind] += 1
                if len(samples.setdefault(kind, [])) < KEEP_EXAMPLES:
                    samples[kind].append(_short(request))

        while count < examples:
            batch = min(BATCH, examples - count)
            settings(
                max_examples=batch,
                deadline=None,
                database=None,
                phases=[Phase.generate],
                suppress_health_check=list(HealthCheck),
            )(given(strategy())(example))()
    return {
        "suite": suite,
        "count": count,
        "statuses": dict(statuses),
        "failures": dict(failures),
        "samples": samples,
    }


def merge_results(parts: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    merged: dict[str, dict[str, Any]] = {}
    for part in parts:
        total = merged.setdefault(
            part["suite"],
            {
                "count": 0,
                "statuses": collections.Counter(),
                "failures": collections.Counter(),
                "samples": {},
            },
        )
        total["count"] += part["count"]
        total["statuses"].update(part["statuses"])
        total["failures"].update(part["failures"])
        for kind, samples in part["samples"].items():
            total["samples"].setdefault(kind, samples)
    return merged


def report(
    merged: dict[str, dict[str, Any]], seconds: float, started: datetime, commit: str
) -> str:
    count = sum(s["count"] for s in merged.values())
    failures = sum(sum(s["failures"].values()) for s in merged.values())
    lines = [
        "## Endpoint fuzz (tests/stress/run_fuzz.py)",
        "",
        f"- date: {started:%Y-%m-%d %H:%M} UTC, commit {commit}",
        f"- examples: {count:,}",
        f"- failures: {failures}",
        f"- duration: {seconds:,.0f} s ({count / seconds:,.0f} examples/s)",
        "",
        "| suite | examples | failures | answers by status |",
        "| --- | ---: | ---: | --- |",
    ]
    for suite, result in merged.items():
        statuses = ", ".join(f"{s}: {n:,}" for s, n in sorted(result["statuses"].items()))
        failed = sum(result["failures"].values())
        lines.append(f"| {suite} | {result['count']:,} | {failed} | {statuses} |")
    for suite, result in merged.items():
        for kind, n in result["failures"].most_common():
            lines += ["", f"### {suite}: {kind} ({n})", ""]
            lines += [f"    {sample}" for sample in result["samples"][kind]]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=100_000, help="in all, across suites")
    parser.add_argument("--workers", type=int, default=2, help="processes")
    parser.add_argument("--no-write", action="store_true", help="leave tests/RESULTS.md alone")
    args = parser.parse_args()
    per_job = -(-args.examples // (len(SUITES) * args.workers))
    jobs = [(suite, per_job) for suite in SUITES for _ in range(args.workers)]
    started, clock, commit = datetime.now(UTC), time.monotonic(), revision()
    with multiprocessing.get_context("spawn").Pool(args.workers) as pool:
        merged = merge_results(pool.starmap(run_suite, jobs))
    text = report(merged, time.monotonic() - clock, started, commit)
    print(text)
    if not args.no_write:
        write_section("fuzz", text)
    return 1 if any(sum(s["failures"].values()) for s in merged.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
