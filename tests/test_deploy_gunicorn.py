"""The production web server: deploy/gunicorn.conf.py serving skill.wsgi:app.

The server runs as a real gunicorn master with its workers, on a loopback socket the test opens
itself and hands over (``fd://``), so there is no race for a free port.
"""

from __future__ import annotations

import gc
import http.client
import json
import os
import runpy
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "deploy" / "gunicorn.conf.py"
LAUNCH = json.loads((ROOT / "tests" / "requests" / "launch.json").read_text())
USER_ID = LAUNCH["context"]["System"]["user"]["userId"]
CONFIG_ENV = (
    "FOOTCOACH_BIND",
    "WEB_CONCURRENCY",
    "FOOTCOACH_THREADS",
    "FOOTCOACH_ACCESS_LOG",
    "FOOTCOACH_CONTROL_SOCKET",
)


def load_config(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, Any]:
    for name in CONFIG_ENV:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONFIG))


# -- the settings -----------------------------------------------------------------------------


def test_defaults_listen_on_loopback_with_workers_from_the_cpus(monkeypatch):
    config = load_config(monkeypatch)
    cpus = len(os.sched_getaffinity(0))
    assert config["bind"] == ["127.0.0.1:8000"]
    assert config["workers"] == min(2 * cpus + 1, config["MAX_WORKERS"])
    assert config["worker_class"] == "gthread"
    assert config["threads"] >= 2
    assert config["control_socket_disable"] is True


def test_a_stuck_worker_is_replaced_before_alexa_gives_up(monkeypatch):
    config = load_config(monkeypatch)
    assert config["timeout"] < 8  # Alexa's deadline for the whole answer
    assert config["graceful_timeout"] >= config["timeout"]


def test_the_access_log_never_names_the_user(monkeypatch):
    config = load_config(monkeypatch)
    assert config["accesslog"] == "-"
    assert "%(u)s" not in config["access_log_format"]  # the HTTP auth user
    assert "%({" not in config["access_log_format"]  # no header (e.g. a signature) or variable


def test_the_environment_overrides_bind_workers_threads_and_logs(monkeypatch):
    config = load_config(
        monkeypatch,
        FOOTCOACH_BIND="unix:/run/footcoach.sock",
        WEB_CONCURRENCY="3",
        FOOTCOACH_THREADS="8",
        FOOTCOACH_ACCESS_LOG="off",
        FOOTCOACH_CONTROL_SOCKET="/run/footcoach.ctl",
    )
    assert config["bind"] == ["unix:/run/footcoach.sock"]
    assert (config["workers"], config["threads"]) == (3, 8)
    assert config["accesslog"] is None
    assert (config["control_socket_disable"], config["control_socket"]) == (
        False,
        "/run/footcoach.ctl",
    )


def test_what_the_master_loaded_is_frozen_before_workers_fork(monkeypatch):
    """Workers' collections then skip the preloaded app (and leave its shared pages alone)."""
    config = load_config(monkeypatch)
    assert config["preload_app"] is True
    before = gc.get_freeze_count()
    try:
        config["when_ready"](None)
        assert gc.get_freeze_count() > before and gc.isenabled()
    finally:
        gc.unfreeze()


def test_a_nonsense_worker_count_stops_start_up(monkeypatch):
    with pytest.raises(ValueError, match="WEB_CONCURRENCY must be at least 1"):
        load_config(monkeypatch, WEB_CONCURRENCY="0")


# -- the running server -----------------------------------------------------------------------


@dataclass
class Server:
    port: int
    process: subprocess.Popen[str]

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def stop(self) -> str:
        """SIGTERM, as a deploy would; returns everything the server logged."""
        self.process.send_signal(signal.SIGTERM)
        output, _ = self.process.communicate(timeout=20)
        return output


def _wait_until_healthy(port: int, process: subprocess.Popen[str], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited early:\n{process.communicate()[0]}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/health")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
        finally:
            connection.close()
    raise AssertionError("gunicorn did not answer /health in time")


@contextmanager
def gunicorn(tmp_path: Path, app: str = "skill.wsgi:app", **env: str) -> Iterator[Server]:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    port = listener.getsockname()[1]
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("FOOTCOACH_") and key != "WEB_CONCURRENCY"
    }
    environment |= {
        "FOOTCOACH_BIND": f"fd://{listener.fileno()}",
        "FOOTCOACH_DB": str(tmp_path / "progress.sqlite3"),
        "WEB_CONCURRENCY": "2",
        **env,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(CONFIG), app],
        cwd=tmp_path,  # the app must not depend on being started from the repository
        env=environment,
        pass_fds=(listener.fileno(),),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    listener.close()  # gunicorn holds its own copy now
    try:
        _wait_until_healthy(port, process)
        yield Server(port, process)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=10)


def test_gunicorn_serves_the_welcome_and_logs_no_user_id(tmp_path):
    with gunicorn(tmp_path, FOOTCOACH_VERIFY="0") as server:
        status, body = server.post(
            "/alexa", json.dumps(LAUNCH).encode(), {"Content-Type": "application/json"}
        )
        log = server.stop()
    assert server.process.returncode == 0, log
    assert status == 200
    speech = json.loads(body)["response"]["outputSpeech"]["ssml"]
    assert speech.startswith("<speak>Welcome to Foot Coach.")
    assert '"POST /alexa HTTP/1.1" 200' in log
    assert USER_ID not in log
    assert (tmp_path / "progress.sqlite3").exists()  # the turn's progress was saved


SKILL_ID = LAUNCH["context"]["System"]["application"]["applicationId"]


def test_gunicorn_keeps_verification_on_unless_told(tmp_path):
    with gunicorn(tmp_path, FOOTCOACH_SKILL_ID=SKILL_ID) as server:
        status, body = server.post(
            "/alexa", json.dumps(LAUNCH).encode(), {"Content-Type": "application/json"}
        )
        server.stop()
    assert status == 400
    assert "Signature" in json.loads(body)["error"]


def test_gunicorn_with_verification_and_no_skill_id_refuses_to_start(tmp_path):
    """Finding 4 of issue 11: on main it started and skipped the application-id check."""
    with pytest.raises(AssertionError, match="exited early") as info, gunicorn(tmp_path):
        pass
    assert "FOOTCOACH_SKILL_ID is not set" in str(info.value)


def raw_exchange(port: int, request: bytes) -> tuple[int, bytes]:
    """Send bytes exactly as written (no client fixes them up); the status and body back."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request)
        connection.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def chunked(*chunks: bytes, sizes: list[bytes] | None = None) -> bytes:
    sizes = sizes or [f"{len(c):x}".encode() for c in chunks]
    pairs = zip(sizes, chunks, strict=True)
    body = b"".join(size + b"\r\n" + chunk + b"\r\n" for size, chunk in pairs)
    return (
        b"POST /alexa HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + body + b"0\r\n\r\n"
    )


def test_chunked_bodies_that_are_malformed_or_too_large_get_a_4xx_with_a_reason(tmp_path):
    """Finding 5 of issue 11: on main, a bad chunk size was a 500 (InvalidChunkSize escaping
    request.get_data()) and a chunked body over 128 KiB was cut short and answered 400 "not
    valid JSON" or even 200. Verification is on: the body is refused before it is checked."""
    big = json.dumps({**LAUNCH, "pad": "x" * 140_000}).encode()
    with gunicorn(tmp_path, FOOTCOACH_SKILL_ID=SKILL_ID) as server:
        bad_size = raw_exchange(server.port, chunked(b"{}", sizes=[b"zz"]))
        short_chunk = raw_exchange(server.port, chunked(b"{}", sizes=[b"ff"])[:-5])
        too_large = raw_exchange(
            server.port, chunked(*[big[i : i + 16384] for i in range(0, len(big), 16384)])
        )
        healthy = raw_exchange(server.port, b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        log = server.stop()
    assert bad_size[0] == 400 and b"could not be read" in bad_size[1], log
    assert short_chunk[0] == 400 and b"could not be read" in short_chunk[1], log
    assert too_large[0] == 413 and b"larger than" in too_large[1], log
    assert healthy[0] == 200
    assert "Traceback" not in log


def test_a_newline_in_a_request_cannot_forge_a_log_line(tmp_path):
    """Finding 8 of issue 11: on main the message below wrote its own line into the log."""
    forged = "[2026-12-02 04:00:00 +0000] [1] [INFO] forged: all progress deleted"
    ended = json.loads(json.dumps(LAUNCH))
    ended["request"] = {
        "type": "SessionEndedRequest",
        "requestId": "amzn1.echo-api.request.forged",
        "timestamp": LAUNCH["request"]["timestamp"],
        "locale": "en-US",
        "reason": "ERROR",
        "error": {"type": "INTERNAL_SERVICE_ERROR", "message": f"boom\n{forged}\r\n{forged}"},
    }
    with gunicorn(tmp_path, FOOTCOACH_VERIFY="0") as server:
        status, _ = server.post(
            "/alexa", json.dumps(ended).encode(), {"Content-Type": "application/json"}
        )
        log = server.stop()
    assert status == 200
    assert "session ended with an error" in log  # the line is there...
    assert not any(line.startswith(forged) for line in log.splitlines())  # ...and only one
    assert "boom\\n" + forged in log
