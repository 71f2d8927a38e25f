"""The request JSON Alexa sends: launch, intent and session-ended requests in their envelope.

The skill cannot tell the console from an Echo, so every field it (or the SDK) reads is
filled as Alexa fills it: the session with its id, ``new`` flag and the attributes the skill
returned last turn; ``context.System`` with application, user, device and API endpoint; the
request with id, ISO UTC timestamp and locale; and each slot with entity resolution
exactly as Alexa reports it (authority ``amzn1.er-authority.echo-sdk.<skill id>.<TYPE>``,
ER_SUCCESS_MATCH with the matched values, or ER_SUCCESS_NO_MATCH without any).

Pure: builds dictionaries, sends nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from skill.console.understanding import SlotValue, Understanding
from skill.values import Value, value_class

API_ENDPOINT = "https://api.amazonalexa.com"


@value_class
class Device(Value):
    """Who is talking to which skill, and in which language: the same on every turn."""

    user_id: str
    skill_id: str
    locale: str
    device_id: str = "amzn1.ask.device.FOOTCOACHCONSOLE"


@dataclass
class Session:
    """One open conversation with the skill; the attributes are what the skill returned."""

    session_id: str = field(default_factory=lambda: f"amzn1.echo-api.session.{uuid.uuid4()}")
    new: bool = True
    attributes: dict[str, Any] = field(default_factory=dict)


def timestamp(now: datetime | None = None) -> str:
    """Alexa's request timestamp: ISO 8601 in UTC with a "Z", to the second."""
    return (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _request(kind: str, device: Device, now: datetime | None, **fields: Any) -> dict[str, Any]:
    return {
        "type": kind,
        "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
        "timestamp": timestamp(now),
        "locale": device.locale,
        **fields,
    }


def envelope(request: dict[str, Any], device: Device, session: Session) -> dict[str, Any]:
    application = {"applicationId": device.skill_id}
    user = {"userId": device.user_id}
    return {
        "version": "1.0",
        "session": {
            "new": session.new,
            "sessionId": session.session_id,
            "application": application,
            "attributes": session.attributes,
            "user": user,
        },
        "context": {
            "System": {
                "application": application,
                "user": user,
                "device": {"deviceId": device.device_id, "supportedInterfaces": {}},
                "apiEndpoint": API_ENDPOINT,
            }
        },
        "request": request,
    }


def resolutions(slot: SlotValue, skill_id: str) -> dict[str, Any]:
    """Entity resolution for a filled slot, as Alexa reports it for a custom slot type."""
    authority: dict[str, Any] = {
        "authority": f"amzn1.er-authority.echo-sdk.{skill_id}.{slot.slot_type}",
        "status": {"code": "ER_SUCCESS_MATCH" if slot.resolved else "ER_SUCCESS_NO_MATCH"},
    }
    if slot.resolved:
        authority["values"] = [{"value": {"name": v.name, "id": v.id}} for v in slot.resolved]
    return {"resolutionsPerAuthority": [authority]}


def _slot(slot: SlotValue, skill_id: str) -> dict[str, Any]:
    """A slot as Alexa sends it: a built-in type's value is normalised ("PT10M") and has no
    entity resolution; a custom type's value is the words said, resolved to ids."""
    data: dict[str, Any] = {"name": slot.name, "confirmationStatus": "NONE"}
    if slot.spoken is not None and slot.value is not None:
        data["value"] = slot.value
        if not slot.is_builtin:
            data["resolutions"] = resolutions(slot, skill_id)
    return data


def launch_request(device: Device, now: datetime | None = None) -> dict[str, Any]:
    return _request("LaunchRequest", device, now)


def intent_request(
    understood: Understanding, device: Device, now: datetime | None = None
) -> dict[str, Any]:
    """An IntentRequest carrying every slot the intent declares, filled or not (as Alexa does)."""
    if understood.intent is None:
        raise ValueError("a launch has no intent; send launch_request instead")
    intent: dict[str, Any] = {"name": understood.intent, "confirmationStatus": "NONE"}
    if understood.slots:
        intent["slots"] = {s.name: _slot(s, device.skill_id) for s in understood.slots}
    return _request("IntentRequest", device, now, intent=intent)


def session_ended_request(
    device: Device, reason: str = "USER_INITIATED", now: datetime | None = None
) -> dict[str, Any]:
    return _request("SessionEndedRequest", device, now, reason=reason)
