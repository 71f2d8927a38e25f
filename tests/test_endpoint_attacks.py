"""What issue 11's attack found at the endpoint, each answered with a 4xx (or a refusal to start).

Every body here would have reached the skill (or crashed it) on main: a setting that failed open
(finding 4), numbers and nesting Python refuses to read (finding 6), and JSON's non-standard
constants, which came back out in session attributes (finding 9). The bodies are checked with
verification off and, where it matters, correctly signed with verification on.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from click.testing import CliRunner
from echo import Echo
from flask import Flask
from pki import CHAIN_URL, NOW, make_pki, sign
from progress_db import query

from skill.cli import main
from skill.web.app import MissingSkillId, WebConfig, create_app
from skill.web.verification import RequestVerifier

SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"


@pytest.fixture(scope="module")
def pki():
    return make_pki()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "progress.sqlite3"


@pytest.fixture
def verified_app(pki, db):
    verifier = RequestVerifier(
        skill_id=SKILL_ID,
        fetch_chain=lambda url: pki.chains["valid"],
        trust_roots=[pki.root],
        now=lambda: NOW,
    )
    return create_app(WebConfig(db=str(db), skill_id=SKILL_ID, verify=True), verifier=verifier)


@pytest.fixture
def open_app(db):
    return create_app(WebConfig(db=str(db), verify=False))


def post_signed(app: Flask, pki, body: bytes):
    headers = {"SignatureCertChainUrl": CHAIN_URL, "Signature-256": sign(body, pki.leaf_key)}
    return app.test_client().post(
        "/alexa", data=body, headers=headers, content_type="application/json"
    )


def post_open(app: Flask, body: bytes):
    return app.test_client().post("/alexa", data=body, content_type="application/json")


def _launch_text(app: Flask) -> str:
    """A real launch envelope as text, for splicing in what no JSON encoder would write."""
    return json.dumps(Echo(app.test_client(), now=NOW).envelope({"type": "LaunchRequest"}))


def _with_attribute(app: Flask, raw_value: str) -> bytes:
    text = _launch_text(app)
    marker = '"attributes": {}'
    assert marker in text
    return text.replace(marker, f'"attributes": {{"x": {raw_value}}}', 1).encode()


# -- finding 4: verification on, skill id unset ---------------------------------------------------


def test_verification_without_a_skill_id_refuses_to_start(db, monkeypatch):
    """On main the app started and skipped the application-id check silently."""
    monkeypatch.delenv("FOOTCOACH_SKILL_ID", raising=False)
    monkeypatch.delenv("FOOTCOACH_VERIFY", raising=False)
    with pytest.raises(MissingSkillId, match="FOOTCOACH_SKILL_ID"):
        create_app(WebConfig(db=str(db)))


@pytest.fixture
def no_serving(monkeypatch):
    """Flask.run records its call instead of serving, so `footcoach serve` returns."""
    served: list[dict] = []
    monkeypatch.setattr(Flask, "run", lambda self, **kwargs: served.append(kwargs))
    monkeypatch.setattr("skill.web.logs.log_to_stderr", lambda: None)  # keep pytest's logging
    monkeypatch.delenv("FOOTCOACH_SKILL_ID", raising=False)
    monkeypatch.delenv("FOOTCOACH_VERIFY", raising=False)
    return served


def test_serve_without_a_skill_id_names_the_setting_and_does_not_serve(db, no_serving):
    result = CliRunner().invoke(main, ["serve", "--db", str(db)])
    assert result.exit_code != 0
    assert "FOOTCOACH_SKILL_ID" in result.output and "--skill-id" in result.output
    assert no_serving == []


@pytest.mark.parametrize(
    "arguments", [["--no-verify"], ["--skill-id", SKILL_ID]], ids=["no-verify", "skill-id"]
)
def test_serve_starts_with_a_skill_id_or_without_verification(db, no_serving, arguments):
    result = CliRunner().invoke(main, ["serve", "--db", str(db), "--port", "0", *arguments])
    assert result.exit_code == 0, result.output
    assert len(no_serving) == 1


def test_serve_never_runs_the_debugger_whatever_the_environment_says(db, monkeypatch):
    """Before: FLASK_DEBUG=1 in the environment made `footcoach serve` run werkzeug's debugger,
    whose error pages show anyone a traceback with source and local values."""
    started: list[dict] = []
    monkeypatch.setattr("werkzeug.serving.run_simple", lambda *a, **kw: started.append(kw))
    monkeypatch.setattr("skill.web.logs.log_to_stderr", lambda: None)
    monkeypatch.setenv("FLASK_DEBUG", "1")
    result = CliRunner().invoke(main, ["serve", "--db", str(db), "--port", "0", "--no-verify"])
    assert result.exit_code == 0, result.output
    [options] = started
    assert options["use_debugger"] is False and options["use_reloader"] is False


def test_an_endpoint_without_verification_says_so_when_it_starts(db, caplog):
    """Before: FOOTCOACH_VERIFY=0 under gunicorn started without a word in the log, so a
    setting copied from a laptop left a production endpoint open unnoticed."""
    with caplog.at_level(logging.WARNING):
        create_app(WebConfig(db=str(db), verify=False))
    assert any("verification is OFF" in r.getMessage() for r in caplog.records)
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        create_app(WebConfig(db=str(db), skill_id=SKILL_ID, verify=True))
    assert not any("verification is OFF" in r.getMessage() for r in caplog.records)


def test_serve_says_it_is_the_local_development_server():
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert "development" in result.output and "gunicorn" in result.output


# -- finding 6: numbers Python refuses, nesting it recurses on ----------------------------------


def test_an_integer_of_more_than_4300_digits_is_a_400(open_app, db):
    """On main: ValueError from int(), a 500."""
    response = post_open(open_app, _with_attribute(open_app, "9" * 5000))
    assert response.status_code == 400
    assert "number" in response.get_json()["error"]
    assert query(db, "SELECT * FROM progress") == []


def test_a_signed_integer_of_more_than_4300_digits_is_a_400(verified_app, pki, db):
    response = post_signed(verified_app, pki, _with_attribute(verified_app, "9" * 5000))
    assert response.status_code == 400
    assert "number" in response.get_json()["error"]


def test_a_signed_body_nested_60000_deep_is_a_400(verified_app, pki):
    """On main: RecursionError in the verifier's json.loads, a 500."""
    depth = 60_000
    response = post_signed(verified_app, pki, b"[" * depth + b"]" * depth)
    assert response.status_code == 400
    assert "nested" in response.get_json()["error"]


@pytest.mark.parametrize("depth", [70, 900])
def test_nesting_deeper_than_any_alexa_request_is_a_400(open_app, depth):
    value = "[" * depth + "]" * depth
    response = post_open(open_app, _with_attribute(open_app, value))
    assert response.status_code == 400
    assert "nested" in response.get_json()["error"]


# -- finding 9 (the JSON part): NaN and Infinity are not JSON --------------------------------------


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_non_standard_json_constants_are_a_400(open_app, verified_app, pki, constant):
    """On main NaN in session attributes was accepted and echoed back as non-standard JSON."""
    response = post_open(open_app, _with_attribute(open_app, constant))
    assert response.status_code == 400
    assert constant in response.get_json()["error"]

    response = post_signed(verified_app, pki, _with_attribute(verified_app, constant))
    assert response.status_code == 400
    assert constant in response.get_json()["error"]


def test_every_answer_is_standard_json(open_app):
    response = post_open(open_app, _with_attribute(open_app, "1.5"))
    assert response.status_code == 200
    json.loads(response.get_data(as_text=True), parse_constant=pytest.fail)


# -- second round: unpaired surrogates ----------------------------------------------------------


def _launch_with(app: Flask, field: str, escaped: str) -> bytes:
    """A launch whose ``field`` (user id, person id…) holds ``escaped`` written as JSON escapes."""
    text = _launch_text(app)
    data = json.loads(text)
    system = data["context"]["System"]
    if field == "userId":
        system["user"]["userId"] = "amzn1.ask.account.MARK"
    else:
        system["person"] = {"personId": "amzn1.ask.person.MARK"}
    return json.dumps(data).replace("MARK", escaped).encode()


@pytest.mark.parametrize("field", ["userId", "personId"])
@pytest.mark.parametrize("escaped", ["\\ud800", "\\udfff", "x\\ud83d"], ids=["high", "low", "half"])
def test_an_unpaired_surrogate_is_a_400(open_app, verified_app, pki, field, escaped, caplog):
    """Before: JSON read "\\ud800" into a string no encoder takes; a user id holding one made
    the turn fail in SQLite (the catch-all apology, an ERROR with a traceback), a person id
    made the save fail."""
    for response in (
        post_open(open_app, _launch_with(open_app, field, escaped)),
        post_signed(verified_app, pki, _launch_with(verified_app, field, escaped)),
    ):
        assert response.status_code == 400
        assert "surrogate" in response.get_json()["error"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_an_emoji_written_as_a_surrogate_pair_is_text(open_app):
    response = post_open(open_app, _launch_with(open_app, "userId", "\\ud83d\\ude00"))
    assert response.status_code == 200
