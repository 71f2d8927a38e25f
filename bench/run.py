"""Measure Foot Coach beside a hello-world skill, in one run, and write bench/RESULTS.md.

    .venv/bin/python -m bench.run [--seconds 10] [--clients 100] [--out bench/RESULTS.md]

Four measurements, each taken for both skills under the same conditions and reported as a
ratio where a target is one:

1. per-turn server time in-process: the Flask app (test client, no network, verification off so
   the skill's own cost is what is compared) over the scripted dialog of ``bench.dialog``;
2. HTTP under gunicorn (deploy/gunicorn.conf.py) on 127.0.0.1 with verification on: requests
   signed by a test CA made here, 100 keep-alive clients, first flat out (throughput), then
   paced at a fixed rate (latency when the server is not saturated);
3. cold start, the Lambda case: a new process that imports the handler and answers one event;
4. signature verification alone, with the certificate chain cached.

Everything runs on this machine; the only sockets are on 127.0.0.1, and every loop is bounded
in time or count.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization

from bench import apps
from bench.dialog import SCRIPT, Person

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the test PKI: a root, an intermediate, Alexa's leaf
from pki import CHAIN_URL, NOW, Pki, make_pki, sign  # noqa: E402

GUNICORN_CONFIG = ROOT / "deploy" / "gunicorn.conf.py"
TARGETS = {
    "turn": 1.3,  # per-turn server time, x hello-world
    "http_p99_ms": 20.0,  # at 100 clients
    "cold": 1.5,  # cold start, x hello-world
    "verify_ms": 1.0,  # signature verification with a cached chain
}
#: Each HTTP mode's time is cut into this many slices, the skills taking turns.
HTTP_SLICES = 5
SKILLS = ("hello", "footcoach")


@dataclass
class Stats:
    """Latency samples in seconds, summarised in milliseconds."""

    samples: list[float]

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.samples)
        index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
        return ordered[index] * 1000

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples) * 1000

    @property
    def p50_ms(self) -> float:
        return self.percentile(0.50)

    @property
    def p99_ms(self) -> float:
        return self.percentile(0.99)


# -- 1. per-turn server time, in-process ------------------------------------------------------


def play_dialogs(app: Any, people: list[Person]) -> list[float]:
    """Each person plays the script once; returns the time of every POST /alexa."""
    client = app.test_client()
    times = []
    for person in people:
        for turn in SCRIPT:
            body = json.dumps(person.envelope(turn)).encode()
            start = time.perf_counter()
            response = client.post("/alexa", data=body, content_type="application/json")
            times.append(time.perf_counter() - start)
            if response.status_code != 200:
                raise RuntimeError(f"{turn[0]} answered {response.status_code}: {response.data!r}")
            person.heard(response.get_json())
    return times


def measure_turns(workdir: Path, people_per_round: int = 10, rounds: int = 6) -> dict[str, Stats]:
    built = {
        name: getattr(apps, name)(db=str(workdir / f"turns-{name}.sqlite3"), verify=False)
        for name in SKILLS
    }
    samples: dict[str, list[float]] = {name: [] for name in SKILLS}
    number = 0
    for round_number in range(rounds + 1):  # round 0 warms both up and is not counted
        for name, app in built.items():
            people = [Person(number + i, NOW) for i in range(people_per_round)]
            number += people_per_round
            times = play_dialogs(app, people)
            if round_number:
                samples[name].extend(times)
    return {name: Stats(times) for name, times in samples.items()}


# -- 2. HTTP under gunicorn -------------------------------------------------------------------


def signed_requests(pki: Pki, people: int) -> list[list[bytes]]:
    """Per client, the script as raw HTTP/1.1 requests, signed once, up front.

    Signing costs about a millisecond of CPU (an RSA private-key operation), which the load
    generator must not spend while it measures. The envelopes carry no session attributes
    (Alexa would echo them back); the skill picks the position up from storage instead.
    """
    clients = []
    for number in range(people):
        person = Person(100_000 + number, NOW)
        requests = []
        for turn in SCRIPT:
            body = json.dumps(person.envelope(turn), separators=(",", ":")).encode()
            if turn[0] == "AMAZON.StopIntent":
                person.session_id = None
            head = (
                "POST /alexa HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                "Content-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n"
                f"SignatureCertChainUrl: {CHAIN_URL}\r\n"
                f"Signature-256: {sign(body, pki.leaf_key)}\r\n\r\n"
            )
            requests.append(head.encode() + body)
        clients.append(requests)
    return clients


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    await reader.readexactly(length)
    return status


async def _client(
    port: int,
    requests: list[bytes],
    deadline: float,
    interval: float | None,
    offset: float,
    latencies: list[float],
    errors: list[int],
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    loop = asyncio.get_running_loop()
    scheduled = loop.time() + offset
    index = 0
    try:
        while True:
            if interval is not None:  # paced: wait for this request's turn
                delay = scheduled - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
            start = scheduled if interval is not None else loop.time()
            if start >= deadline:
                break
            writer.write(requests[index % len(requests)])
            index += 1
            status = await _read_response(reader)
            # paced latency counts from when the request was due, so a slow server cannot
            # hide its queue by delaying the client (no coordinated omission)
            latencies.append(loop.time() - start)
            if status != 200:
                errors.append(status)
            if interval is not None:
                scheduled += interval
    finally:
        writer.close()


async def _load(
    port: int, clients: list[list[bytes]], seconds: float, rate: float | None
) -> tuple[Stats, int]:
    loop = asyncio.get_running_loop()
    latencies: list[float] = []
    errors: list[int] = []
    start = loop.time() + 0.2
    deadline = start + seconds
    interval = len(clients) / rate if rate else None
    await asyncio.gather(
        *(
            _client(
                port,
                requests,
                deadline,
                interval,
                0.2 + (number / len(clients)) * (interval or 0),
                latencies,
                errors,
            )
            for number, requests in enumerate(clients)
        )
    )
    return Stats(latencies), len(errors)


@contextmanager
def gunicorn(factory: str, env: dict[str, str]) -> Iterator[int]:
    """The app served by gunicorn with the production settings, on a loopback socket."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1024)
    port = listener.getsockname()[1]
    environment = {**os.environ, **env, "FOOTCOACH_BIND": f"fd://{listener.fileno()}"}
    environment.pop("FOOTCOACH_CONTROL_SOCKET", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONFIG), factory],
        cwd=ROOT,
        env=environment,
        pass_fds=(listener.fileno(),),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    listener.close()
    try:
        _wait_for(port, process)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _wait_for(port: int, process: subprocess.Popen[bytes], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited during start-up")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
                connection.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                if connection.recv(64).startswith(b"HTTP/1.1 200"):
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError("gunicorn did not answer /health")


@dataclass
class HttpResult:
    saturated: Stats
    saturated_errors: int
    throughput: float
    paced: Stats
    paced_errors: int
    paced_rate: float


def measure_http(
    pki: Pki,
    workdir: Path,
    clients: int,
    seconds: float,
    paced_rate: float,
    slices: int = HTTP_SLICES,
) -> dict[str, HttpResult]:
    """Both modes for every skill, the skills taking turns in short slices.

    All servers run at once (idle but for the one under load), and each mode's time is cut
    into ``slices`` rounds in which every skill gets an equal slice, so whatever else the
    machine is doing falls on all of them alike.
    """
    root_pem = workdir / "root.pem"
    chain_pem = workdir / "chain.pem"
    root_pem.write_bytes(pki.root.public_bytes(serialization.Encoding.PEM))
    chain_pem.write_bytes(pki.good_chain)
    env = {
        "BENCH_TRUST_ROOT": str(root_pem),
        "BENCH_CHAIN": str(chain_pem),
        "BENCH_NOW": NOW.isoformat(),
    }
    requests = signed_requests(pki, clients)
    slice_seconds = seconds / slices
    modes = {"saturated": None, "paced": paced_rate}
    latencies = {(name, mode): [] for name in SKILLS for mode in modes}
    errors = dict.fromkeys(latencies, 0)
    with ExitStack() as servers:
        ports = {}
        for name in SKILLS:
            server_env = {**env, "FOOTCOACH_DB": str(workdir / f"http-{name}.sqlite3")}
            ports[name] = servers.enter_context(gunicorn(f"bench.apps:{name}()", server_env))
            asyncio.run(_load(ports[name], requests[:10], 1.0, None))  # warm the workers
        for mode, rate in modes.items():
            for _ in range(slices):
                for name in SKILLS:
                    stats, failed = asyncio.run(_load(ports[name], requests, slice_seconds, rate))
                    latencies[name, mode].extend(stats.samples)
                    errors[name, mode] += failed
    return {
        name: HttpResult(
            saturated=Stats(latencies[name, "saturated"]),
            saturated_errors=errors[name, "saturated"],
            throughput=len(latencies[name, "saturated"]) / seconds,
            paced=Stats(latencies[name, "paced"]),
            paced_errors=errors[name, "paced"],
            paced_rate=len(latencies[name, "paced"]) / seconds,
        )
        for name in SKILLS
    }


# -- 3. cold start ----------------------------------------------------------------------------

COLD_START = """
import json, sys
from {module} import handler
answer = handler(json.loads(sys.argv[1]), None)
sys.stdout.write(answer["response"]["outputSpeech"]["ssml"][:60] + "\\n")
sys.stdout.flush()
"""
COLD_MODULES = {"hello": "bench.hello_skill", "footcoach": "skill.lambda_function"}


def cold_start_once(module: str, event: dict[str, Any], env: dict[str, str]) -> float:
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", COLD_START.format(module=module), json.dumps(event)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline()
    elapsed = time.perf_counter() - start
    _, errors = process.communicate(timeout=30)
    if process.returncode != 0 or not line.startswith("<speak>"):
        raise RuntimeError(f"{module} did not answer: {errors}")
    return elapsed


def measure_cold_starts(workdir: Path, runs: int = 12) -> dict[str, Stats]:
    samples: dict[str, list[float]] = {name: [] for name in COLD_MODULES}
    for run in range(runs + 1):  # run 0 fills the OS file cache and is not counted
        for name in COLD_MODULES:
            person = Person(200_000 + run, NOW)
            env = {
                **os.environ,
                "FOOTCOACH_DB": str(workdir / f"cold-{run}.sqlite3"),  # a first-ever open
                "FOOTCOACH_SKILL_ID": apps.SKILL_ID,
            }
            elapsed = cold_start_once(COLD_MODULES[name], person.envelope(SCRIPT[0]), env)
            if run:
                samples[name].append(elapsed)
    return {name: Stats(times) for name, times in samples.items()}


# -- 4. signature verification ----------------------------------------------------------------


def measure_verification(pki: Pki, count: int = 3000) -> Stats:
    root_pem = pki.root.public_bytes(serialization.Encoding.PEM)
    verifier = apps.bench_verifier(root_pem, pki.good_chain, NOW)
    body = json.dumps(Person(300_000, NOW).envelope(SCRIPT[0])).encode()
    headers = {"SignatureCertChainUrl": CHAIN_URL, "Signature-256": sign(body, pki.leaf_key)}
    verifier.verify(headers, body)  # fetch, validate and cache the chain
    times = []
    for _ in range(count):
        start = time.perf_counter()
        verifier.verify(headers, body)
        times.append(time.perf_counter() - start)
    return Stats(times)


# -- the report -------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": str(len(os.sched_getaffinity(0))),
        "cpu": model,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def _load_average() -> str:
    return " / ".join(f"{value:.1f}" for value in os.getloadavg())


def _verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


@dataclass
class Results:
    info: dict[str, str]
    verification: Stats
    turns: dict[str, Stats]
    cold: dict[str, Stats]
    http: dict[str, HttpResult]
    clients: int
    seconds: float
    elapsed: float
    load_before: str
    load_after: str


def _row(label: str, values: list[str], target: str = "", verdict: str = "") -> str:
    return "| " + " | ".join([label, *values, target, verdict]) + " |"


def report(r: Results) -> str:
    """RESULTS.md: a summary table against the targets, then how each number was taken."""
    turns, http, cold = r.turns, r.http, r.cold
    turn_ratio = turns["footcoach"].median_ms / turns["hello"].median_ms
    cold_ratio = cold["footcoach"].median_ms / cold["hello"].median_ms
    paced_rate = http["footcoach"].paced_rate
    verify_ms = r.verification.median_ms

    def both(value: Callable[[str], float], unit: str, digits: int) -> list[str]:
        return [f"{value(name):.{digits}f} {unit}" for name in SKILLS]

    lines = [
        "# Benchmarks: Foot Coach beside a hello-world skill",
        "",
        f"Run {r.info['date']} by `python -m bench.run` in {r.elapsed:.0f} s, on"
        f" {r.info['cpus']} CPUs ({r.info['cpu']}), Python {r.info['python']},"
        f" {r.info['platform']}. Load average before / after the run: {r.load_before}"
        f" and {r.load_after} (other work shared this machine; compare ratios taken in the"
        " same run, not absolute numbers across runs).",
        "",
        "*hello-world* is `bench/hello_skill.py`: one ask-sdk-core handler that says hello,"
        " hosted exactly as Foot Coach is (the same `create_app` route and checks, the same"
        " gunicorn settings, the same Lambda-style handler). Foot Coach keeps progress in"
        " SQLite. What stands between a missed target and the target: `bench/README.md`.",
        "",
        "## Summary",
        "",
        "| measurement | hello-world | Foot Coach | target | verdict |",
        "| --- | ---: | ---: | --- | --- |",
        _row(
            "per-turn server time, median, in-process",
            both(lambda n: turns[n].median_ms, "ms", 2),
            f"<= {TARGETS['turn']}x hello: {turn_ratio:.2f}x",
            _verdict(turn_ratio <= TARGETS["turn"]),
        ),
        _row("per-turn server time, p99, in-process", both(lambda n: turns[n].p99_ms, "ms", 2)),
        _row(
            f"HTTP p99, {r.clients} clients paced at {paced_rate:.0f} req/s in all",
            both(lambda n: http[n].paced.p99_ms, "ms", 1),
            f"< {TARGETS['http_p99_ms']:.0f} ms",
            _verdict(http["footcoach"].paced.p99_ms < TARGETS["http_p99_ms"]),
        ),
        _row(
            f"HTTP p99, {r.clients} clients flat out",
            both(lambda n: http[n].saturated.p99_ms, "ms", 1),
            f"< {TARGETS['http_p99_ms']:.0f} ms",
            _verdict(http["footcoach"].saturated.p99_ms < TARGETS["http_p99_ms"]),
        ),
        _row(
            f"HTTP throughput, {r.clients} clients flat out",
            both(lambda n: http[n].throughput, "req/s", 0),
        ),
        _row(
            "cold start to first answer, median",
            [f"{cold['hello'].median_ms:.0f} ms", f"{cold['footcoach'].median_ms:.0f} ms"],
            f"<= {TARGETS['cold']}x hello: {cold_ratio:.2f}x",
            _verdict(cold_ratio <= TARGETS["cold"]),
        ),
        _row(
            "signature verification, cached chain, median",
            ["", f"{verify_ms:.3f} ms"],
            f"<= {TARGETS['verify_ms']} ms",
            _verdict(verify_ms <= TARGETS["verify_ms"]),
        ),
        "",
        "## How each number was taken",
        "",
        f"- **Per turn, in-process**: {len(turns['footcoach'].samples)} turns per skill: the"
        f" {len(SCRIPT)}-turn script of `bench/dialog.py` (launch, two how-tos, the classic"
        " routine walked with next, repeat, what's next, how long, back, pause, resume, how many"
        " left, progress, stop) played by fresh users with session attributes carried, through"
        " Flask's test client with verification off, so the skills' own cost is compared;"
        " the skills take turns in rounds, after a warm-up round. p50 / p99: "
        + "; ".join(
            f"{name} {turns[name].p50_ms:.2f} / {turns[name].p99_ms:.2f} ms" for name in SKILLS
        )
        + ".",
        f"- **HTTP**: gunicorn with `deploy/gunicorn.conf.py` (workers 2 x CPUs + 1, gthread)"
        " on 127.0.0.1 with verification on: requests signed by a test CA made for the run,"
        " the chain served from memory, the request timestamps and the verifier's clock both"
        f" at the certificates' time. {r.clients} keep-alive clients, each its own user"
        f" replaying the script, for {r.seconds:.0f} s per mode and skill, in {HTTP_SLICES}"
        " slices in which the two skills take turns (both servers up throughout):"
        " flat out (each client sends"
        " as soon as it has its answer), then paced (each client on a fixed schedule; latency"
        " counted from when a request was due, so a queue cannot hide). The load generator"
        " (Python asyncio) shares the CPUs with the server. "
        + "; ".join(
            f"{name}: flat out {http[name].throughput:.0f} req/s, p50"
            f" {http[name].saturated.p50_ms:.1f} ms ({http[name].saturated_errors} errors),"
            f" paced p50 {http[name].paced.p50_ms:.1f} ms ({http[name].paced_errors} errors)"
            for name in SKILLS
        )
        + ".",
        f"- **Cold start**: {len(cold['footcoach'].samples)} new processes per skill, timed"
        " from process start to the first answer on stdout: import the Lambda-style handler,"
        " build the skill (Foot Coach: load and schema-check content, open a new SQLite file),"
        " answer a LaunchRequest. From the repository's virtualenv, bytecode cached."
        f" p99: hello {cold['hello'].p99_ms:.0f} ms, Foot Coach {cold['footcoach'].p99_ms:.0f}"
        " ms.",
        f"- **Verification**: {len(r.verification.samples)} calls of `RequestVerifier.verify`"
        " with the chain cached (headers, chain URL, cache, RSA-SHA256 signature, body,"
        f" timestamp, application id); p99 {r.verification.p99_ms:.3f} ms.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="per HTTP mode and skill")
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--paced-rate", type=float, default=200.0, help="requests/s, in total")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    info = machine()
    pki = make_pki()
    steps: list[tuple[str, Callable[[Path], Any]]] = [
        ("signature verification", lambda _: measure_verification(pki)),
        ("per-turn server time", measure_turns),
        ("cold start", measure_cold_starts),
        (
            "HTTP under gunicorn",
            lambda workdir: measure_http(pki, workdir, args.clients, args.seconds, args.paced_rate),
        ),
    ]
    load_before = _load_average()
    results = []
    with tempfile.TemporaryDirectory(prefix="footcoach-bench-") as temporary:
        for label, step in steps:
            print(f"measuring {label}...", file=sys.stderr, flush=True)
            results.append(step(Path(temporary)))
    verification, turns, cold, http = results
    text = report(
        Results(
            info=info,
            verification=verification,
            turns=turns,
            cold=cold,
            http=http,
            clients=args.clients,
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
