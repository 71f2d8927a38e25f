"""The web endpoint: verified requests reach the skill, everything else is refused unchanged."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from echo import Echo
from pki import CHAIN_URL, NOW, make_pki, sign
from progress_db import query

from skill.web.app import MAX_BODY_BYTES, WebConfig, create_app
from skill.web.verification import RequestVerifier

SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"


@pytest.fixture(scope="module")
def pki():
    return make_pki()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "progress.sqlite3"


def rows(db: Path) -> list:
    return query(db, "SELECT user_key, attributes FROM progress")


@pytest.fixture
def verified_app(pki, db):
    verifier = RequestVerifier(
        skill_id=SKILL_ID,
        fetch_chain=lambda url: pki.chains["valid"],
        trust_roots=[pki.root],
        now=lambda: NOW,
    )
    return create_app(WebConfig(db=str(db), skill_id=SKILL_ID, verify=True), verifier=verifier)


def signed(echo: Echo, data: dict, pki, *, chain_url: str = CHAIN_URL) -> tuple[bytes, dict]:
    body = json.dumps(data).encode()
    return body, {"SignatureCertChainUrl": chain_url, "Signature-256": sign(body, pki.leaf_key)}


def test_health(verified_app):
    response = verified_app.test_client().get("/health")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_a_signed_request_reaches_the_skill(verified_app, pki, db):
    echo = Echo(verified_app.test_client(), now=NOW)
    body, headers = signed(echo, echo.intent_request("StartRoutineIntent", routine="quick"), pki)
    reply = echo.post(body, headers=headers)
    assert reply.status == 200
    assert "quick routine" in reply.text
    assert len(rows(db)) == 1


def _tamper(body: bytes) -> bytes:
    return body.replace(b"quick", b"daily")


REJECTIONS = [
    ("tampered body", lambda body, headers, pki: (_tamper(body), headers)),
    (
        "wrong signature",
        lambda body, headers, pki: (body, {**headers, "Signature-256": sign(body, pki.rogue_key)}),
    ),
    ("missing signature", lambda body, headers, pki: (body, {"SignatureCertChainUrl": CHAIN_URL})),
    (
        "http chain URL",
        lambda body, headers, pki: (
            body,
            {**headers, "SignatureCertChainUrl": CHAIN_URL.replace("https", "http")},
        ),
    ),
    (
        "escaping path",
        lambda body, headers, pki: (
            body,
            {**headers, "SignatureCertChainUrl": "https://s3.amazonaws.com/echo.api/../x.pem"},
        ),
    ),
]


@pytest.mark.parametrize(("label", "change"), REJECTIONS, ids=[r[0] for r in REJECTIONS])
def test_rejected_requests_get_400_and_change_nothing(verified_app, pki, db, label, change):
    echo = Echo(verified_app.test_client(), now=NOW)
    body, headers = signed(echo, echo.intent_request("StartRoutineIntent", routine="quick"), pki)
    body, headers = change(body, headers, pki)
    reply = echo.post(body, headers=headers)
    assert reply.status == 400
    assert reply.body["error"]
    assert rows(db) == []


@pytest.mark.parametrize(
    ("label", "shift", "user_skill_id"),
    [
        ("stale timestamp", timedelta(seconds=-151), SKILL_ID),
        ("future timestamp", timedelta(seconds=151), SKILL_ID),
        ("wrong application id", timedelta(0), "amzn1.ask.skill.someone-else"),
    ],
)
def test_stale_future_and_foreign_requests_are_refused(
    verified_app, pki, db, label, shift, user_skill_id
):
    echo = Echo(verified_app.test_client(), now=NOW + shift)
    data = echo.intent_request("StartRoutineIntent", routine="quick")
    data["context"]["System"]["application"]["applicationId"] = user_skill_id
    body, headers = signed(echo, data, pki)
    reply = echo.post(body, headers=headers)
    assert reply.status == 400, label
    assert rows(db) == []


@pytest.fixture
def open_app(db):
    return create_app(WebConfig(db=str(db), verify=False))


@pytest.mark.parametrize(
    ("body", "content_type", "status", "reason"),
    [
        (b"{not json", "application/json", 400, "not valid JSON"),
        (b"\xff\xfe", "application/json", 400, "not UTF-8"),
        (b"[1, 2]", "application/json", 400, "not a JSON object"),
        (b'{"version": "1.0"}', "application/json", 400, "request.type is missing"),
        (b'{"request": {"type": "LaunchRequest"}}', "text/plain", 415, "content type"),
        (b"[" * 100_000 + b"]" * 100_000, "application/json", 413, "larger than"),
    ],
)
def test_malformed_requests_get_a_4xx_with_a_reason(
    open_app, db, body, content_type, status, reason
):
    response = open_app.test_client().post("/alexa", data=body, content_type=content_type)
    assert response.status_code == status
    assert reason in response.get_json()["error"]
    assert "Traceback" not in response.get_data(as_text=True)
    assert rows(db) == []


def test_deeply_nested_json_is_refused_without_a_crash(open_app, db):
    depth = 50_000
    assert len(b"[" * depth + b"]" * depth) < MAX_BODY_BYTES
    response = open_app.test_client().post(
        "/alexa", data=b"[" * depth + b"]" * depth, content_type="application/json"
    )
    assert response.status_code == 400
    assert rows(db) == []
