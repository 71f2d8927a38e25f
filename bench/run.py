"""Measure Foot Coach beside two reference skills in one run, and write bench/RESULTS.md.

    apt-get install wrk                      # the flat-out load generator (Debian's package)
    .venv/bin/python -m bench.run [--seconds 6] [--lambda-zip dist/footcoach-lambda.zip]
    .venv/bin/python -m bench.run --only turns [--rounds 20]   # one part, ratios printed

With ``--only`` (turns, profile, cold, lambda, http; may repeat) only those parts run and their
ratios are printed; RESULTS.md is written by a full run only.

One job per module: ``apps`` (the three systems), ``conversations`` (what Alexa would send
each), ``inprocess`` (per-turn time and the profile), ``gunicorn_load`` (HTTP, flat out with
wrk and paced), ``cold_start``, ``verification``, ``stats`` (ratios with min and max),
``report`` (RESULTS.md). Only 127.0.0.1 is used and every loop is bounded.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import cold_start, inprocess, verification
from bench.conversations import attribute_sizes, record
from bench.gunicorn_load import measure_http
from bench.report import Results, report
from bench.signing import make_pki
from bench.stats import pooled, ratio
from skill.library import record_validated

ROOT = Path(__file__).resolve().parent.parent


def machine() -> dict[str, str]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        commit = ""
    return {
        "commit": commit or "unknown",
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": str(len(os.sched_getaffinity(0))),
        "cpu": model,
        "python": platform.python_version(),
    }


def _load_average() -> str:
    return " / ".join(f"{value:.1f}" for value in os.getloadavg())


def _step(label: str) -> None:
    print(f"measuring {label}...", file=sys.stderr, flush=True)


PARTS = ("turns", "profile", "cold", "lambda", "http")


def run_parts(args: argparse.Namespace) -> int:
    """The parts asked for, each printed as the ratios RESULTS.md would show (for A/B work)."""
    median = lambda s: s.median_ms  # noqa: E731
    record_validated()
    print(f"load average {_load_average()}")
    with tempfile.TemporaryDirectory(prefix="footcoach-bench-") as temporary:
        workdir = Path(temporary)
        if "turns" in args.only:
            turns = inprocess.measure_turns(workdir, rounds=args.rounds)
            for reference in ("hello_sqlite", "hello"):
                found = ratio(turns["footcoach"], turns[reference], median)
                print(f"per turn / {reference}: {found}")
            print({s: round(pooled(turns[s]).median_ms, 3) for s in turns}, "ms")
        if "profile" in args.only:
            print(inprocess.profile_turns(workdir, top=40))
        cold_parts = [("cold", None)]
        if "lambda" in args.only:
            if not args.lambda_zip:
                raise SystemExit("--only lambda needs --lambda-zip")
            cold_parts.append(("lambda", cold_start.unpack(args.lambda_zip)))
        for part, unpacked in cold_parts:
            if part in args.only:
                cold = cold_start.measure(workdir, unpacked=unpacked)
                print(f"{part} start / hello: {ratio(cold['footcoach'], cold['hello'], median)}")
                print({s: round(pooled(cold[s]).median_ms, 1) for s in cold}, "ms")
        if "http" in args.only:
            http = measure_http(make_pki(), workdir, args.connections, args.seconds)
            for system, modes in http.items():
                for mode, measured in modes.items():
                    print(
                        system,
                        mode,
                        f"{measured.rate:.0f} req/s",
                        f"p99 {measured.pooled.p99_ms:.1f} max {measured.pooled.max_ms:.1f}",
                        f"errors {measured.errors}",
                    )
    print(f"load average {_load_average()}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0, help="per HTTP mode and system")
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=8, help="in-process rounds")
    parser.add_argument("--lambda-zip", type=Path, help="also time cold starts from this zip")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    parser.add_argument(
        "--only", action="append", choices=PARTS, help="run this part alone (RESULTS.md untouched)"
    )
    args = parser.parse_args(argv)
    if args.only:
        return run_parts(args)
    began = time.perf_counter()
    info, load_before = machine(), _load_average()
    record_validated()  # as `footcoach check` does before a deploy
    pki = make_pki()
    with tempfile.TemporaryDirectory(prefix="footcoach-bench-") as temporary:
        workdir = Path(temporary)
        _step("session attributes")
        attribute_bytes = max(attribute_sizes(record("footcoach", workdir)))
        _step("per-turn time in-process")
        turns = inprocess.measure_turns(workdir, rounds=args.rounds)
        _step("where a turn goes")
        profile = inprocess.profile_turns(workdir)
        _step("cold start")
        cold = cold_start.measure(workdir)
        lambda_cold = None
        if args.lambda_zip:
            _step("cold start from the Lambda zip")
            lambda_cold = cold_start.measure(workdir, unpacked=cold_start.unpack(args.lambda_zip))
        _step("signature verification")
        verified = verification.measure(pki)
        _step("HTTP under gunicorn")
        http = measure_http(pki, workdir, args.connections, args.seconds)
    text = report(
        Results(
            info=info,
            turns=turns,
            cold=cold,
            lambda_cold=lambda_cold,
            http=http,
            verification=verified,
            attribute_bytes=attribute_bytes,
            profile=profile,
            connections=args.connections,
            seconds=args.seconds,
            elapsed=time.perf_counter() - began,
            load_before=load_before,
            load_after=_load_average(),
        )
    )
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
