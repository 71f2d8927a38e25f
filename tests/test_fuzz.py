"""Fuzzing the endpoint: whatever arrives, the answer is a 4xx or a response Alexa would play.

Two sources of requests. ``model_envelopes`` builds well-formed requests from the committed
interaction model (every intent, slot values spoken as synonyms or as random text, any entity
resolution status) carrying session attributes a client could have tampered with (positions
in unknown routines or past the end, prompts that are not SSML, junk of every JSON type). Those
must all be answered with a 200 that plays, and never by the catch-all error handler.
``mutated_envelopes`` takes the recorded envelopes in tests/requests/ and drops, duplicates,
retypes and corrupts fields at random JSON paths, sometimes down to the bytes; those may be
refused with a 4xx, but never with a 5xx or a 200 that Alexa would reject.

CI runs a few hundred examples; tests/stress/run_fuzz.py runs the same checks 100,000 times.
"""

from __future__ import annotations

import json
import re
import sqlite3
import xml.etree.ElementTree as ET
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from echo import REQUESTS, Echo
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skill.alexa import replies_said  # noqa: F401  (registers the reply kinds)
from skill.alexa.said import MOVES, REPLIES, STEP
from skill.engine.navigation import Coach, Position
from skill.library import load_library
from skill.progress import Progress
from skill.web.app import WebConfig, create_app

#: Alexa's limits on a response.
MAX_RESPONSE_BYTES = 24 * 1024
MAX_SSML_CHARS = 8000
MAX_BREAK_MS = 10_000
#: What the catch-all ErrorHandler says: a sign that a handler crashed.
CRASH_APOLOGY = "something went wrong on my side"

CI_EXAMPLES = 500
FUZZ_SETTINGS = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}

COACH = Coach(load_library())
LIBRARY = COACH.library
SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"


# -- what a valid answer is ------------------------------------------------------------


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _break_ms(time: str | None) -> float | None:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s)", time or "")
    if match is None:
        return None
    return float(match[1]) * (1 if match[2] == "ms" else 1000)


def speech_problems(where: str, speech: Any) -> list[str]:
    """Why Alexa would refuse this outputSpeech object (empty when it plays)."""
    if not isinstance(speech, dict):
        return [f"{where} is not an object"]
    if speech.get("type") == "PlainText":
        return [] if isinstance(speech.get("text"), str) else [f"{where}.text is not a string"]
    ssml = speech.get("ssml")
    if speech.get("type") != "SSML" or not isinstance(ssml, str):
        return [f"{where} is neither PlainText nor SSML"]
    if len(ssml) > MAX_SSML_CHARS:
        return [f"{where} SSML is {len(ssml)} characters"]
    try:
        root = ET.fromstring(ssml)
    except ET.ParseError as exc:
        return [f"{where} SSML is not well-formed XML: {exc}"]
    problems = [] if root.tag == "speak" else [f"{where} SSML root is <{root.tag}>"]
    for pause in root.iter("break"):
        ms = _break_ms(pause.get("time"))
        if pause.get("time") is not None and (ms is None or ms > MAX_BREAK_MS):
            problems.append(f"{where} has <break time={pause.get('time')!r}>")
    return problems


def response_problems(status: int, raw: bytes) -> list[str]:
    """Why this HTTP answer is a failure: a 5xx, or a 200 that Alexa would not play."""
    if status >= 500:
        return [f"status {status}"]
    if status != 200:
        return []
    if len(raw) > MAX_RESPONSE_BYTES:
        return [f"response is {len(raw)} bytes"]
    try:
        body = json.loads(raw, parse_constant=_reject_constant)
    except ValueError as exc:
        return [f"response is not JSON: {exc}"]
    if not isinstance(body, dict) or not isinstance(body.get("response"), dict):
        return ["response has no response object"]
    problems = [] if isinstance(body.get("version"), str) else ["response has no version"]
    response = body["response"]
    if "outputSpeech" in response:
        problems += speech_problems("outputSpeech", response["outputSpeech"])
        if response.get("shouldEndSession") is not True:
            reprompt = response.get("reprompt")
            if not isinstance(reprompt, dict) or "outputSpeech" not in reprompt:
                problems.append("the session stays open without a reprompt")
            else:
                problems += speech_problems("reprompt", reprompt["outputSpeech"])
    return problems


@dataclass
class Endpoint:
    """The Flask app under fuzz, with its own SQLite file."""

    db: Path
    client: FlaskClient

    @classmethod
    def at(cls, db: Path) -> Endpoint:
        app = create_app(WebConfig(db=str(db), skill_id=None, verify=False))
        return cls(db, app.test_client())

    def post(self, body: dict[str, Any] | bytes) -> tuple[int, bytes]:
        reply = ECHO.copy(self.client).post(body)
        return reply.status, reply.raw

    def stored(self, user_id: str) -> Any:
        """The user's stored record (None if there is none); closed at once."""
        with closing(sqlite3.connect(self.db)) as connection:
            row = connection.execute(
                "SELECT attributes FROM progress WHERE user_key = ?", (user_id,)
            ).fetchone()
        return None if row is None else json.loads(row[0])


def stored_problems(record: Any) -> list[str]:
    """Why a stored record is not progress the skill could have saved (empty when it is)."""
    if record is None:
        return []
    if Progress.from_json(record).to_json() != record:
        return ["stored progress is not a clean progress record"]
    try:
        if record["position"] is not None:
            Position.from_json(record["position"], COACH)
    except ValueError as exc:
        return [f"stored position is not a real place: {exc}"]
    return []


def check_model_envelope(endpoint: Endpoint, envelope: dict[str, Any]) -> tuple[int, list[str]]:
    """A well-formed request: (status, problems). It needs a playable 200 from a handler, and
    what is stored for the user afterwards must be clean progress."""
    status, raw = endpoint.post(envelope)
    if status != 200:
        return status, [f"status {status}: {raw[:200]!r}"]
    problems = response_problems(status, raw)
    if CRASH_APOLOGY in raw.decode("utf-8", "replace"):
        problems.append("a handler crashed (the error handler answered)")
    user_id = envelope["context"]["System"]["user"]["userId"]
    return status, problems + stored_problems(endpoint.stored(user_id))


def check_mutated_envelope(endpoint: Endpoint, body: bytes) -> tuple[int, list[str]]:
    """Anything at all: (status, problems); a 4xx is fine, a 5xx or an unplayable 200 is not."""
    status, raw = endpoint.post(body)
    return status, response_problems(status, raw)


# -- JSON junk -------------------------------------------------------------------------

#: Any printable text, emoji and right-to-left marks included (real requests never hold
#: control characters: the endpoint refuses those, which the mutation fuzz covers).
unicode_text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=40
) | st.sampled_from(["", " ", "🦶🏽👣", "<speak>", "&amp;", "]]>", "\u202e", "null", "0"])
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from([-1, 2**31, 2**63, 10**30, -(10**30)])
    | st.floats(allow_nan=False, allow_infinity=False)
    | unicode_text
)
junk = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(unicode_text, inner, max_size=4),
    max_leaves=12,
)


def sometimes_junk(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(strategy, strategy, junk)


# -- session attributes: what a client might send back ---------------------------------

PLANS = sorted(LIBRARY.routines) + [f"exercise:{e}" for e in sorted(LIBRARY.exercises)]


@st.composite
def valid_positions(draw: st.DrawFn) -> dict[str, Any]:
    routine_id = draw(st.sampled_from(PLANS))
    routine = LIBRARY.plan(routine_id)
    item = draw(st.integers(0, len(routine.items) - 1))
    part = draw(st.integers(0, len(COACH.parts(routine, item)) - 1))
    return {
        "routine_id": routine_id,
        "item": item,
        "part": part,
        "paused": draw(st.booleans()),
        "finished": draw(st.booleans()),
        "coached": draw(st.lists(st.sampled_from(sorted(LIBRARY.exercises)), max_size=3)),
    }


indexes = st.integers(-3, 40) | st.sampled_from([2**31, 2**63, 10**30]) | junk
tampered_positions = st.fixed_dictionaries(
    {},
    optional={
        "routine_id": st.sampled_from(PLANS) | st.just("exercise:") | unicode_text | junk,
        "item": indexes,
        "part": indexes,
        "paused": sometimes_junk(st.booleans()),
        "finished": sometimes_junk(st.booleans()),
        "coached": sometimes_junk(st.lists(st.sampled_from(sorted(LIBRARY.exercises)) | junk)),
    },
)
positions = valid_positions() | tampered_positions | junk
speech_like = st.sampled_from(
    [
        "<speak>Say next when you're ready.</speak>",
        '<speak>Hold. <break time="5000ms"/> Relax.</speak>',
        '<speak>Too long. <break time="60s"/></speak>',
        "<speak>Unclosed",
        "<speak>Fish & chips</speak>",
        "<speak>" + "la " * 3000 + "</speak>",
        "plain words",
    ]
)
ABSENT = object()


def mostly_present(fields: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict]:
    """An object whose fields are each there three times in four (absent otherwise)."""
    maybe = {
        name: st.sampled_from([0, 1, 2, 3]).flatmap(
            lambda n, value=value: value if n else st.just(ABSENT)
        )
        for name, value in fields.items()
    }
    return st.fixed_dictionaries(maybe).map(
        lambda drawn: {name: value for name, value in drawn.items() if value is not ABSENT}
    )


prompts = sometimes_junk(
    mostly_present({"ssml": speech_like | unicode_text | junk, "reprompt": speech_like | junk})
)
offers = sometimes_junk(
    mostly_present(
        {
            "kind": st.sampled_from(["exercise", "resume"]) | unicode_text | junk,
            "id": st.sampled_from(sorted(LIBRARY.exercises)) | unicode_text | junk,
        }
    )
)
REPLY_KINDS = [*sorted(REPLIES), STEP]
step_starts = st.fixed_dictionaries(
    {}, optional={"item": indexes, "part": indexes, "paused": junk, "finished": junk}
)
lasts = sometimes_junk(
    mostly_present(
        {
            "reply": st.sampled_from(REPLY_KINDS) | unicode_text | junk,
            "move": st.sampled_from(sorted(MOVES)) | unicode_text | junk,
            "from": step_starts | junk,
            "coached": indexes,
            "exercise": st.sampled_from(sorted(LIBRARY.exercises)) | speech_like | junk,
            "streak": indexes,
            "completed": indexes,
        }
    )
)
session_attributes = st.tuples(
    mostly_present({"position": positions, "prompt": prompts, "offer": offers, "last": lasts}),
    st.dictionaries(unicode_text, junk, max_size=3),
).map(lambda drawn: {**drawn[1], **drawn[0]})


# -- requests built from the interaction model -----------------------------------------

ECHO = Echo(client=None)  # only builds envelopes; copy(client) posts them
INTENT_SLOTS = ECHO.types
ER_STATUSES = ["ER_SUCCESS_MATCH", "ER_SUCCESS_NO_MATCH", "ER_ERROR_TIMEOUT", "ER_ERROR_EXCEPTION"]
VALUE_IDS = sorted({v for values in ECHO.catalogue.values() for v, _ in values.values()})
USERS = [f"amzn1.ask.account.FUZZ{n}" for n in range(8)]
#: What Alexa sends for built-in slot types, and what a confused recogniser might.
BUILT_IN_VALUES = ["PT10M", "PT1H30M", "PT0S", "PT90S", "P1D", "5", "0", "-3", "999999", "?", ""]


@st.composite
def slots(draw: st.DrawFn, slot_type: str, name: str) -> dict[str, Any]:
    """A slot as Alexa fills it: a synonym resolved to its id, or anything else at all.

    A built-in type (AMAZON.DURATION, AMAZON.NUMBER) has a normalised value and no resolutions.
    """
    if slot_type.startswith("AMAZON."):
        value = draw(st.none() | st.sampled_from(BUILT_IN_VALUES) | unicode_text)
        filled: dict[str, Any] = {"name": name, "confirmationStatus": "NONE"}
        return filled if value is None else filled | {"value": value, "source": "USER"}
    spoken_values = sorted(ECHO.catalogue[slot_type])
    spoken = draw(st.none() | st.sampled_from(spoken_values) | unicode_text)
    slot: dict[str, Any] = {"name": name, "confirmationStatus": "NONE"}
    if spoken is None:
        return slot
    slot.update(value=spoken, source="USER")
    match = ECHO.catalogue[slot_type].get(spoken.lower())
    status = draw(
        st.sampled_from(ER_STATUSES)
        if draw(st.booleans()) or match is None
        else st.just("ER_SUCCESS_MATCH")
    )
    authority: dict[str, Any] = {
        "authority": f"amzn1.er-authority.echo-sdk.{SKILL_ID}.{slot_type}",
        "status": {"code": status},
    }
    if status == "ER_SUCCESS_MATCH" or draw(st.booleans()):
        value_id = draw(
            st.sampled_from([match[0]] if match else VALUE_IDS)
            | st.sampled_from(VALUE_IDS)
            | unicode_text
        )
        authority["values"] = [{"value": {"name": spoken, "id": value_id}}]
    if draw(st.integers(0, 9)):  # occasionally no resolutions at all
        slot["resolutions"] = {"resolutionsPerAuthority": [authority]}
    return slot


@st.composite
def intent_requests(draw: st.DrawFn) -> dict[str, Any]:
    intent = draw(st.sampled_from(sorted(INTENT_SLOTS)))
    filled = {
        name: draw(slots(slot_type, name)) for name, slot_type in INTENT_SLOTS[intent].items()
    }
    return {
        "type": "IntentRequest",
        "dialogState": draw(st.sampled_from(["STARTED", "IN_PROGRESS", "COMPLETED"])),
        "intent": {"name": intent, "confirmationStatus": "NONE", "slots": filled},
    }


session_ended_requests = st.builds(
    lambda reason, error: {"type": "SessionEndedRequest", "reason": reason, **error},
    st.sampled_from(["USER_INITIATED", "ERROR", "EXCEEDED_MAX_REPROMPTS"]),
    st.just({})
    | st.builds(
        lambda kind, message: {"error": {"type": kind, "message": message}},
        st.sampled_from(["INVALID_RESPONSE", "DEVICE_COMMUNICATION_ERROR", "ENDPOINT_TIMEOUT"]),
        unicode_text,
    ),
)
requests = st.one_of(
    st.just({"type": "LaunchRequest"}),
    intent_requests(),
    intent_requests(),
    intent_requests(),
    session_ended_requests,
    st.just({"type": "AlexaSkillEvent.SkillDisabled", "body": {}}),
)
timestamps = st.datetimes(datetime(2001, 1, 1), datetime(2099, 12, 31)).map(
    lambda moment: moment.replace(tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
)


@st.composite
def model_envelopes(draw: st.DrawFn) -> dict[str, Any]:
    """A well-formed request for any intent, from any user, with any session attributes."""
    request = draw(requests)
    request["timestamp"] = draw(timestamps)
    template = "launch.json" if request["type"] == "LaunchRequest" else "intent.json"
    envelope = ECHO.envelope(request, template)
    user_id = draw(st.sampled_from(USERS) | unicode_text.filter(bool))
    envelope["context"]["System"]["user"]["userId"] = user_id
    if request["type"].startswith("AlexaSkillEvent."):
        del envelope["session"]
    else:
        envelope["session"]["user"]["userId"] = user_id
        envelope["session"]["new"] = draw(st.booleans())
        envelope["session"]["attributes"] = draw(session_attributes)
    return envelope


# -- recorded requests, damaged --------------------------------------------------------

Path_ = tuple[str | int, ...]


def _recorded_seeds() -> list[dict[str, Any]]:
    recorded = [json.loads(p.read_text()) for p in sorted(REQUESTS.glob("*.json"))]
    mid_routine = json.loads((REQUESTS / "intent.json").read_text())
    mid_routine["request"]["intent"] = {"name": "AMAZON.NextIntent", "confirmationStatus": "NONE"}
    mid_routine["session"]["attributes"] = {
        "position": {"routine_id": "quick", "item": 0, "part": 0},
        "prompt": {"ssml": "<speak>Go.</speak>", "reprompt": "<speak>Next?</speak>"},
        "offer": {"kind": "exercise", "id": "ankle_circles"},
    }
    ended = json.loads((REQUESTS / "intent.json").read_text())
    ended["request"] = {**ended["request"], "type": "SessionEndedRequest", "reason": "ERROR"}
    del ended["request"]["intent"]
    return [*recorded, mid_routine, ended]


SEEDS = _recorded_seeds()


def json_paths(value: Any, path: Path_ = ()) -> list[Path_]:
    """Every path below ``value`` (keys and list indexes), parents before children."""
    found = [path]
    if isinstance(value, dict):
        for key, child in value.items():
            found += json_paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += json_paths(child, (*path, index))
    return found


def _parent(document: Any, path: Path_) -> Any:
    for step in path[:-1]:
        document = document[step]
    return document


def _corrupted(value: Any) -> st.SearchStrategy[Any]:
    if isinstance(value, str):
        return st.sampled_from(
            ["", value[: len(value) // 2], value.upper(), value * 3, "x" * 30_000, "\x00"]
        ) | unicode_text.map(lambda text: value + text)
    if isinstance(value, bool):
        return st.sampled_from([int(value), str(value).lower(), not value])
    if isinstance(value, int | float):
        return st.sampled_from([-value - 1, value * 10**20, 0.5, str(value)])
    return junk


@st.composite
def mutate(draw: st.DrawFn, document: Any) -> Any:
    """Apply one drop, duplicate, retype or corrupt at a random path (root may be replaced)."""
    path = draw(st.sampled_from(json_paths(document)))
    if not path:
        return draw(junk)
    parent, key = _parent(document, path), path[-1]
    operation = draw(st.sampled_from(["drop", "duplicate", "retype", "corrupt"]))
    if operation == "drop":
        del parent[key]
    elif operation == "duplicate" and isinstance(parent, list):
        parent.insert(key, json.loads(json.dumps(parent[key])))
    elif operation == "duplicate":
        parent[draw(unicode_text | st.just(str(key).upper()))] = parent[key]
    elif operation == "retype":
        parent[key] = draw(junk)
    else:
        parent[key] = draw(_corrupted(parent[key]))
    return document


@st.composite
def damaged_bytes(draw: st.DrawFn, body: bytes) -> bytes:
    cut = draw(st.integers(0, len(body)))
    return draw(
        st.sampled_from(
            [
                body[:cut],
                body[:cut] + b"\xff\xfe" + body[cut:],
                body[:cut] + body[cut + 1 :],
                body[:cut] + b"{" * 2000 + body[cut:],
                body.replace(b'"', b"'", 1),
            ]
        )
    )


@st.composite
def mutated_envelopes(draw: st.DrawFn) -> bytes:
    """A recorded envelope with one to five random mutations, sometimes damaged as bytes."""
    document = json.loads(json.dumps(draw(st.sampled_from(SEEDS))))
    for _ in range(draw(st.integers(1, 5))):
        document = draw(mutate(document))
    body = json.dumps(document, ensure_ascii=draw(st.booleans())).encode()
    if draw(st.integers(0, 9)) == 0:
        body = draw(damaged_bytes(body))
    return body


# -- the tests -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Endpoint:
    return Endpoint.at(tmp_path_factory.mktemp("fuzz") / "progress.sqlite3")


Check = Callable[[Endpoint, Any], tuple[int, list[str]]]


def fuzz(check: Check) -> Callable[[Endpoint, Any], None]:
    def run(endpoint: Endpoint, request: Any) -> None:
        _, problems = check(endpoint, request)
        assert problems == [], request

    return run


@settings(max_examples=CI_EXAMPLES, **FUZZ_SETTINGS)
@given(envelope=model_envelopes())
def test_every_well_formed_request_gets_a_playable_answer(endpoint, envelope):
    fuzz(check_model_envelope)(endpoint, envelope)


@settings(max_examples=CI_EXAMPLES, **FUZZ_SETTINGS)
@given(body=mutated_envelopes())
def test_damaged_requests_get_a_4xx_or_a_playable_answer(endpoint, body):
    fuzz(check_mutated_envelope)(endpoint, body)


def test_the_checker_catches_what_alexa_would_refuse():
    """The oracle itself: each of these answers would be refused by Alexa."""
    speech = {"type": "SSML", "ssml": "<speak>Hi</speak>"}
    good = {"version": "1.0", "response": {"outputSpeech": speech, "shouldEndSession": True}}
    assert response_problems(200, json.dumps(good).encode()) == []
    assert response_problems(400, b"{}") == []
    assert response_problems(500, b"") == ["status 500"]
    bad_speech = [
        "<speak>a & b</speak>",
        '<speak><break time="10001ms"/></speak>',
        '<speak><break time="11s"/></speak>',
        "<speak>" + "a" * 8000 + "</speak>",
        "<p>no speak root</p>",
    ]
    for ssml in bad_speech:
        response = {**good["response"], "outputSpeech": {"type": "SSML", "ssml": ssml}}
        body = {**good, "response": response}
        assert response_problems(200, json.dumps(body).encode()), ssml
    open_without_reprompt = {**good, "response": {**good["response"], "shouldEndSession": False}}
    assert response_problems(200, json.dumps(open_without_reprompt).encode())
    assert response_problems(200, b'{"version": "1.0", "response": {"x": NaN}}')
    assert response_problems(200, json.dumps({**good, "pad": "x" * 25_000}).encode())
