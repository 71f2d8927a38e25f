"""The per-turn state a handler works with: position, progress, offers, and how to speak.

Session attributes hold plain JSON only (a position, the last prompt, an open offer), and a
client cannot be trusted to echo them faithfully, so everything read back is validated and
a bad value is treated as absent. Progress is loaded once per request by an interceptor and
kept in request attributes.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response
from ask_sdk_model.slu.entityresolution import StatusCode

from skill.engine.navigation import Coach, Position, Step
from skill.engine.ssml import escape_text, plain_ssml, to_ssml
from skill.engine.turn import Speech, Turn
from skill.library import base_routine_id, with_levels
from skill.progress import Progress, Settings
from skill.replies import DISCLAIMER

log = logging.getLogger(__name__)

POSITION = "position"
PROMPT = "prompt"
OFFER = "offer"
PROGRESS = "progress"
STORAGE_OK = "storage_ok"


class Conversation:
    """One request's view of the person: where they are and what they have done."""

    def __init__(self, handler_input: HandlerInput, coach: Coach) -> None:
        self.input = handler_input
        self.coach = coach
        in_session = handler_input.request_envelope.session is not None
        # skill events arrive outside any session: there is nothing to remember between turns
        self.session: dict[str, Any] = (
            handler_input.attributes_manager.session_attributes if in_session else {}
        )
        self.request_attributes = handler_input.attributes_manager.request_attributes

    # -- what we know ------------------------------------------------------------------

    @property
    def progress(self) -> Progress:
        return self.request_attributes.setdefault(PROGRESS, Progress())

    @property
    def today(self) -> date:
        timestamp = getattr(self.input.request_envelope.request, "timestamp", None)
        return timestamp.date() if isinstance(timestamp, datetime) else datetime.now(UTC).date()

    def _valid(self, data: Any) -> Position | None:
        if data is None:
            return None
        try:
            return Position.from_json(data, self.coach)
        except ValueError as exc:
            log.warning("ignoring a malformed position: %s", exc)
            return None

    @property
    def position(self) -> Position | None:
        """The session's position, else the saved one (a new session re-teaches exercises)."""
        current = self._valid(self.session.get(POSITION))
        if current is None:
            saved = self._valid(self.progress.position)
            if saved is None:
                return None
            current = Position(
                saved.routine_id, saved.item, saved.part, saved.paused, saved.finished
            )
        if self.known:
            current = replace(
                current, coached=tuple(dict.fromkeys((*current.coached, *self.known)))
            )
        return current

    @property
    def in_routine(self) -> Position | None:
        """A routine under way in this session (not one saved from an earlier session)."""
        current = self._valid(self.session.get(POSITION))
        return current if current is not None and not current.finished else None

    @property
    def settings(self) -> Settings:
        return self.progress.settings

    @property
    def known(self) -> tuple[str, ...]:
        """Exercises to coach with the short cue only: every one, in concise mode."""
        return tuple(self.coach.library.exercises) if self.settings.concise else ()

    def levelled(self, routine_id: str) -> str:
        """A routine id at the person's remembered levels: their own, and per exercise."""
        settings = self.settings
        try:
            routine = self.coach.library.plan(routine_id)
        except KeyError:
            return routine_id
        levels = {
            item.exercise.id: settings.exercise_levels.get(item.exercise.id, settings.level)
            for item in routine.items
        }
        return with_levels(routine_id, levels)

    def next_step(self) -> str:
        """The question that carries on what the person is doing: the routine's own, or the menu."""
        position = self.in_routine
        words = self.coach.words
        if position is None:
            return words.say("replies.what_now")
        return words.say(
            "navigation.say_resume" if position.paused else "coaching.ready"
        )

    @property
    def unfinished(self) -> Position | None:
        position = self.position
        return position if position and not position.finished else None

    def set_position(self, position: Position) -> None:
        self.session[POSITION] = position.to_json()
        self.progress.position = position.to_json()
        if not position.routine_id.startswith("exercise:"):
            self.progress.last_routine = base_routine_id(position.routine_id)

    @property
    def offer(self) -> dict[str, str] | None:
        offer = self.session.get(OFFER)
        valid = isinstance(offer, dict) and isinstance(offer.get("kind"), str)
        return offer if valid and isinstance(offer.get("id", ""), str) else None

    def make_offer(self, kind: str, target: str = "") -> None:
        self.session[OFFER] = {"kind": kind, "id": target}

    # -- slots -------------------------------------------------------------------------

    def slot(self, name: str) -> tuple[str | None, bool]:
        """(resolved content id or None, whether the person said something for the slot)."""
        intent = getattr(self.input.request_envelope.request, "intent", None)
        slots = getattr(intent, "slots", None)
        if not isinstance(slots, dict):
            return None, False
        slot = slots.get(name)
        if slot is None or not slot.value:
            return None, False
        authorities = (
            getattr(getattr(slot, "resolutions", None), "resolutions_per_authority", None) or []
        )
        for authority in authorities:
            code = getattr(getattr(authority, "status", None), "code", None)
            if code == StatusCode.ER_SUCCESS_MATCH and authority.values:
                return getattr(getattr(authority.values[0], "value", None), "id", None), True
        return None, True

    def slot_value(self, name: str) -> str | None:
        """What was heard for a built-in slot (a number, an ISO 8601 duration), unresolved."""
        intent = getattr(self.input.request_envelope.request, "intent", None)
        slots = getattr(intent, "slots", None)
        slot = slots.get(name) if isinstance(slots, dict) else None
        value = getattr(slot, "value", None)
        return value if isinstance(value, str) and value else None

    # -- speaking ----------------------------------------------------------------------

    def disclaimer_once(self) -> str:
        """The safety disclaimer, the first time this person hears anything coached."""
        if self.progress.disclaimer_heard:
            return ""
        self.progress.disclaimer_heard = True
        return DISCLAIMER

    def speak_step(self, step: Step, before: str = "", remark: str = "") -> Response:
        """Say an engine turn and keep the session open.

        ``before`` is said first (after the disclaimer, the first time); ``remark`` just
        before the turn's closing question, so the question stays the last thing heard.
        """
        self.set_position(step.position)
        self.session.pop(OFFER, None)
        lead = " ".join(t for t in (self.disclaimer_once(), before) if t)
        segments = step.turn.segments
        if remark:
            segments = (*segments[:-1], Speech(remark), *segments[-1:])
        inner = to_ssml(Turn(segments, step.turn.reprompt)).removeprefix("<speak>")
        ssml = "<speak>" + " ".join(p for p in (escape_text(lead), inner) if p)
        return self.input.response_builder.speak(ssml).ask(step.turn.reprompt).response

    def ask(self, text: str, reprompt: str | None = None) -> Response:
        """Say plain words and wait for an answer."""
        return (
            self.input.response_builder.speak(plain_ssml(text))
            .ask(reprompt or "What would you like to do?")
            .response
        )

    def goodbye(self, text: str) -> Response:
        self.session.pop(OFFER, None)
        return (
            self.input.response_builder.speak(plain_ssml(text))
            .set_should_end_session(True)
            .response
        )
