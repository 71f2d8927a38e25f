"""The production front door: deploy/nginx/footcoach.conf in front of gunicorn, both real.

nginx (installed by .ci/run and scripts/dev) runs in the foreground with a temporary prefix,
a throw-away certificate and the shipped server block, changed only where a test must: the
port, the certificate paths and gunicorn's address. gunicorn runs deploy/gunicorn.conf.py with
verification on, trusting a throw-away Alexa-like PKI (tests/pki.py). Everything is on
loopback; every loop is bounded; both servers are stopped at the end.

Issue 11 found that gunicorn alone falls to slowloris: 300 slow connections for 50 s and every
normal request timed out. Here 300 slow connections for 30 s must leave a normal request's
latency under 1 s.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import os
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pki import CHAIN_URL, NOW, make_pki, sign
from test_deploy_gunicorn import LAUNCH, ROOT, gunicorn

SITE = ROOT / "deploy" / "nginx" / "footcoach.conf"
SKILL_ID = LAUNCH["context"]["System"]["application"]["applicationId"]
#: The normal client comes from another loopback address than the attackers, as a real
#: Alexa server and an attacker would: limit_conn counts per address.
NORMAL_CLIENT = "127.0.0.2"
ATTACK_SECONDS = 30
SLOW_CONNECTIONS = 300


def nginx_binary() -> str:
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None
    )
    if found is None:
        pytest.fail(
            "nginx is not installed: .ci/run and scripts/dev install it (apt-get install nginx)"
        )
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def throwaway_certificate(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def site_config(port: int, upstream_port: int, cert: Path, key: Path) -> str:
    """The shipped server block with only the test's port, certificate and upstream."""
    text = SITE.read_text()
    for old, new in [
        ("listen 443 ssl;", f"listen 127.0.0.1:{port} ssl;"),
        ("/etc/ssl/footcoach/fullchain.pem", str(cert)),
        ("/etc/ssl/footcoach/privkey.pem", str(key)),
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream_port};"),
    ]:
        assert text.count(old) == 1, f"{SITE} no longer has {old!r} exactly once"
        text = text.replace(old, new)
    return text


def main_config(prefix: Path, site: Path) -> str:
    """What /etc/nginx/nginx.conf provides on Debian, in a temporary prefix."""
    user = "user root;" if os.geteuid() == 0 else ""  # workers must read the temp prefix
    temp = "\n".join(
        f"    {kind}_temp_path {prefix / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""{user}
worker_processes 1;
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} warn;
events {{ worker_connections 4096; }}
http {{
    access_log {prefix / "access.log"};
{temp}
    include {site};
}}
"""


@dataclass
class FrontDoor:
    port: int
    context: ssl.SSLContext
    prefix: Path

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        source: str = NORMAL_CLIENT,
    ) -> tuple[int, bytes, float]:
        """One request on a fresh TLS connection; status, body and seconds it took."""
        start = time.monotonic()
        connection = http.client.HTTPSConnection(
            "127.0.0.1", self.port, timeout=10, context=self.context, source_address=(source, 0)
        )
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            data = response.read()
            return response.status, data, time.monotonic() - start
        finally:
            connection.close()

    def raw(self, request: bytes, source: str = NORMAL_CLIENT) -> bytes:
        """Bytes exactly as written, over TLS; whatever comes back until nginx closes."""
        with (
            socket.create_connection(
                ("127.0.0.1", self.port), timeout=10, source_address=(source, 0)
            ) as plain,
            self.context.wrap_socket(plain, server_hostname="localhost") as tls,
        ):
            tls.sendall(request)
            answer = b""
            try:
                while chunk := tls.recv(65536):
                    answer += chunk
            except (ssl.SSLError, OSError):
                pass
        return answer


def signed_launch() -> tuple[bytes, dict[str, str]]:
    data = json.loads(json.dumps(LAUNCH))
    data["request"]["timestamp"] = NOW.strftime("%Y-%m-%dT%H:%M:%SZ")
    body = json.dumps(data).encode()
    return body, {
        "Content-Type": "application/json",
        "SignatureCertChainUrl": CHAIN_URL,
        "Signature-256": sign(body, PKI.leaf_key),
    }


PKI = make_pki()


@contextmanager
def gunicorn_with_test_pki(tmp_path: Path) -> Iterator[int]:
    """deploy/gunicorn.conf.py serving tests/pki_app.py: production's app, the test PKI."""
    (tmp_path / "root.pem").write_bytes(PKI.root.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "chain.pem").write_bytes(PKI.good_chain)
    with gunicorn(
        tmp_path,
        app="pki_app:app",
        FOOTCOACH_SKILL_ID=SKILL_ID,
        PKI_APP_ROOT=str(tmp_path / "root.pem"),
        PKI_APP_CHAIN=str(tmp_path / "chain.pem"),
        PKI_APP_NOW=NOW.isoformat(),
        PYTHONPATH=os.pathsep.join([str(ROOT / "tests"), str(ROOT)]),
    ) as server:
        yield server.port


def _stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    try:
        process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate(timeout=10)


@contextmanager
def nginx_in_front(tmp_path: Path, upstream_port: int) -> Iterator[FrontDoor]:
    prefix = tmp_path / "nginx"
    prefix.mkdir()
    cert, key = throwaway_certificate(prefix)
    port = free_port()
    site = prefix / "footcoach.conf"
    site.write_text(site_config(port, upstream_port, cert, key))
    conf = prefix / "nginx.conf"
    conf.write_text(main_config(prefix, site))
    binary = nginx_binary()
    check = subprocess.run(
        [binary, "-t", "-p", str(prefix), "-e", str(prefix / "error.log"), "-c", str(conf)],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen(
        [
            binary,
            "-p",
            str(prefix),
            "-e",
            str(prefix / "error.log"),
            "-c",
            str(conf),
            "-g",
            "daemon off;",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    context = ssl.create_default_context(cafile=str(cert))
    door = FrontDoor(port, context, prefix)
    try:
        deadline = time.monotonic() + 10
        while True:
            assert process.poll() is None, (
                process.communicate()[0] + (prefix / "error.log").read_text()
            )
            try:
                if door.request("GET", "/health")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "nginx did not answer /health in time"
            time.sleep(0.1)
        yield door
    finally:
        _stop(process)


@pytest.fixture(scope="module")
def front_door(tmp_path_factory) -> Iterator[FrontDoor]:
    tmp_path = tmp_path_factory.mktemp("front-door")
    with gunicorn_with_test_pki(tmp_path) as upstream, nginx_in_front(tmp_path, upstream) as door:
        yield door


# -- what goes through, what does not -------------------------------------------------------------


def test_a_signed_request_goes_through_to_the_skill(front_door):
    body, headers = signed_launch()
    status, answer, _ = front_door.request("POST", "/alexa", body, headers)
    assert status == 200, answer
    assert json.loads(answer)["response"]["outputSpeech"]["ssml"].startswith("<speak>Welcome")


def test_an_unsigned_request_is_refused_by_the_app_behind_it(front_door):
    body, headers = signed_launch()
    headers.pop("Signature-256")
    status, answer, _ = front_door.request("POST", "/alexa", body, headers)
    assert status == 400 and b"Signature-256" in answer


def test_a_body_over_the_cap_is_refused_by_the_proxy(front_door):
    body = b"{" + b" " * (129 * 1024) + b"}"
    status, answer, _ = front_door.request(
        "POST", "/alexa", body, {"Content-Type": "application/json"}
    )
    assert status == 413
    assert b"<center>nginx</center>" in answer  # nginx's page: gunicorn never saw it


@pytest.mark.parametrize(
    ("path", "heading"),
    [("/privacy", b"<h1>Foot Coach privacy policy</h1>"), ("/terms", b"<h1>Foot Coach terms")],
)
def test_the_privacy_and_terms_pages_go_through(front_door, path, heading):
    """The skill package links to them; certification opens both."""
    status, answer, _ = front_door.request("GET", path)
    assert status == 200 and heading in answer
    assert front_door.request("POST", path, b"{}", {"Content-Type": "application/json"})[0] == 405


@pytest.mark.parametrize(
    "path",
    [
        *["/", "/admin", "/alexa/", "/alexa/x", "/healthz", "/static/x.js", "/echo.api/c.pem"],
        *["/privacy/", "/terms.html", "/privacy/x"],
    ],
)
def test_every_other_path_is_404(front_door, path):
    for method in ("GET", "POST"):
        status, _, _ = front_door.request(method, path, b"{}", {"Content-Type": "application/json"})
        assert status == 404, (method, path)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/alexa"),
        ("HEAD", "/alexa"),
        ("PUT", "/alexa"),
        ("DELETE", "/alexa"),
        ("OPTIONS", "/alexa"),
        ("POST", "/health"),
        ("DELETE", "/health"),
    ],
)
def test_other_methods_are_405(front_door, method, path):
    status, _, _ = front_door.request(method, path)
    assert status == 405


# -- 300 slow connections for 30 s ----------------------------------------------------------------


class SlowClients:
    """Keep ``count`` connections open and sending a byte at a time, for ``seconds``.

    Three kinds, a third each: a TCP connection that never finishes its TLS handshake, a TLS
    connection that sends its headers a byte at a time (slowloris), and one that sends whole
    headers then its body a byte at a time (R.U.D.Y.). A connection nginx closes is opened
    again, as a real attacker would.
    """

    KINDS = ("handshake", "headers", "body")

    def __init__(self, door: FrontDoor, count: int) -> None:
        self.door = door
        self.count = count
        self.sockets: list[tuple[str, socket.socket | None]] = []
        self.opened = 0

    def open(self, kind: str) -> socket.socket | None:
        try:
            plain = socket.create_connection(("127.0.0.1", self.door.port), timeout=2)
            self.opened += 1
            if kind == "handshake":
                plain.sendall(b"\x16")  # the first byte of a ClientHello, and no more
                return plain
            tls = self.door.context.wrap_socket(plain, server_hostname="localhost")
            if kind == "headers":
                tls.sendall(b"POST /alexa HTTP/1.1\r\nHost: x\r\n")
            else:
                tls.sendall(
                    b"POST /alexa HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    b"Content-Length: 100000\r\n\r\n{"
                )
            return tls
        except OSError:
            return None

    def start(self) -> None:
        for index in range(self.count):
            kind = self.KINDS[index % 3]
            self.sockets.append((kind, self.open(kind)))

    def trickle(self) -> int:
        """One byte on every connection; reopen the closed ones. Returns how many are open."""
        for index, (kind, sock) in enumerate(self.sockets):
            try:
                if sock is None:
                    raise OSError
                sock.sendall(b"a" if kind != "handshake" else b"\x03")
            except OSError:
                if sock is not None:
                    sock.close()
                self.sockets[index] = (kind, self.open(kind))
        return sum(sock is not None for _, sock in self.sockets)

    def stop(self) -> None:
        for _, sock in self.sockets:
            if sock is not None:
                sock.close()


def test_300_slow_connections_for_30_s_leave_normal_requests_fast(front_door):
    """On gunicorn alone (issue 11) every normal request timed out under this."""
    body, headers = signed_launch()
    attackers = SlowClients(front_door, SLOW_CONNECTIONS)
    latencies: list[float] = []
    statuses: list[int] = []
    alive_counts: list[int] = []
    attackers.start()
    try:
        end = time.monotonic() + ATTACK_SECONDS
        while time.monotonic() < end:
            alive_counts.append(attackers.trickle())
            for method, path, data in (("GET", "/health", None), ("POST", "/alexa", body)):
                try:
                    status, _, seconds = front_door.request(method, path, data, headers)
                except OSError:
                    status, seconds = 0, 10.0
                statuses.append(status)
                latencies.append(seconds)
            time.sleep(max(0.0, 1.0 - latencies[-1] - latencies[-2]))
    finally:
        attackers.stop()
    assert min(alive_counts) >= SLOW_CONNECTIONS * 0.9, alive_counts  # the attack really ran
    assert attackers.opened > SLOW_CONNECTIONS  # nginx closed slow ones; they came back
    assert set(statuses) == {200}, statuses
    assert len(latencies) >= 2 * ATTACK_SECONDS * 0.6
    assert max(latencies) < 1.0, sorted(latencies)[-5:]


# -- request-level attacks, as tests/RESULTS.md lists them ---------------------------------------


def _post(path: str, extra: bytes = b"", body: bytes = b"{}", length: bool = True) -> bytes:
    head = b"POST " + path.encode() + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
    if length:
        extra += b"Content-Length: " + str(len(body)).encode() + b"\r\n"
    return head + b"Content-Type: application/json\r\n" + extra + b"\r\n" + body


def _get(target: str, extra: bytes = b"") -> bytes:
    return (
        b"GET "
        + target.encode()
        + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        + extra
        + b"\r\n"
    )


def _signed(extra: bytes) -> bytes:
    body, headers = signed_launch()
    lines = b"".join(f"{k}: {v}\r\n".encode() for k, v in headers.items() if k != "Content-Type")
    return _post("/alexa", lines + extra, body)


CHUNK = b"4000\r\n" + b"a" * 0x4000 + b"\r\n"
RAW_ATTACKS = [
    # (name, bytes sent over TLS, status, a piece of the answer)
    ("signed request, raw", lambda: _signed(b""), 200, b"<speak>Welcome"),
    (
        "smuggling CL.TE",
        lambda: _post(
            "/alexa", b"Content-Length: 6\r\nTransfer-Encoding: chunked\r\n", b"0\r\n\r\nX", False
        ),
        400,
        b"400 Bad Request",
    ),
    (
        "smuggling TE.CL",
        lambda: _post(
            "/alexa",
            b"Transfer-Encoding: chunked\r\nContent-Length: 3\r\n",
            b"5\r\nhello\r\n0\r\n\r\n",
            False,
        ),
        400,
        b"400 Bad Request",
    ),
    (
        "obfuscated TE (xchunked)",
        lambda: _post("/alexa", b"Transfer-Encoding: xchunked\r\n", b"", False),
        501,
        b"501 Not Implemented",
    ),
    (
        "TE: chunked, identity",
        lambda: _post("/alexa", b"Transfer-Encoding: chunked, identity\r\n", b"0\r\n\r\n", False),
        501,
        b"501 Not Implemented",
    ),
    (
        "TE with space before colon",
        lambda: _post("/alexa", b"Transfer-Encoding : chunked\r\n"),
        400,
        b"400 Bad Request",
    ),
    (
        "two different Content-Lengths",
        lambda: _post("/alexa", b"Content-Length: 5\r\n"),
        400,
        b"400 Bad Request",
    ),
    (
        "malformed chunk size",
        lambda: _post("/alexa", b"Transfer-Encoding: chunked\r\n", b"zz\r\n{}\r\n0\r\n\r\n", False),
        400,
        b"400 Bad Request",
    ),
    (
        "chunked body over 128 KiB",
        lambda: _post("/alexa", b"Transfer-Encoding: chunked\r\n", CHUNK * 9 + b"0\r\n\r\n", False),
        413,
        b"413 Request Entity Too Large",
    ),
    (
        "Expect: 100-continue, 100 MB",
        lambda: _post(
            "/alexa", b"Expect: 100-continue\r\nContent-Length: 100000000\r\n", b"", False
        ),
        413,
        b"413 Request Entity Too Large",
    ),
    (
        "one 9 KiB header",
        lambda: _get("/health", b"X-Big: " + b"a" * 9000 + b"\r\n"),
        400,
        b"Header Or Cookie Too Large",
    ),
    (
        "six 7 KiB headers",
        lambda: _get("/health", b"".join(b"X-%d: " % i + b"a" * 7000 + b"\r\n" for i in range(6))),
        400,
        b"Header Or Cookie Too Large",
    ),
    (
        "9 KiB request line",
        lambda: _get("/health?" + "a" * 9000),
        414,
        b"414 Request-URI Too Large",
    ),
    (
        "obsolete line folding",
        lambda: _get("/health", b"X-A: a\r\n b\r\n"),
        400,
        b"400 Bad Request",
    ),
    ("NUL in a header", lambda: _get("/health", b"X-A: a\x00b\r\n"), 400, b"400 Bad Request"),
    (
        "CONNECT s3.amazonaws.com:443",
        lambda: b"CONNECT s3.amazonaws.com:443 HTTP/1.1\r\nHost: s3.amazonaws.com\r\n\r\n",
        400,
        b"400 Bad Request",
    ),
    (
        "TRACE /alexa",
        lambda: b"TRACE /alexa HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        405,
        b"405 Not Allowed",
    ),
    (
        "HTTP/2 preface without ALPN",
        lambda: b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
        400,
        b"400 Bad Request",
    ),
    ("/../../etc/passwd", lambda: _get("/../../etc/passwd"), 400, b"400 Bad Request"),
    (
        "/x/../alexa (normalised)",
        lambda: _post("/x/../alexa"),
        400,
        b"missing SignatureCertChainUrl",
    ),
    ("/%61lexa (decoded)", lambda: _post("/%61lexa"), 400, b"missing SignatureCertChainUrl"),
    ("//alexa (slashes merged)", lambda: _post("//alexa"), 400, b"missing SignatureCertChainUrl"),
    (
        "absolute URI http://evil/alexa",
        lambda: _post("http://evil.example/alexa"),
        400,
        b"missing SignatureCertChainUrl",
    ),
    ("/alexa%2f", lambda: _post("/alexa%2f"), 404, b"404 Not Found"),
    ("/ALEXA", lambda: _post("/ALEXA"), 404, b"404 Not Found"),
    (
        "text/plain body",
        lambda: _post("/alexa").replace(b"application/json", b"text/plain"),
        415,
        b"content type",
    ),
    (
        "Signature_256 (underscore dropped)",
        lambda: _post(
            "/alexa",
            b"Signature_256: abc\r\nSignatureCertChainUrl: https://s3.amazonaws.com/echo.api/c.pem\r\n",
        ),
        400,
        b"missing Signature-256",
    ),
    (
        "duplicate Signature-256",
        lambda: _signed(b"Signature-256: AAAA\r\n"),
        400,
        b"signature is not valid base64",
    ),
    (
        "duplicate SignatureCertChainUrl",
        lambda: _signed(b"SignatureCertChainUrl: https://evil.example/echo.api/c.pem\r\n"),
        400,
        b"certificate chain URL is malformed",
    ),
]


@pytest.mark.parametrize(
    ("request_bytes", "status", "piece"),
    [pytest.param(build, status, piece, id=name) for name, build, status, piece in RAW_ATTACKS],
)
def test_request_level_attacks_get_the_answers_in_the_results_table(
    front_door, request_bytes, status, piece
):
    answer = front_door.raw(request_bytes())
    assert answer.split(b"\r\n", 1)[0].split(b" ")[1] == str(status).encode(), answer[:300]
    assert piece in answer, answer[:300]
