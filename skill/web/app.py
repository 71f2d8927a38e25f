"""The web endpoint: verify the request, invoke the skill, serialize the response.

``flask-ask-sdk`` and ``ask-sdk-webservice-support``'s verifier cannot be imported with
OpenSSL >= 3.0.10, so this small app factory routes Flask to ask-sdk-core's ``skill.invoke``
itself, with request verification built on ``cryptography`` (``verification.py``).
Anything malformed is answered with a 4xx and a short reason before any handler or
storage sees it.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ask_sdk_core.skill import CustomSkill
from ask_sdk_model import RequestEnvelope
from flask import Flask, Response, jsonify, request

from skill.alexa.model_json import read_request
from skill.alexa.skill_builder import build_skill
from skill.alexa.skill_events import SkillEventNotDone
from skill.storage import open_storage
from skill.web.body import UnreadableBody, read_body
from skill.web.envelope import MalformedRequest, is_known_request_type, parse_body
from skill.web.pages import pages
from skill.web.verification import RequestVerifier, VerificationError

log = logging.getLogger(__name__)

#: Alexa requests are a few KB; anything far larger is refused before it is parsed.
MAX_BODY_BYTES = 128 * 1024
DEFAULT_DB = Path("var") / "footcoach.sqlite3"


@dataclass
class WebConfig:
    """Settings, from the environment by default, with values that work on a laptop."""

    db: str = field(default_factory=lambda: os.environ.get("FOOTCOACH_DB") or str(DEFAULT_DB))
    skill_id: str | None = field(
        default_factory=lambda: os.environ.get("FOOTCOACH_SKILL_ID") or None
    )
    verify: bool = field(default_factory=lambda: os.environ.get("FOOTCOACH_VERIFY", "1") != "0")


#: Why the endpoint will not start: verification without the skill id would fail open.
MISSING_SKILL_ID = (
    "FOOTCOACH_SKILL_ID is not set. With request verification on, the endpoint only accepts"
    " requests for your skill: set FOOTCOACH_SKILL_ID=amzn1.ask.skill.<your-skill-id>"
    " (footcoach serve --skill-id), or turn verification off for local testing only"
    " (FOOTCOACH_VERIFY=0, footcoach serve --no-verify)."
)


#: Logged at start-up whenever verification is off: anyone who finds the URL drives the skill.
VERIFICATION_OFF = (
    "request verification is OFF (FOOTCOACH_VERIFY=0 or --no-verify): anyone who can reach this"
    " endpoint can send it any request. For local testing only."
)


class MissingSkillId(ValueError):
    """Verification is on but no skill id is set: refuse to start rather than fail open."""


def _bad_request(reason: str, status: int = 400) -> tuple[Response, int]:
    return jsonify(error=reason), status


def parse_envelope(skill: CustomSkill, data: dict[str, Any]) -> RequestEnvelope:
    """The SDK's request envelope for the body parse_body accepted, or MalformedRequest."""
    try:
        envelope = read_request(skill.serializer, data, RequestEnvelope)
    except Exception as exc:  # the SDK raises several types for shapes it cannot map
        raise MalformedRequest("request does not match the Alexa request format") from exc
    # getattr: a body with a "__dict__" key makes the SDK replace the object's attributes
    if envelope is None or getattr(envelope, "request", None) is None:
        raise MalformedRequest("request is missing")
    return envelope


#: The response envelope as JSON: compact, in the serializer's key order. Flask's ``jsonify``
#: sorts every object's keys first, which Alexa does not need (about a third of its cost).
_ANSWER = json.JSONEncoder(separators=(",", ":"))
JSON = "application/json"

#: What the skill answers to a request type newer than its SDK: a valid empty response.
EMPTY_RESPONSE = {"version": "1.0", "response": {}}


def create_app(
    config: WebConfig | None = None,
    *,
    skill: CustomSkill | None = None,
    verifier: RequestVerifier | None = None,
) -> Flask:
    config = config or WebConfig()
    if config.verify and verifier is None:
        if not config.skill_id:
            raise MissingSkillId(MISSING_SKILL_ID)
        verifier = RequestVerifier(skill_id=config.skill_id)
    if not config.verify:  # FOOTCOACH_VERIFY=0 copied into production must not go unnoticed
        log.warning(VERIFICATION_OFF)
    if skill is None:
        skill = build_skill(open_storage(config.db), skill_id=config.skill_id)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.extensions["footcoach_skill"] = skill
    app.register_blueprint(pages)  # GET /privacy and /terms

    @app.get("/health")
    def health() -> Response:
        return jsonify(status="ok")

    @app.post("/alexa")
    def alexa() -> Any:
        if request.mimetype != JSON:
            return _bad_request("content type must be application/json", 415)
        try:
            body = read_body(request.environ, MAX_BODY_BYTES)
        except UnreadableBody as exc:
            log.warning("refused a body: %s", exc.reason)
            return _bad_request(exc.reason, exc.status)
        verified = None
        if config.verify and verifier is not None:
            try:
                verified = verifier.verified_envelope(request.headers, body)
            except VerificationError as exc:
                log.warning("rejected a request: %s", exc.reason)
                return _bad_request(exc.reason)
        try:
            data = parse_body(body, verified)
            if not is_known_request_type(data):
                log.info("answered an unknown request type with an empty response")
                return jsonify(EMPTY_RESPONSE)
            envelope = parse_envelope(skill, data)
        except MalformedRequest as exc:
            return _bad_request(str(exc))
        try:
            response = skill.invoke(request_envelope=envelope, context=None)
        except SkillEventNotDone as exc:  # Alexa delivers the event again after an error
            log.error("answered 503 so Alexa retries: %s", exc)
            return _bad_request("the event could not be carried out; deliver it again", 503)
        except Exception as exc:  # e.g. an application id the SDK refuses
            log.warning("skill refused a request: %s", type(exc).__name__)
            return _bad_request("request refused by the skill")
        return Response(_ANSWER.encode(skill.serializer.serialize(response)), mimetype=JSON)

    @app.errorhandler(413)
    def too_large(_: Exception) -> Any:
        return _bad_request(f"body is larger than {MAX_BODY_BYTES} bytes", 413)

    return app
