"""Certification checks that talk to the skill: what a tester hears, turn by turn.

Amazon's voice interface and user experience tests (VUI, see ``certification``) are run by a
person with a device. Here the same conversations run through ``footcoach chat``'s machinery:
typed words are understood with the package's own interaction model, sent as real request
JSON to the skill object in this process (SQLite progress in a temporary folder), and the
responses are read as a device reads them. For every locale, and after every request the
model can produce (the launch and each intent, reached with its own sample words):

- **help** explains and asks: it names something to say that the model understands, ends
  with a question or an invitation to speak, and keeps the session open;
- **stop** and **cancel** end the session;
- **fallback** (words the model does not know) answers and asks;
- **repeat** says the last prompt again;
- no response leaves the session open without asking something and without a reprompt;
- every custom intent works as a one-shot request ("ask foot coach to ...");
- and the other requests an open session can get (a permission card's answer, a resumed
  session) are answered as carefully, and a session's end silently.

A skill error (a logged exception, a response a device would reject) is a failure too.
"""

from __future__ import annotations

import re
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skill.console.chat import Chat, Exchange, NotInSession
from skill.console.envelopes import Device, envelope, timestamp
from skill.console.responses import InvalidResponse, Reply, read_response
from skill.console.speech import Spoken
from skill.console.transport import InProcessSkill, SkillError
from skill.console.understanding import (
    BUILTIN_PHRASES,
    FALLBACK,
    InteractionModel,
    Understanding,
)
from skill.packaging.certification import Failure, Package, language_model

SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-0000certify"
#: Example values for Amazon's built-in slot types, as a person would say them.
BUILTIN_SLOT_WORDS = {
    "AMAZON.NUMBER": "ten",
    "AMAZON.DURATION": "ten minutes",
    "AMAZON.TIME": "seven in the morning",
    "AMAZON.DATE": "tomorrow",
}
#: An invitation to speak: the last sentence asks, or tells the person what to say.
INVITATION = re.compile(
    r"\?\s*$|\b(?:say|tell me|you can|just ask|try saying|ready)\b", re.IGNORECASE
)
#: Requests that are not intents but reach an open session: back from a permission card
#: (reminders) or from another skill, as Alexa sends them.
SESSION_REQUESTS: dict[str, dict[str, Any]] = {
    "Connections.Response": {
        "name": "AskFor",
        "status": {"code": "200", "message": "OK"},
        "payload": {
            "permissionScope": "alexa::alerts:reminders:skill:readwrite",
            "status": "ACCEPTED",
        },
        "token": "",
    },
    "SessionResumedRequest": {"cause": {"type": "ConnectionCompleted", "status": {"code": "200"}}},
}
#: A request starting with one of these is asked without "to": "ask foot coach how long".
QUESTION_WORDS = {
    "what", "what's", "how", "how's", "where", "which", "who", "when", "why",
    "is", "are", "can", "do", "does", "will",
}  # fmt: skip
HELP, STOP, CANCEL, REPEAT = (
    "AMAZON.HelpIntent",
    "AMAZON.StopIntent",
    "AMAZON.CancelIntent",
    "AMAZON.RepeatIntent",
)


def spoken_text(sounds: tuple[Any, ...]) -> str:
    return " ".join(sound.text for sound in sounds if isinstance(sound, Spoken))


def last_sentence(text: str) -> str:
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]
    return sentences[-1] if sentences else ""


def invites_reply(reply: Reply) -> bool:
    """The speech ends by asking something or saying what the person can say."""
    return bool(INVITATION.search(last_sentence(spoken_text(reply.speech))))


def suggested_phrases(text: str) -> list[str]:
    """What the speech tells the person to say: "you can say start, or list routines"."""
    phrases = []
    for clause in re.findall(r"(?<!to )\bsay,? ([^.?!;:]+)", text, re.IGNORECASE):
        quoted = re.findall(r"[\"\u201c]([^\"\u201d]+)[\"\u201d]", clause)
        for part in quoted or re.split(r",|\bor\b|\band\b", clause):
            phrase = part.strip(" '")
            if phrase:
                phrases.append(phrase)
    return phrases


def session_problem(reply: Reply) -> str | None:
    """VUI, session management: an open session asks something and has a reprompt."""
    if not reply.session_open:
        return None
    if not spoken_text(reply.reprompt):
        return "leaves the session open without a reprompt"
    if not invites_reply(reply):
        heard = last_sentence(spoken_text(reply.speech))
        return f"leaves the session open without a question: ends {heard!r}"
    return None


@dataclass
class Certifier:
    """One locale's certification tester: a fresh user and device for every conversation."""

    locale: str
    model: dict[str, Any]
    skill: InProcessSkill
    failures: list[Failure] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.understanding = InteractionModel(self.model)
        self.invocation = self.understanding.invocation_name

    def fail(self, rule: str, where: str, problem: str) -> None:
        failure = Failure(rule, f"{self.locale} {where}", problem)
        if failure not in self.failures:
            self.failures.append(failure)

    def conversation(self) -> Chat:
        device = Device(f"amzn1.ask.account.CERTIFY{uuid.uuid4().hex}", SKILL_ID, self.locale)
        return Chat(self.understanding, self.skill, device)

    def say(self, chat: Chat, words: str, where: str) -> Exchange | None:
        """One turn; a skill error or a session left open without a question is a failure.

        FALLBACK is sent as Alexa sends it, without words: what reaches it on a device is
        decided by Amazon's out-of-domain model, which the console does not have.
        """
        try:
            if words == FALLBACK:
                exchange = chat.send(Understanding(FALLBACK))
            else:
                exchange = chat.say(words)[-1]
        except (SkillError, InvalidResponse, NotInSession) as exc:
            self.fail("skill response", f"{where}, {words!r}", str(exc))
            return None
        problem = session_problem(exchange.reply)
        if problem:
            self.fail("session management", f"{where}, {words!r}", problem)
        return exchange

    # -- the words that reach each intent --------------------------------------------

    def utterances(self) -> dict[str, str]:
        """Intent -> words this locale's model understands as it (its first that works)."""
        found: dict[str, str] = {}
        candidates: list[tuple[str, str]] = []
        for intent in language_model(self.model)["intents"]:
            for sample in intent.get("samples", []):
                candidates.append((intent["name"], self.fill(intent["name"], sample)))
        for intent, phrases in BUILTIN_PHRASES.items():
            candidates += [(intent, phrase) for phrase in phrases]
        declared = {intent["name"] for intent in language_model(self.model)["intents"]}
        for intent, words in candidates:
            if intent in found or intent not in declared:
                continue
            if self.understanding.intent_for(words.split()).intent == intent:
                found[intent] = words
        return found

    def fill(self, intent: str, sample: str) -> str:
        """The sample with each slot said: a custom slot's first value, or a built-in's words."""
        language = language_model(self.model)
        values = {
            t["name"]: t["values"][0]["name"]["value"]
            for t in language.get("types", [])
            if t.get("values")
        }
        slots = next(
            (
                {s["name"]: s["type"] for s in i.get("slots", [])}
                for i in language["intents"]
                if i["name"] == intent
            ),
            {},
        )

        def said(match: re.Match[str]) -> str:
            kind = slots.get(match[1], "")
            return values.get(kind) or BUILTIN_SLOT_WORDS.get(kind, "ten")

        return re.sub(r"\{(\w+)\}", said, sample)

    # -- the checks -------------------------------------------------------------------

    def run(self) -> list[Failure]:
        utterances = self.utterances()
        declared = [intent["name"] for intent in language_model(self.model)["intents"]]
        for intent in declared:
            if intent not in utterances and intent != FALLBACK:
                self.fail("one-shot", intent, "no sample or standard phrase reaches this intent")
        for needed in (HELP, STOP, CANCEL, REPEAT):
            if needed not in utterances:
                self.fail("built-in intents", needed, "the model does not handle it")
        if FALLBACK not in declared:
            self.fail("built-in intents", FALLBACK, "the model does not declare it")
        utterances[FALLBACK] = FALLBACK
        if self.failures:
            return self.failures
        states = {"launch": None, **{i: w for i, w in utterances.items() if i != FALLBACK}}
        for state, words in states.items():
            self.after(state, words, utterances)
        self.one_shots(utterances, declared)
        self.other_requests()
        return self.failures

    def open(self, state: str, words: str | None) -> tuple[Chat, Exchange] | None:
        """A new session that has just answered ``words`` (None: only the launch), if open."""
        chat = self.conversation()
        exchange = self.say(chat, f"open {self.invocation}", "launch")
        if exchange is not None and not chat.session_open:
            self.fail("session management", "launch", "the launch closes the session")
            return None
        if exchange is not None and words is not None:
            exchange = self.say(chat, words, state)
        return (chat, exchange) if exchange is not None and chat.session_open else None

    def after(self, state: str, words: str | None, utterances: dict[str, str]) -> None:
        """Help, fallback, stop, cancel and repeat, each in a session that just had ``state``."""
        where = f"after {state}"
        for probe in (HELP, FALLBACK, STOP, CANCEL, REPEAT):
            opened = self.open(state, words)
            if opened is None:
                return  # the request under test ends the session: nothing follows it
            chat, before = opened
            exchange = self.say(chat, utterances[probe], where)
            if exchange is not None:
                self.judge(probe, where, before.reply, exchange.reply)

    def judge(self, probe: str, where: str, before: Reply, reply: Reply) -> None:
        if probe in (HELP, FALLBACK) and not (reply.session_open and spoken_text(reply.speech)):
            rule = "help" if probe == HELP else "fallback"
            self.fail(rule, where, "must answer and keep the session open for a reply")
        elif probe == HELP and not self.explains(spoken_text(reply.speech)):
            self.fail("help", where, "must say what to say: no 'say ...' that the model knows")
        elif probe in (STOP, CANCEL) and reply.session_open:
            self.fail("stop and cancel", where, f"{probe} leaves the session open")
        elif probe == REPEAT and reply.speech != before.speech:
            self.fail(
                "repeat",
                where,
                f"says {spoken_text(reply.speech)[:80]!r}, not the last prompt "
                f"{spoken_text(before.speech)[:80]!r}",
            )

    def explains(self, text: str) -> bool:
        """VUI, help: the help names at least one thing to say, and the model understands it."""
        return any(
            self.understanding.intent_for(phrase.lower().split()).intent not in (None, FALLBACK)
            for phrase in suggested_phrases(text)
        )

    def one_shots(self, utterances: dict[str, str], declared: list[str]) -> None:
        """VUI, one-shot: 'ask <invocation> to <request>' reaches each custom intent."""
        for intent in declared:
            if intent.startswith("AMAZON.") or intent not in utterances:
                continue
            chat = self.conversation()
            request = utterances[intent]
            phrases = [f"ask {self.invocation} to {request}", f"ask {self.invocation} {request}"]
            if request.split()[0] in QUESTION_WORDS:  # "ask foot coach what's next"
                phrases.reverse()
            for phrase in phrases:
                understood = self.understanding.understand(phrase)
                if understood.invoked and understood.intent == intent:
                    exchange = self.say(chat, phrase, f"one-shot {intent}")
                    if exchange is not None and not spoken_text(exchange.reply.speech):
                        self.fail("one-shot", intent, f"{phrase!r} gets no answer")
                    break
            else:
                self.fail("one-shot", intent, f"'ask {self.invocation} ...' does not reach it")

    def other_requests(self) -> None:
        """Every other request type a session can get is answered, and a session end silently."""
        for kind, fields in SESSION_REQUESTS.items():
            opened = self.open("launch", None)
            if opened is None:
                return
            chat, _ = opened
            assert chat.session is not None
            request = {
                "type": kind,
                "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
                "timestamp": timestamp(),
                "locale": self.locale,
                **fields,
            }
            try:
                body = self.skill.send(envelope(request, chat.device, chat.session))
                reply = read_response(body)
            except (SkillError, InvalidResponse) as exc:
                self.fail("skill response", kind, str(exc))
                continue
            problem = session_problem(reply)
            if problem:
                self.fail("session management", kind, problem)
        opened = self.open("launch", None)
        if opened is not None:
            try:
                ended = opened[0].hang_up()
            except (SkillError, InvalidResponse) as exc:
                self.fail("skill response", "SessionEndedRequest", str(exc))
                return
            if ended is not None and ended.reply.speech:
                self.fail("session management", "SessionEndedRequest", "must not answer it")


@contextmanager
def _skill() -> Iterator[InProcessSkill]:
    with tempfile.TemporaryDirectory(prefix="footcoach-certify-") as folder:
        yield InProcessSkill(Path(folder) / "progress.sqlite3")


def check_dialogs(package: Package, locales: list[str] | None = None) -> list[Failure]:
    """The dialog checks for every locale of ``package`` (or only ``locales``)."""
    failures: list[Failure] = []
    with _skill() as skill:
        for locale in locales or sorted(package.models):
            failures += Certifier(locale, package.models[locale], skill).run()
    return failures
