"""A longer load run on loopback than tests/test_load.py, with its results in tests/RESULTS.md.

    .venv/bin/python tests/stress/run_load.py [--people 50] [--workers 3] [--seconds 120]

Starts the production gunicorn server (deploy/gunicorn.conf.py) on a free loopback port with
a fresh SQLite file, lets every simulated person walk quick routines (open, start, next to the
end, a how-to, stop) in their own thread for the given time, then stops the server and checks
every answer was a playable 200 and every person's stored progress is exactly what they did.
Exits 1 on any error or mismatch.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(TESTS), str(TESTS / "stress")]

from results import revision, write_section  # noqa: E402
from test_deploy_gunicorn import gunicorn  # noqa: E402
from test_load import (  # noqa: E402
    Person,
    integrity,
    progress_mismatches,
    stored_progress,
    walk_together,
)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--no-write", action="store_true", help="leave tests/RESULTS.md alone")
    args = parser.parse_args()
    started, commit = datetime.now(UTC), revision()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        db = directory / "progress.sqlite3"
        environment = {
            "FOOTCOACH_VERIFY": "0",
            "WEB_CONCURRENCY": str(args.workers),
            "FOOTCOACH_ACCESS_LOG": "off",
        }
        with gunicorn(directory, **environment) as server:
            people = [
                Person.at(server, f"amzn1.ask.account.STRESS{n:03d}") for n in range(args.people)
            ]
            deadline = time.monotonic() + args.seconds
            seconds = walk_together(people, lambda _: time.monotonic() < deadline)
            log = server.stop()
        errors = [e for p in people for e in p.errors]
        check = integrity(db)
        mismatches = progress_mismatches(people, stored_progress(db))
    latencies = [s * 1000 for p in people for s in p.latencies]
    worker_trouble = [
        line for line in log.splitlines() if "WORKER TIMEOUT" in line or "SIGKILL" in line
    ]
    requests = sum(p.requests for p in people)
    lines = [
        "## Load on loopback (tests/stress/run_load.py)",
        "",
        f"- date: {started:%Y-%m-%d %H:%M} UTC, commit {commit}",
        f"- server: gunicorn, deploy/gunicorn.conf.py, {args.workers} workers, SQLite file",
        f"- people: {args.people}, each in their own thread with their own user id",
        f"- duration: {seconds:,.0f} s",
        f"- requests: {requests:,} ({requests / seconds:,.0f}/s)",
        f"- routines finished: {sum(p.finished for p in people):,}",
        f"- errors (non-200, unplayable, storage apology, dropped connection): {len(errors)}",
        f"- latency ms: median {statistics.median(latencies):.0f}, "
        f"p95 {percentile(latencies, 0.95):.0f}, p99 {percentile(latencies, 0.99):.0f}, "
        f"max {max(latencies):.0f}",
        f"- answers slower than Alexa's 8 s deadline: {sum(ms > 8000 for ms in latencies)}",
        f"- worker timeouts or kills in the server log: {len(worker_trouble)}",
        f"- database integrity_check: {check}",
        f"- people whose stored progress differs from what they did: {len(mismatches)}",
    ]
    lines += [f"    {line}" for line in (errors + mismatches + worker_trouble)[:10]]
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_write:
        write_section("load", text)
    return 1 if errors or mismatches or worker_trouble or check != "ok" else 0


if __name__ == "__main__":
    sys.exit(main())
