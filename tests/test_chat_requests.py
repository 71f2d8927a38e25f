"""The console's requests are Alexa's, and it reads responses the way a device does.

Requests are checked by the SDK that reads them in production (ask-sdk-model's
deserializer), responses by what a person would hear: words, and pauses added up.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import IntentRequest, RequestEnvelope
from ask_sdk_model.slu.entityresolution import StatusCode

from skill.console.envelopes import (
    Device,
    Session,
    envelope,
    intent_request,
    launch_request,
    session_ended_request,
)
from skill.console.responses import InvalidResponse, read_response
from skill.console.speech import Silence, Spoken, SsmlError, sounds, transcript
from skill.console.understanding import load_model

SKILL_ID = "amzn1.ask.skill.11111111-2222-3333-4444-555555555555"
DEVICE = Device(user_id="amzn1.ask.account.TESTER", skill_id=SKILL_ID, locale="en-GB")


def as_sdk_reads_it(data: dict) -> RequestEnvelope:
    return DefaultSerializer().deserialize(json.dumps(data), RequestEnvelope)


def test_an_intent_request_carries_entity_resolution_as_alexa_sends_it():
    understood = load_model("en-GB").understand("ask foot coach to start the quick one")
    data = envelope(intent_request(understood, DEVICE), DEVICE, Session())
    slot = data["request"]["intent"]["slots"]["routine"]
    assert slot == {
        "name": "routine",
        "value": "quick one",
        "confirmationStatus": "NONE",
        "resolutions": {
            "resolutionsPerAuthority": [
                {
                    "authority": f"amzn1.er-authority.echo-sdk.{SKILL_ID}.ROUTINE",
                    "status": {"code": "ER_SUCCESS_MATCH"},
                    "values": [{"value": {"name": "the quick routine", "id": "quick"}}],
                }
            ]
        },
    }
    read = as_sdk_reads_it(data).request
    assert isinstance(read, IntentRequest)
    authority = read.intent.slots["routine"].resolutions.resolutions_per_authority[0]
    assert authority.status.code == StatusCode.ER_SUCCESS_MATCH
    assert authority.values[0].value.id == "quick"


def test_an_unknown_value_is_sent_as_no_match_without_values():
    understood = load_model("en-US").understand("how do I do the moonwalk")
    data = envelope(intent_request(understood, DEVICE), DEVICE, Session())
    (authority,) = data["request"]["intent"]["slots"]["exercise"]["resolutions"][
        "resolutionsPerAuthority"
    ]
    assert authority["status"] == {"code": "ER_SUCCESS_NO_MATCH"}
    assert "values" not in authority
    read = as_sdk_reads_it(data).request.intent.slots["exercise"]
    assert read.value == "moonwalk"
    assert read.resolutions.resolutions_per_authority[0].status.code == (
        StatusCode.ER_SUCCESS_NO_MATCH
    )


@pytest.mark.parametrize(
    ("said", "slot", "value"),
    [
        ("I only have 5 minutes", "duration", "PT5M"),
        ("I have half an hour", "duration", "PT30M"),
        ("a ten minute routine for my knees", "minutes", "10"),
    ],
)
def test_a_built_in_slot_is_sent_normalised_without_entity_resolution(said, slot, value):
    understood = load_model("en-US").understand(said)
    data = envelope(intent_request(understood, DEVICE), DEVICE, Session())
    assert data["request"]["intent"]["name"] == "PlanRoutineIntent"
    sent = data["request"]["intent"]["slots"][slot]
    assert sent == {"name": slot, "value": value, "confirmationStatus": "NONE"}
    assert as_sdk_reads_it(data).request.intent.slots[slot].value == value


def test_an_unfilled_slot_is_sent_by_name_only():
    understood = load_model("en-US").understand("start")
    data = intent_request(understood, DEVICE)
    assert data["intent"]["slots"] == {"routine": {"name": "routine", "confirmationStatus": "NONE"}}


def test_the_envelope_has_every_field_alexa_fills():
    session = Session(attributes={"position": {"routine_id": "quick"}})
    now = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    data = envelope(launch_request(DEVICE, now), DEVICE, session)
    assert data["version"] == "1.0"
    assert data["session"] == {
        "new": True,
        "sessionId": session.session_id,
        "application": {"applicationId": SKILL_ID},
        "attributes": {"position": {"routine_id": "quick"}},
        "user": {"userId": "amzn1.ask.account.TESTER"},
    }
    system = data["context"]["System"]
    assert system["application"] == {"applicationId": SKILL_ID}
    assert system["user"] == {"userId": "amzn1.ask.account.TESTER"}
    assert system["device"]["deviceId"].startswith("amzn1.ask.device.")
    assert system["apiEndpoint"] == "https://api.amazonalexa.com"
    request = data["request"]
    assert request["type"] == "LaunchRequest"
    assert request["timestamp"] == "2026-03-04T05:06:07Z"
    assert request["locale"] == "en-GB"
    assert re.fullmatch(r"amzn1\.echo-api\.request\.[0-9a-f-]{36}", request["requestId"])
    assert re.fullmatch(r"amzn1\.echo-api\.session\.[0-9a-f-]{36}", session.session_id)
    read = as_sdk_reads_it(data)
    assert read.request.timestamp == now
    assert read.session.new is True


def test_a_session_ended_request_says_the_user_ended_it():
    data = as_sdk_reads_it(envelope(session_ended_request(DEVICE), DEVICE, Session(new=False)))
    assert data.request.reason.value == "USER_INITIATED"
    assert data.session.new is False


def test_a_launch_is_not_an_intent_request():
    with pytest.raises(ValueError, match="launch"):
        intent_request(load_model("en-US").understand("open foot coach"), DEVICE)


# -- what a device hears ----------------------------------------------------------------


def test_chained_breaks_are_one_pause():
    played = sounds(
        '<speak>Hold. <break time="10000ms"/><break time="5000ms"/> '
        '<break time="2s"/>Relax &amp; breathe.<break time="1500ms"/></speak>'
    )
    assert played == (Spoken("Hold."), Silence(17.0), Spoken("Relax & breathe."), Silence(1.5))
    assert transcript(played) == "Hold. [pause 17 s] Relax & breathe. [pause 1.5 s]"


def test_nested_tags_keep_their_words_and_breaks_in_order():
    played = sounds(
        "<speak><p>One <emphasis>two</emphasis></p><s>three<break strength='strong'/></s>"
        "<amazon:effect name='whispered'>four</amazon:effect></speak>"
    )
    assert transcript(played) == "One two three [pause 0.75 s] four"


@pytest.mark.parametrize(
    ("ssml", "reason"),
    [
        ("<speak>Hold <break time='12s'/></speak>", "longer than Alexa's 10 s"),
        ("<speak>Unclosed <break time='1s'></speak>", "not well-formed"),
        ("<say>Hello</say>", "<speak>"),
        ("<speak>" + "word " * 2000 + "</speak>", "over Alexa's 8000"),
        ("<speak><break time='soon'/></speak>", "unreadable break time"),
    ],
)
def test_ssml_alexa_would_refuse_is_an_error(ssml, reason):
    with pytest.raises(SsmlError, match=re.escape(reason)):
        sounds(ssml)


def test_a_response_is_read_as_speech_reprompt_and_session():
    reply = read_response(
        {
            "version": "1.0",
            "sessionAttributes": {"offer": {"kind": "resume"}},
            "response": {
                "outputSpeech": {"type": "SSML", "ssml": "<speak>Ready?</speak>"},
                "reprompt": {"outputSpeech": {"type": "PlainText", "text": "Say  yes."}},
                "shouldEndSession": False,
            },
        }
    )
    assert reply.speech == (Spoken("Ready?"),)
    assert reply.reprompt == (Spoken("Say yes."),)
    assert reply.session_open
    assert reply.attributes == {"offer": {"kind": "resume"}}


@pytest.mark.parametrize("should_end", [True, None])
def test_a_session_stays_open_only_when_the_skill_says_so(should_end):
    response = {"outputSpeech": {"type": "SSML", "ssml": "<speak>Bye.</speak>"}}
    if should_end is not None:
        response["shouldEndSession"] = should_end
    assert not read_response({"version": "1.0", "response": response}).session_open


@pytest.mark.parametrize(
    "body",
    [
        "not an object",
        {"response": {}},
        {"version": "1.0"},
        {"version": "1.0", "response": {"outputSpeech": {"type": "SSML"}}},
        {"version": "1.0", "response": {"outputSpeech": {"type": "SSML", "ssml": "<speak>"}}},
        {"version": "1.0", "sessionAttributes": [], "response": {}},
    ],
)
def test_a_response_a_device_could_not_use_is_invalid(body):
    with pytest.raises(InvalidResponse):
        read_response(body)
