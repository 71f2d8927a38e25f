"""The scripted conversation every benchmark plays: Alexa request envelopes, turn by turn.

One person opens the skill, asks how two exercises are done, walks the whole classic routine
with "next" (and, on the way, repeat, what's next, how long, back, pause and resume, how many
left), asks about progress and stops. Slot values arrive resolved to content ids, as Alexa's
entity resolution sends them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

SKILL_ID = "amzn1.ask.skill.bbbbbbbb-0000-4000-8000-000000000000"

#: (intent or request type, slots as {slot: (slot type, value id)}).
Turn = tuple[str, dict[str, tuple[str, str]]]

SCRIPT: list[Turn] = [
    ("LaunchRequest", {}),
    ("ExerciseHowToIntent", {"exercise": ("EXERCISE", "ankle_circles")}),
    ("ExerciseHowToIntent", {"exercise": ("EXERCISE", "towel_toe_curls")}),
    ("StartRoutineIntent", {"routine": ("ROUTINE", "classic")}),
    ("AMAZON.NextIntent", {}),
    ("AMAZON.RepeatIntent", {}),
    ("WhatsNextIntent", {}),
    ("AMAZON.NextIntent", {}),
    ("HowLongIntent", {}),
    ("AMAZON.PreviousIntent", {}),
    ("AMAZON.NextIntent", {}),
    ("AMAZON.PauseIntent", {}),
    ("AMAZON.ResumeIntent", {}),
    ("AMAZON.NextIntent", {}),
    ("ExercisesLeftIntent", {}),
    ("AMAZON.NextIntent", {}),
    ("AMAZON.NextIntent", {}),
    ("AMAZON.NextIntent", {}),
    ("ProgressIntent", {}),
    ("AMAZON.StopIntent", {}),
]


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _slot(name: str, kind: str, value_id: str) -> dict[str, Any]:
    authority = f"amzn1.er-authority.echo-sdk.{SKILL_ID}.{kind}"
    spoken = value_id.replace("_", " ")
    return {
        "name": name,
        "value": spoken,
        "confirmationStatus": "NONE",
        "source": "USER",
        "resolutions": {
            "resolutionsPerAuthority": [
                {
                    "authority": authority,
                    "status": {"code": "ER_SUCCESS_MATCH"},
                    "values": [{"value": {"name": spoken, "id": value_id}}],
                }
            ]
        },
    }


@dataclass
class Person:
    """One user's side of the conversation: their ids and the session Alexa keeps for them."""

    number: int
    now: datetime
    session_id: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)

    @property
    def user_id(self) -> str:
        return f"amzn1.ask.account.BENCH{self.number:06d}"

    def envelope(self, turn: Turn) -> dict[str, Any]:
        name, slots = turn
        new = self.session_id is None
        if new:
            self.session_id = f"amzn1.echo-api.session.{uuid.uuid4()}"
            self.attributes = {}
        request: dict[str, Any] = {
            "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
            "timestamp": _iso(self.now),
            "locale": "en-US",
        }
        if name == "LaunchRequest":
            request["type"] = name
        else:
            request |= {
                "type": "IntentRequest",
                "dialogState": "COMPLETED",
                "intent": {
                    "name": name,
                    "confirmationStatus": "NONE",
                    "slots": {slot: _slot(slot, *value) for slot, value in slots.items()},
                },
            }
        application = {"applicationId": SKILL_ID}
        user = {"userId": self.user_id}
        return {
            "version": "1.0",
            "session": {
                "new": new,
                "sessionId": self.session_id,
                "application": application,
                "user": user,
                "attributes": self.attributes,
            },
            "context": {
                "System": {
                    "application": application,
                    "user": user,
                    "device": {"deviceId": f"amzn1.ask.device.BENCH{self.number:06d}"},
                    "apiEndpoint": "https://api.amazonalexa.com",
                }
            },
            "request": request,
        }

    def heard(self, response: dict[str, Any]) -> None:
        """Keep what Alexa keeps between turns: session attributes, or a closed session."""
        self.attributes = response.get("sessionAttributes") or {}
        if response.get("response", {}).get("shouldEndSession"):
            self.session_id = None
