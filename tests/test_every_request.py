"""Every request Alexa can send gets a valid answer, in every state, and never a 5xx."""

from __future__ import annotations

import json
import logging
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from echo import Echo, Reply
from progress_db import execute, query

from skill.progress import SCHEMA_VERSION
from skill.web.app import WebConfig, create_app

MODEL = Path(__file__).resolve().parent.parent / "interaction_models" / "en-US.json"
INTENTS = [
    i["name"] for i in json.loads(MODEL.read_text())["interactionModel"]["languageModel"]["intents"]
]
SORRY = "something went wrong"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "progress.sqlite3"


@pytest.fixture
def echo(db) -> Echo:
    return Echo(create_app(WebConfig(db=str(db), verify=False)).test_client())


def assert_valid(reply: Reply, *, speech: bool = True) -> None:
    assert reply.status == 200, reply.raw
    assert reply.body["version"] == "1.0"
    if speech:
        ET.fromstring(reply.ssml)
        assert SORRY not in reply.text
        if not reply.ended:
            assert reply.reprompt
    else:
        assert "outputSpeech" not in reply.response


def into_state(echo: Echo, state: str) -> None:
    if state in ("in a routine", "paused", "finished"):
        echo.say("StartRoutineIntent", routine="quick")
    if state == "paused":
        echo.say("AMAZON.PauseIntent")
    if state == "finished":
        while "great work" not in echo.last.text.lower():
            echo.say("AMAZON.NextIntent")
    if state == "after a how-to":
        echo.say("ExerciseHowToIntent", exercise="toe press")


STATES = ["no routine", "in a routine", "paused", "finished", "after a how-to"]
SLOT_VALUES = {"routine": "quick", "exercise": "ankle circles"}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("intent", INTENTS)
def test_every_intent_in_every_state(echo, intent, state):
    into_state(echo, state)
    reply = echo.say(intent, **SLOT_VALUES)
    assert_valid(reply)
    assert reply.text


@pytest.mark.parametrize("reason", ["USER_INITIATED", "EXCEEDED_MAX_REPROMPTS", "ERROR"])
def test_session_ended_for_every_reason(echo, caplog, reason):
    echo.say("StartRoutineIntent", routine="quick")
    data = echo.envelope({"type": "SessionEndedRequest", "reason": reason})
    if reason == "ERROR":
        data["request"]["error"] = {"type": "INVALID_RESPONSE", "message": "bad SSML detail"}
    with caplog.at_level(logging.INFO):
        reply = echo.post(data)
    assert_valid(reply, speech=False)
    if reason == "ERROR":
        assert "bad SSML detail" in caplog.text


SILENT = [
    "System.ExceptionEncountered",
    "AlexaSkillEvent.SkillEnabled",
    "AlexaSkillEvent.SkillPermissionAccepted",
    "AlexaSkillEvent.SkillPermissionChanged",
    "AlexaSkillEvent.SkillAccountLinked",
    "AudioPlayer.PlaybackStarted",
    "AudioPlayer.PlaybackFinished",
    "AudioPlayer.PlaybackStopped",
    "AudioPlayer.PlaybackNearlyFinished",
    "AudioPlayer.PlaybackFailed",
    "PlaybackController.PlayCommandIssued",
    "PlaybackController.NextCommandIssued",
    "PlaybackController.PreviousCommandIssued",
    "PlaybackController.PauseCommandIssued",
    "Some.FutureRequestType",
]


@pytest.mark.parametrize("request_type", SILENT)
def test_events_get_an_empty_response(echo, db, request_type):
    echo.say("StartRoutineIntent", routine="quick")
    before = query(db, "SELECT attributes FROM progress")
    data = echo.envelope({"type": request_type})
    if request_type.startswith("AlexaSkillEvent"):
        data.pop("session")
    if request_type == "System.ExceptionEncountered":
        data["request"]["error"] = {"type": "INVALID_RESPONSE", "message": "x"}
        data["request"]["cause"] = {"requestId": "r"}
    reply = echo.post(data)
    assert_valid(reply, speech=False)
    after = query(db, "SELECT attributes FROM progress")
    assert json.loads(after[0][0])["completions"] == json.loads(before[0][0])["completions"]


def test_connections_response_offers_to_carry_on(echo):
    echo.say("StartRoutineIntent", routine="quick")
    reply = echo.post(
        echo.envelope({"type": "Connections.Response", "name": "x", "status": {"code": "200"}})
    )
    assert_valid(reply)
    assert "carry on" in reply.text


@pytest.mark.parametrize(
    ("intent", "spoken", "verdict"),
    [
        ("StartRoutineIntent", {"routine": "quick"}, "YES"),
        ("ExerciseHowToIntent", {"exercise": "ballerina walk"}, "YES"),
        ("ExerciseHowToIntent", {"exercise": "moonwalk"}, "NO"),
        ("AMAZON.NextIntent", {}, "NO"),
    ],
)
def test_can_fulfill_intent(echo, intent, spoken, verdict):
    data = echo.intent_request(intent, **spoken)
    data["request"]["type"] = "CanFulfillIntentRequest"
    reply = echo.post(data)
    assert reply.status == 200
    assert reply.response["canFulfillIntent"]["canFulfill"] == verdict


def test_an_intent_not_in_the_model_gets_the_fallback(echo):
    reply = echo.say("TotallyUnknownIntent")
    assert_valid(reply)
    assert "didn't get that" in reply.text


def slot_variants():
    def missing(slot):
        return None

    def empty(slot):
        return {**slot, "value": ""}

    def no_resolutions(slot):
        return {k: v for k, v in slot.items() if k != "resolutions"}

    def two_authorities(slot):
        other = {"authority": "amzn1.er-authority.other", "status": {"code": "ER_SUCCESS_NO_MATCH"}}
        authorities = [other, *slot["resolutions"]["resolutionsPerAuthority"]]
        return {**slot, "resolutions": {"resolutionsPerAuthority": authorities}}

    return [missing, empty, no_resolutions, two_authorities]


@pytest.mark.parametrize("variant", slot_variants(), ids=lambda f: f.__name__)
def test_odd_slots_are_understood_or_refused_kindly(echo, variant):
    data = echo.intent_request("ExerciseHowToIntent", exercise="ankle circles")
    slots = data["request"]["intent"]["slots"]
    changed = variant(slots["exercise"])
    if changed is None:
        slots.pop("exercise")
    else:
        slots["exercise"] = changed
    reply = echo.post(data)
    assert_valid(reply)
    if variant.__name__ in ("two_authorities", "no_resolutions"):
        # with no resolution, the heard words still name it: they are looked through
        assert reply.text.startswith("Ankle circles")
    else:  # "how do I do this?" with nothing under way
        assert "You can say" in reply.text


@pytest.mark.parametrize(
    "attributes",
    [
        None,
        {"position": "classic"},
        {"position": {"routine_id": "classic", "item": 999, "part": 0}},
        {"position": {"routine_id": "no_such_routine"}},
        {"position": {"routine_id": "classic", "item": "1", "coached": [1, 2]}},
        {"prompt": 42, "offer": ["exercise"], "position": []},
        {"offer": {"kind": "exercise", "id": "moonwalk"}},
    ],
)
def test_malformed_session_attributes_recover_to_a_sane_position(echo, attributes):
    for intent in [
        "AMAZON.NextIntent",
        "AMAZON.RepeatIntent",
        "AMAZON.YesIntent",
        "AMAZON.ResumeIntent",
    ]:
        data = echo.intent_request(intent)
        data["session"]["attributes"] = attributes
        reply = echo.post(data)
        assert_valid(reply)


def test_old_stored_progress_is_migrated(echo, db):
    echo.launch()  # creates the table and a record
    old = {"disclaimer_heard": True, "completed": ["classic", "quick"], "dates": ["2026-11-20"]}
    execute(db, "UPDATE progress SET attributes = ?", (json.dumps(old),))
    echo.end_session()
    reply = echo.say("ProgressIntent")
    assert "finished 2 routines" in reply.text
    stored = json.loads(query(db, "SELECT attributes FROM progress")[0][0])
    assert stored["schema_version"] == SCHEMA_VERSION


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (
            lambda d: d["request"]["intent"]["slots"]["exercise"].update(value="x" * 100_000),
            "longer than",
        ),
        (
            lambda d: d["request"]["intent"]["slots"]["exercise"].update(value="ankle" * 200),
            "slot value",
        ),
        (
            lambda d: d["request"]["intent"]["slots"]["exercise"].update(value="ankle\x00"),
            "control",
        ),
        (lambda d: d.pop("session"), "session is missing"),
        (lambda d: d.pop("context"), "context.System is missing"),
        (lambda d: d["request"].pop("type"), "request.type is missing"),
        (lambda d: d.update(request="LaunchRequest"), "request.type is missing"),
    ],
)
def test_hostile_input_gets_a_4xx_and_stores_nothing(echo, db, change, reason):
    data = echo.intent_request("ExerciseHowToIntent", exercise="ankle circles")
    change(data)
    reply = echo.post(data)
    assert reply.status == 400
    assert reason in reply.body["error"]
    assert query(db, "SELECT * FROM progress") == []


def test_emoji_in_a_slot_is_just_an_unknown_name(echo):
    reply = echo.say("ExerciseHowToIntent", exercise="🦶 circles")
    assert_valid(reply)
    assert "I don't know that one yet" in reply.text


def test_logs_never_hold_user_ids_or_tokens(db, caplog):
    from test_dialogs import BrokenStorage

    from skill.alexa.skill_builder import build_skill

    echo = Echo(
        create_app(
            WebConfig(verify=False), skill=build_skill(BrokenStorage(db, "save"))
        ).test_client()
    )
    with caplog.at_level(logging.DEBUG):
        echo.say("StartRoutineIntent", routine="quick")
        echo.say("TotallyUnknownIntent")
        echo.end_session("ERROR")
    assert "could not save progress" in caplog.text
    assert echo.user_id not in caplog.text
    assert "local-test-token" not in caplog.text
