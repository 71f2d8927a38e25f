"""The three systems under gunicorn (deploy/gunicorn.conf.py), loaded over 127.0.0.1.

Flat out, ``wrk`` (Debian's package: ``apt-get install wrk``) sends recorded conversations
(``bench.conversations``) on 100 keep-alive connections as fast as each is answered: that is
throughput. Paced, an asyncio client gives each of 100 connections a fixed schedule (200, 500
and 1000 requests a second in all) and counts latency from when a request was due, so a
server that falls behind cannot hide its queue (no coordinated omission); each connection
plays its own users' conversations in order. All servers are up throughout and every mode's
time is cut into slices in which the systems take turns, so what else the machine is doing
falls on all of them alike. The load generators share the machine's CPUs with the servers.

Foot Coach verifies every request's signature here, as in production (the requests are
signed up front by a test CA); the references are plain Flask routes with nothing to verify.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench.apps import SYSTEMS
from bench.conversations import for_user, record, turn_major
from bench.signing import CHAIN_URL, Pki, sign, verifier_files
from bench.stats import Stats

ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONFIG = ROOT / "deploy" / "gunicorn.conf.py"
WRK_SCRIPT = Path(__file__).resolve().parent / "load.lua"
WRK_THREADS = 2


@dataclass
class Slice:
    """One system's share of one slice of a mode (latencies in ms)."""

    count: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    samples: list[float] = field(default_factory=list)  # paced only: wrk gives percentiles

    @property
    def rate(self) -> float:
        return self.count / self.seconds

    @classmethod
    def of(cls, stats: Stats, errors: int, seconds: float) -> Slice:
        return cls(
            len(stats.samples),
            errors,
            seconds,
            stats.p50_ms,
            stats.p99_ms,
            stats.max_ms,
            stats.samples,
        )


@dataclass
class Mode:
    """A mode (flat out, or paced at a rate) for one system: its slices."""

    slices: list[Slice] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(s.errors for s in self.slices)

    @property
    def rate(self) -> float:
        return sum(s.count for s in self.slices) / sum(s.seconds for s in self.slices)

    @property
    def pooled(self) -> Stats:
        """Every paced latency of every slice (empty for wrk's flat-out slices)."""
        return Stats([x for s in self.slices for x in s.samples])


# -- the servers ------------------------------------------------------------------------------


@contextmanager
def gunicorn(system: str, env: dict[str, str]) -> Iterator[int]:
    """``bench.apps:<system>()`` served by gunicorn with the production settings."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1024)
    port = listener.getsockname()[1]
    environment = {**os.environ, **env, "FOOTCOACH_BIND": f"fd://{listener.fileno()}"}
    environment.pop("FOOTCOACH_CONTROL_SOCKET", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONFIG), f"bench.apps:{system}()"],
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


# -- what is sent -----------------------------------------------------------------------------


_SIGNED: dict[str, str] = {}


def _signature(body: str, pki: Pki | None) -> str:
    """Signature-256 for a body (each distinct body signed once), or "" if not signing."""
    if pki is None:
        return ""
    if body not in _SIGNED:
        _SIGNED[body] = sign(body.encode(), pki.leaf_key)
    return _SIGNED[body]


def wrk_requests(bodies: list[str], users: int, pki: Pki | None, path: Path) -> Path:
    """The file load.lua reads: per wrk thread a block of users, turn by turn."""
    per_thread = users // WRK_THREADS
    lines = []
    for thread in range(WRK_THREADS):
        block = range(10_000 + thread * per_thread, 10_000 + (thread + 1) * per_thread)
        lines += [f"{_signature(b, pki)}\t{b}" for b in turn_major(bodies, block)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def raw_requests(bodies: list[str], client: int, users: int, pki: Pki | None) -> list[bytes]:
    """One paced connection's requests: its users' conversations one after another."""
    requests = []
    for number in range(10_000 + client * users, 10_000 + (client + 1) * users):
        for body in for_user(bodies, number):
            data = body.encode()
            head = (
                "POST /alexa HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n"
            )
            if pki:
                head += f"SignatureCertChainUrl: {CHAIN_URL}\r\n"
                head += f"Signature-256: {_signature(body, pki)}\r\n"
            requests.append(head.encode() + b"\r\n" + data)
    return requests


# -- flat out: wrk ----------------------------------------------------------------------------


def wrk_flat_out(port: int, requests_file: Path, connections: int, seconds: float) -> Slice:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise RuntimeError("wrk is not installed: apt-get install wrk")
    result = subprocess.run(
        [
            wrk,
            f"-t{WRK_THREADS}",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "10s",
            "-s",
            str(WRK_SCRIPT),
            f"http://127.0.0.1:{port}/alexa",
            "--",
            str(requests_file),
            CHAIN_URL,
            str(WRK_THREADS),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    )
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    return Slice(
        count=summary["requests"],
        errors=summary["non_2xx"] + summary["socket_errors"],
        seconds=summary["duration_us"] / 1e6,
        p50_ms=summary["p50_us"] / 1000,
        p99_ms=summary["p99_us"] / 1000,
        max_ms=summary["max_us"] / 1000,
    )


# -- paced: asyncio ---------------------------------------------------------------------------


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


async def _paced_client(
    port: int,
    requests: list[bytes],
    start: float,
    deadline: float,
    interval: float,
    latencies: list[float],
    errors: list[int],
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    loop = asyncio.get_running_loop()
    scheduled, index = start, 0
    try:
        while scheduled < deadline:
            delay = scheduled - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            writer.write(requests[index % len(requests)])
            index += 1
            try:
                status = await asyncio.wait_for(_read_response(reader), timeout=10)
            except (TimeoutError, asyncio.IncompleteReadError, ConnectionError):
                errors.append(0)
                break
            latencies.append(loop.time() - scheduled)  # from when it was due
            if status != 200:
                errors.append(status)
            scheduled += interval
    finally:
        writer.close()


async def _paced(port: int, clients: list[list[bytes]], seconds: float, rate: float) -> Slice:
    loop = asyncio.get_running_loop()
    latencies: list[float] = []
    errors: list[int] = []
    interval = len(clients) / rate
    begin = loop.time() + 0.3
    deadline = begin + seconds
    await asyncio.gather(
        *(
            _paced_client(
                port,
                requests,
                begin + (number / len(clients)) * interval,
                deadline,
                interval,
                latencies,
                errors,
            )
            for number, requests in enumerate(clients)
        )
    )
    return Slice.of(Stats(latencies), len(errors), seconds)


# -- the whole HTTP measurement ---------------------------------------------------------------


#: Flat out runs this many times the paced modes' slices (and seconds).
FLAT_OUT_ROUNDS = 3


def measure_http(
    pki: Pki,
    workdir: Path,
    connections: int = 100,
    seconds: float = 6.0,
    rates: tuple[float, ...] = (200.0, 500.0, 1000.0),
    slices: int = 3,
) -> dict[str, dict[str, Mode]]:
    """Per system, per mode ("flat out", "paced 200"…): the slices measured."""
    env = verifier_files(pki, workdir)
    sent = {}
    for system in SYSTEMS:
        bodies = record(system, workdir)
        signer = pki if system == "footcoach" else None
        wrk_file = wrk_requests(bodies, 2 * connections, signer, workdir / f"wrk-{system}.txt")
        paced = [raw_requests(bodies, c, 1, signer) for c in range(connections)]
        sent[system] = (wrk_file, paced)
    modes = ["flat out", *(f"paced {rate:.0f}" for rate in rates)]
    results = {system: {mode: Mode() for mode in modes} for system in SYSTEMS}
    slice_seconds = seconds / slices
    with ExitStack() as servers:
        ports = {}
        for system in SYSTEMS:
            server_env = {
                **env,
                "BENCH_VERIFY": "1",
                "FOOTCOACH_DB": str(workdir / f"http-{system}.sqlite3"),
            }
            ports[system] = servers.enter_context(gunicorn(system, server_env))
            wrk_flat_out(ports[system], sent[system][0], connections, 1)  # warm every worker
        # flat out is CPU per request on a shared machine: three times the slices, so that a burst
        # of someone else's work lands on every system alike
        for number in range(FLAT_OUT_ROUNDS * slices):
            order = SYSTEMS if number % 2 == 0 else tuple(reversed(SYSTEMS))
            for system in order:
                results[system]["flat out"].slices.append(
                    wrk_flat_out(ports[system], sent[system][0], connections, slice_seconds)
                )
        for rate in rates:
            for number in range(slices):
                order = SYSTEMS if number % 2 == 0 else tuple(reversed(SYSTEMS))
                for system in order:
                    measured = asyncio.run(
                        _paced(ports[system], sent[system][1], slice_seconds, rate)
                    )
                    results[system][f"paced {rate:.0f}"].slices.append(measured)
    return results
