"""A local stand-in for the Alexa APIs the reminder handlers call, over real HTTPS on 127.0.0.1.

It implements, with the request and response shapes of Amazon's documentation:
- ``GET /v2/devices/{deviceId}/settings/System.timeZone`` -> a JSON string ("Europe/London");
- ``POST /v1/alerts/reminders`` -> checks the ReminderRequest and answers with an alertToken;
- ``GET /v1/alerts/reminders`` -> ``{"totalCount", "alerts", "links"}``;
- ``DELETE /v1/alerts/reminders/{alertToken}``.
Every call must carry ``Authorization: Bearer <token>`` (the request's apiAccessToken); a
wrong token, or a user who has not granted the reminders permission, gets 401. It can answer
slowly, or stop, to play an API that is down. ask-sdk-core's client only speaks HTTPS, so the
server has a certificate for 127.0.0.1 from a throw-away CA that tests trust through
``REQUESTS_CA_BUNDLE``.
"""

from __future__ import annotations

import ipaddress
import json
import re
import shutil
import ssl
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

TOKEN = "local-test-api-token"
TIME_ZONE = "Europe/London"
_DEVICE_SETTING = re.compile(r"/v2/devices/([^/]+)/settings/System\.timeZone")
_ONE_REMINDER = re.compile(r"/v1/alerts/reminders/([^/]+)")


def _certificates(folder: Path) -> tuple[Path, Path, Path]:
    """(CA file, server certificate, server key) for 127.0.0.1, valid for a day."""
    now = datetime.now(UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Foot Coach test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    paths = folder / "ca.pem", folder / "server.pem", folder / "server.key"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return paths


def check_reminder_request(body: Any) -> list[str]:
    """What is wrong with a ReminderRequest (Reminders API, SCHEDULED_ABSOLUTE, recurring)."""
    problems = []
    if not isinstance(body, dict):
        return ["the body is not an object"]
    if not isinstance(body.get("requestTime"), str):
        problems.append("requestTime is missing")
    trigger = body.get("trigger") or {}
    if trigger.get("type") != "SCHEDULED_ABSOLUTE":
        problems.append("trigger.type is not SCHEDULED_ABSOLUTE")
    if not isinstance(trigger.get("timeZoneId"), str):
        problems.append("trigger.timeZoneId is missing")
    recurrence = trigger.get("recurrence") or {}
    rules = recurrence.get("recurrenceRules")
    if not (isinstance(rules, list) and rules and all(isinstance(r, str) for r in rules)):
        problems.append("trigger.recurrence.recurrenceRules is not a list of rules")
    try:
        datetime.fromisoformat(recurrence.get("startDateTime", ""))
    except (TypeError, ValueError):
        problems.append("trigger.recurrence.startDateTime is not a local date-time")
    content = ((body.get("alertInfo") or {}).get("spokenInfo") or {}).get("content")
    if not (isinstance(content, list) and content and all(c.get("locale") for c in content)):
        problems.append("alertInfo.spokenInfo.content needs a locale and a text")
    elif not all(c.get("text") or c.get("ssml") for c in content):
        problems.append("alertInfo.spokenInfo.content needs a text")
    if (body.get("pushNotification") or {}).get("status") not in ("ENABLED", "DISABLED"):
        problems.append("pushNotification.status is not ENABLED or DISABLED")
    return problems


class AlexaApi:
    """The stand-in server; ``reminders`` is what it holds, ``calls`` what it was asked."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="alexa-api-"))
        self.ca_file, certificate, key = _certificates(self.folder)
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.context.load_cert_chain(certificate, key)
        self.reminders: dict[str, dict[str, Any]] = {}
        self.calls: list[tuple[str, str]] = []
        self.granted = True
        self.delay_seconds = 0.0
        self._server: ThreadingHTTPServer | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def start(self) -> None:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                api.answer(self, "GET")

            def do_POST(self) -> None:
                api.answer(self, "POST")

            def do_DELETE(self) -> None:
                api.answer(self, "DELETE")

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a client that gave up on a slow answer is what the slow case is for

        self._server = Server(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self._server.socket = self.context.wrap_socket(self._server.socket, server_side=True)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        """Stop serving and remove the certificates' folder (a test leaves nothing in /tmp)."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- the endpoints -------------------------------------------------------------------

    def answer(self, http: BaseHTTPRequestHandler, method: str) -> None:
        self.calls.append((method, http.path))
        if self.delay_seconds:
            time.sleep(self.delay_seconds)
        length = int(http.headers.get("Content-Length") or 0)
        body = http.rfile.read(length) if length else b""
        if http.headers.get("Authorization") != f"Bearer {TOKEN}":
            return self._send(http, 401, {"code": "UNAUTHORIZED", "message": "bad token"})
        if method == "GET" and _DEVICE_SETTING.fullmatch(http.path):
            return self._send(http, 200, TIME_ZONE)
        if not http.path.startswith("/v1/alerts/reminders"):
            return self._send(http, 404, {"code": "NOT_FOUND", "message": http.path})
        if not self.granted:
            return self._send(http, 401, {"code": "UNAUTHORIZED", "message": "no permission"})
        if method == "POST" and http.path == "/v1/alerts/reminders":
            return self._create(http, body)
        if method == "GET" and http.path == "/v1/alerts/reminders":
            alerts = list(self.reminders.values())
            return self._send(
                http, 200, {"totalCount": str(len(alerts)), "alerts": alerts, "links": None}
            )
        one = _ONE_REMINDER.fullmatch(http.path)
        if method == "DELETE" and one and one[1] in self.reminders:
            del self.reminders[one[1]]
            return self._send(http, 200, None)
        return self._send(http, 404, {"code": "NOT_FOUND", "message": http.path})

    def _create(self, http: BaseHTTPRequestHandler, body: bytes) -> None:
        try:
            request = json.loads(body)
        except ValueError:
            request = None
        problems = check_reminder_request(request)
        if problems:
            return self._send(
                http, 400, {"code": "INVALID_REQUEST", "message": "; ".join(problems)}
            )
        token = str(uuid.uuid4())
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000")
        self.reminders[token] = {
            "alertToken": token,
            "createdTime": stamp,
            "updatedTime": stamp,
            "status": "ON",
            "trigger": request["trigger"],
            "alertInfo": request["alertInfo"],
            "pushNotification": request["pushNotification"],
            "version": "1",
        }
        created = {"alertToken": token, "createdTime": stamp, "updatedTime": stamp}
        return self._send(http, 201, {**created, "status": "ON", "version": "1"})

    @staticmethod
    def _send(http: BaseHTTPRequestHandler, status: int, payload: Any) -> None:
        data = b"" if payload is None else json.dumps(payload).encode()
        http.send_response(status)
        http.send_header("Content-Type", "application/json")
        http.send_header("Content-Length", str(len(data)))
        http.end_headers()
        http.wfile.write(data)
