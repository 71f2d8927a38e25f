"""A simulated Echo: sends real Alexa request JSON to the Flask endpoint, as Alexa would.

It starts from the recorded envelopes in tests/requests/, resolves slot values against the
committed interaction model the way Alexa's entity resolution does (synonym -> value id, or
ER_SUCCESS_NO_MATCH), carries session attributes between turns and opens a new session
after the skill ends one.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient

from skill.console.envelopes import Device, intent_request
from skill.console.understanding import load_model, words

REQUESTS = Path(__file__).parent / "requests"
MODEL = Path(__file__).resolve().parent.parent / "interaction_models" / "en-US.json"
SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"


def _load(name: str) -> dict[str, Any]:
    return json.loads((REQUESTS / name).read_text())


def slot_catalogue() -> dict[str, dict[str, tuple[str, str]]]:
    """Slot type -> spoken value -> (value id, value name), from the committed model, for
    the values that name one record (a name several share is in ``slot_matches``)."""
    return {
        kind: {spoken: found[0] for spoken, found in values.items() if len(found) == 1}
        for kind, values in slot_matches().items()
    }


def slot_matches() -> dict[str, dict[str, list[tuple[str, str]]]]:
    """Slot type -> spoken value -> every (value id, value name) it names: a synonym two
    values share resolves to both, as Alexa's entity resolution returns every match."""
    model = json.loads(MODEL.read_text())["interactionModel"]["languageModel"]
    matches: dict[str, dict[str, list[tuple[str, str]]]] = {}
    for slot_type in model["types"]:
        values = matches.setdefault(slot_type["name"], {})
        for value in slot_type["values"]:
            name = value["name"]["value"]
            for spoken in (name, *value["name"].get("synonyms", [])):
                values.setdefault(spoken.lower(), []).append((value["id"], name))
    return matches


def slot_types() -> dict[str, dict[str, str]]:
    """Intent -> slot name -> slot type, from the committed model."""
    model = json.loads(MODEL.read_text())["interactionModel"]["languageModel"]
    return {i["name"]: {s["name"]: s["type"] for s in i.get("slots", [])} for i in model["intents"]}


@dataclass
class Reply:
    """What Alexa would do with the skill's answer."""

    status: int
    body: dict[str, Any]
    raw: bytes

    @property
    def response(self) -> dict[str, Any]:
        return self.body.get("response", {})

    @property
    def ssml(self) -> str:
        return self.response.get("outputSpeech", {}).get("ssml", "")

    @property
    def text(self) -> str:
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", self.ssml)).strip()

    @property
    def reprompt(self) -> str:
        return self.response.get("reprompt", {}).get("outputSpeech", {}).get("ssml", "")

    @property
    def ended(self) -> bool:
        return bool(self.response.get("shouldEndSession"))

    @property
    def pauses_ms(self) -> list[int]:
        return [int(ms) for ms in re.findall(r'<break time="(\d+)ms"/>', self.ssml)]


class Echo:
    """One person's device talking to the skill's endpoint."""

    def __init__(
        self,
        client: FlaskClient,
        user_id: str = "amzn1.ask.account.TESTUSER",
        now: datetime | None = None,
        headers: dict[str, str] | None = None,
        locale: str = "en-US",
    ) -> None:
        self.client = client
        self.locale = locale
        self.user_id = user_id
        self.now = now or datetime.now(UTC)
        self.headers = headers or {}
        self.session_id: str | None = None
        self.attributes: dict[str, Any] = {}
        self.catalogue = slot_catalogue()
        self.matches = slot_matches()
        self.types = slot_types()
        self.last: Reply | None = None

    def envelope(self, request: dict[str, Any], template: str = "intent.json") -> dict[str, Any]:
        data = _load(template)
        new = self.session_id is None
        if new:
            self.session_id = f"amzn1.echo-api.session.{uuid.uuid4()}"
            self.attributes = {}
        data["session"].update(new=new, sessionId=self.session_id, attributes=self.attributes)
        for holder in (data["session"], data["context"]["System"]):
            holder["user"]["userId"] = self.user_id
        request.setdefault("requestId", f"amzn1.echo-api.request.{uuid.uuid4()}")
        request.setdefault("timestamp", self.now.strftime("%Y-%m-%dT%H:%M:%SZ"))
        request.setdefault("locale", self.locale)
        data["request"] = request
        return data

    def post(self, data: dict[str, Any] | bytes, **kwargs: Any) -> Reply:
        body = data if isinstance(data, bytes) else json.dumps(data).encode()
        headers = {**self.headers, **kwargs.pop("headers", {})}
        response = self.client.post(
            "/alexa", data=body, headers=headers, content_type="application/json", **kwargs
        )
        reply = Reply(response.status_code, response.get_json(silent=True) or {}, response.data)
        if reply.status == 200:
            self.attributes = reply.body.get("sessionAttributes") or {}
            if reply.ended:
                self.session_id = None
        self.last = reply
        return reply

    def launch(self) -> Reply:
        self.session_id = None
        return self.post(self.envelope({"type": "LaunchRequest"}, "launch.json"))

    def intent_request(self, intent: str, **spoken: str) -> dict[str, Any]:
        slots = {}
        for name, kind in self.types.get(intent, {}).items():
            slot: dict[str, Any] = {"name": name, "confirmationStatus": "NONE"}
            value = spoken.get(name)
            if value is not None and kind.startswith("AMAZON."):
                slot.update(value=value, source="USER")  # built-in: "PT10M", "5"; no resolutions
            elif value is not None:
                slot.update(value=value, source="USER")
                found = self.matches.get(kind, {}).get(value.lower(), [])
                authority = {
                    "authority": f"amzn1.er-authority.echo-sdk.{SKILL_ID}.{kind}",
                    "status": {"code": "ER_SUCCESS_MATCH" if found else "ER_SUCCESS_NO_MATCH"},
                }
                if found:
                    authority["values"] = [{"value": {"name": n, "id": i}} for i, n in found]
                slot["resolutions"] = {"resolutionsPerAuthority": [authority]}
            slots[name] = slot
        request = {
            "type": "IntentRequest",
            "dialogState": "COMPLETED",
            "intent": {"name": intent, "confirmationStatus": "NONE", "slots": slots},
        }
        return self.envelope(request)

    def say(self, intent: str, **spoken: str) -> Reply:
        """The person says something Alexa maps to ``intent`` (slot values as spoken)."""
        return self.post(self.intent_request(intent, **spoken))

    def hear(self, utterance: str) -> Reply:
        """The person says ``utterance`` inside the session; it is understood as ``footcoach
        chat`` understands it (the committed model of the device's locale) and sent as Alexa
        would send it."""
        understood = load_model(self.locale).intent_for(words(utterance))
        device = Device(self.user_id, SKILL_ID, self.locale)
        request = intent_request(understood, device, self.now)
        request["dialogState"] = "COMPLETED"
        return self.post(self.envelope(request))

    def finish_routine(self, limit: int = 200) -> Reply:
        """'Next' until the routine under way is finished; the last reply."""
        reply = self.say("AMAZON.NextIntent")
        for _ in range(limit):
            if self.attributes["position"]["finished"]:
                return reply
            reply = self.say("AMAZON.NextIntent")
        raise AssertionError(f"not finished after {limit} nexts")

    def end_session(self, reason: str = "USER_INITIATED") -> Reply:
        reply = self.post(self.envelope({"type": "SessionEndedRequest", "reason": reason}))
        self.session_id = None
        return reply

    def event(self, event_type: str) -> Reply:
        data = self.envelope(
            {"type": event_type, "body": {}, "eventCreationTime": self.now.isoformat()}
        )
        data.pop("session")
        self.session_id = None
        return self.post(data)

    def wait(self, seconds: float) -> None:
        """Time passes in the same session: a turn plays to its end, the person rests."""
        self.now += timedelta(seconds=seconds)

    def listen_to_end(self) -> None:
        """The last reply plays to its end, heard at a slow pace, before the person speaks."""
        assert self.last is not None, "nothing was said yet"
        words = len(self.last.text.split())
        self.wait(words * 60 / 140 + sum(self.last.pauses_ms) / 1000 + 2)

    def next_day(self, days: int = 1) -> None:
        self.now += timedelta(days=days)
        self.session_id = None

    def copy(self, client: FlaskClient) -> Echo:
        """Another device on the same account (same user, its own session)."""
        other = Echo(client, self.user_id, self.now, dict(self.headers))
        other.catalogue, other.matches, other.types = self.catalogue, self.matches, self.types
        return other
