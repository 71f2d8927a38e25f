"""A conversation with the skill as Alexa runs one: a session opened by name, kept, closed.

Alexa sends words to a skill only inside that skill's session, and a session starts only
when the person names the skill ("open foot coach", "ask foot coach to ..."). So "next"
typed before any session raises ``NotInSession``, just as "Alexa, next" would never reach
Foot Coach. A session carries the attributes the skill returned, ends when the skill says
``shouldEndSession: true`` or fails (Alexa drops the session then too), and a person who
walks away (Ctrl-D, the end of a script) ends it with a SessionEndedRequest, reason
USER_INITIATED. Naming the skill inside its own session starts a fresh one, after ending
the old one, so the skill never sees two sessions open at once.

Time is kept as a person at an Echo spends it. Alexa opens the microphone only when its
speech ends, so words said plainly come after the whole reply has played (its words and its
silences, ``played_seconds``), and the request carries that time: the skill then knows the
exercise was heard through, and "next" goes on. Words that begin with the wake word
("Alexa, pause") are said over the reply, halfway through it, as on a device. Without this
clock every line of a script reached the skill the instant the reply before it began, and
"next" after any question replayed the exercise just done.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from skill.console.envelopes import (
    Device,
    Session,
    envelope,
    intent_request,
    launch_request,
    session_ended_request,
)
from skill.console.responses import Reply, read_response
from skill.console.speech import played_seconds
from skill.console.transport import Endpoint
from skill.console.understanding import InteractionModel, Understanding
from skill.values import Value, value_class


class NotInSession(Exception):
    """Words that name no skill, said when no session is open: Alexa would not send them."""


@value_class
class Exchange(Value):
    """One request sent to the skill and the reply a device would play.

    ``understood`` is what the utterance meant; None for a session-ended request.
    """

    request: dict[str, Any]
    reply: Reply
    understood: Understanding | None = None


class Chat:
    """One person at one device, talking to the skill turn by turn."""

    #: The wake word: said first, the words reach the skill while the reply still plays.
    WAKE_WORD = "alexa"
    #: How long a person takes to answer once the microphone opens.
    ANSWER_SECONDS = 1.0

    def __init__(
        self,
        model: InteractionModel,
        endpoint: Endpoint,
        device: Device,
        now: datetime | None = None,
    ) -> None:
        self.model = model
        self.endpoint = endpoint
        self.device = device
        self.session: Session | None = None
        #: The time the next request is sent at; it moves on as replies play.
        self.now = now or datetime.now(UTC)
        self._playing = 0.0  # seconds the last reply takes to play

    def _listen(self, utterance: str) -> None:
        """Move the clock to when these words are said: after the last reply has played, or
        halfway through it when they begin with the wake word."""
        first = utterance.strip().lower().split(maxsplit=1)[:1]
        barge_in = first and first[0].strip(",.!?") == self.WAKE_WORD
        waited = self._playing / 2 if barge_in else self._playing + self.ANSWER_SECONDS
        self.now += timedelta(seconds=waited)
        self._playing = 0.0

    @property
    def session_open(self) -> bool:
        return self.session is not None

    def say(self, utterance: str) -> list[Exchange]:
        """Send what the person said; more than one exchange when it restarts the skill."""
        understood = self.model.understand(utterance)
        self._listen(utterance)
        exchanges = []
        if understood.invoked:
            ended = self.hang_up()
            if ended is not None:
                exchanges.append(ended)
            self.session = Session()
        elif self.session is None:
            name = self.model.invocation_name
            raise NotInSession(
                f"{utterance!r} would not reach the skill: no session is open."
                f' Start one with "open {name}" or "ask {name} to ...".'
            )
        request = (
            launch_request(self.device, self.now)
            if understood.is_launch
            else intent_request(understood, self.device, self.now)
        )
        exchanges.append(self._send(request, understood))
        return exchanges

    def send(self, understood: Understanding) -> Exchange:
        """Send an intent Alexa chose without words to match (its out-of-domain fallback)."""
        if self.session is None:
            raise NotInSession("no session is open")
        self._listen("")
        return self._send(intent_request(understood, self.device, self.now), understood)

    def hang_up(self) -> Exchange | None:
        """Walk away from an open session: the skill hears a USER_INITIATED session end."""
        if self.session is None:
            return None
        self._listen("")  # the reply plays to its end, unanswered
        return self._send(session_ended_request(self.device, now=self.now), None)

    def _send(self, request: dict[str, Any], understood: Understanding | None) -> Exchange:
        session = self.session
        assert session is not None, "requests are only sent inside a session"
        body = envelope(request, self.device, session)
        try:
            reply = read_response(self.endpoint.send(body))
        except Exception:
            self.session = None
            raise
        session.new = False
        self._playing = played_seconds(reply.speech)
        if reply.session_open and request["type"] != "SessionEndedRequest":
            session.attributes = reply.attributes
        else:
            self.session = None
        return Exchange(body, reply, understood)
