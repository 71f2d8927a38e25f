"""Bugs the endpoint fuzz found (tests/test_fuzz.py), each pinned by a readable example."""

from __future__ import annotations

import pytest
from echo import Echo
from test_dialogs import assert_playable

from skill.web.app import WebConfig, create_app


@pytest.fixture
def echo(tmp_path) -> Echo:
    app = create_app(WebConfig(db=str(tmp_path / "progress.sqlite3"), verify=False))
    return Echo(app.test_client())


TAMPERED_PROMPTS = {
    "unclosed": "<speak>Unclosed",
    "bare ampersand": "<speak>Fish & chips</speak>",
    "60 s break": '<speak>Too long. <break time="60s"/></speak>',
    "10.001 s break": '<speak><break time="10001ms"/></speak>',
    "over 8000 characters": "<speak>" + "la " * 3000 + "</speak>",
    "entity": '<!DOCTYPE speak [<!ENTITY a "aaaa">]><speak>&a;</speak>',
    "not speech": "<p>not speech</p>",
}


@pytest.mark.parametrize("ssml", TAMPERED_PROMPTS.values(), ids=TAMPERED_PROMPTS)
def test_repeat_never_replays_a_prompt_alexa_would_refuse(echo, ssml):
    """'Repeat' played whatever SSML came back in the session attributes.

    The session no longer carries speech at all (see skill/alexa/said.py): a prompt sent
    back is ignored and "repeat" rebuilds what the skill said.
    """
    welcome = echo.launch()
    echo.attributes["prompt"] = {"ssml": ssml, "reprompt": ssml}
    reply = echo.say("AMAZON.RepeatIntent")
    assert_playable(reply)
    assert (reply.ssml, reply.reprompt) == (welcome.ssml, welcome.reprompt)


def test_repeat_still_replays_what_was_said(echo):
    said = echo.say("StartRoutineIntent", routine="quick")
    again = echo.say("AMAZON.RepeatIntent")
    assert (again.ssml, again.reprompt) == (said.ssml, said.reprompt)


@pytest.mark.parametrize("target", [["ankle_circles"], {"id": "x"}], ids=["list", "object"])
def test_yes_to_an_offer_with_a_malformed_target_is_no_offer(echo, target):
    """A list or object as the offer's id crashed 'yes' (unhashable) into the error handler."""
    echo.launch()
    echo.attributes["offer"] = {"kind": "exercise", "id": target}
    reply = echo.say("AMAZON.YesIntent")
    assert_playable(reply)
    assert "something went wrong" not in reply.text
    assert "What would you like to do?" in reply.text


@pytest.mark.parametrize("resolved", [{}, None, {"value": None}], ids=["empty", "null", "no value"])
def test_a_match_without_a_value_is_an_unknown_routine(echo, resolved):
    """A resolution that matched but names no value crashed into the error handler."""
    request = echo.intent_request("StartRoutineIntent", routine="quick")
    slot = request["request"]["intent"]["slots"]["routine"]
    slot["resolutions"]["resolutionsPerAuthority"][0]["values"] = [resolved]
    reply = echo.post(request)
    assert_playable(reply)
    assert "I don't know that routine" in reply.text


def test_an_intent_request_without_an_intent_is_a_400(echo):
    """It reached the handlers and fell into the catch-all 'something went wrong'."""
    data = echo.intent_request("AMAZON.NextIntent")
    del data["request"]["intent"]
    reply = echo.post(data)
    assert reply.status == 400
    assert "request.intent is missing" in reply.body["error"]


def test_a_timestamp_on_the_calendars_first_day_does_not_break_the_streak(echo):
    """Counting the streak back from year 1 ran off the calendar (unverified requests only)."""
    data = echo.intent_request("ProgressIntent")
    data["request"]["timestamp"] = "0001-01-01T00:00:00Z"
    reply = echo.post(data)
    assert_playable(reply)
    assert "something went wrong" not in reply.text
    assert "haven't finished a routine" in reply.text


def test_a_body_with_a_dunder_dict_key_is_refused_not_a_500(echo):
    """The SDK's deserializer let a "__dict__" key replace the envelope's attributes."""
    data = echo.intent_request("StartRoutineIntent", routine="quick routine")
    data["__dict__"] = {"new": False}
    reply = echo.post(data)
    assert reply.status == 400
    assert "request is missing" in reply.body["error"]
