"""PlannedSerializer reads and writes exactly what ask-sdk-core's DefaultSerializer does.

The suite's autouse fixture already compares both on every request and response of every
test (``model_json_check.py``); here are the shapes no conversation sends: odd timestamps and
machine time zones, malformed and hostile envelopes, and instances that shadow their class.
The end-to-end test plays one conversation on two endpoints, one with the SDK's serializer, and
compares the bytes of every answer.
"""

from __future__ import annotations

import copy
import json
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.attributes_manager import AttributesManager
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope, Response, ResponseEnvelope
from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective
from ask_sdk_model.services.reminder_management import ReminderRequest, Trigger, TriggerType
from ask_sdk_model.ui import SsmlOutputSpeech
from devices import Device
from echo import REQUESTS, Echo
from hypothesis import given
from hypothesis import strategies as st
from model_json_check import same_models

from skill.alexa.model_json import JsonTree, PlannedSerializer, read_model, read_request
from skill.alexa.skill_builder import build_skill
from skill.storage.sqlite import SQLitePersistenceAdapter
from skill.web.app import WebConfig, create_app

SDK = DefaultSerializer()


def outcome(read: Any) -> tuple[str, Any]:
    try:
        return "value", read()
    except Exception as exc:
        return "error", f"{type(exc).__name__}: {exc}"


def assert_reads_as_sdk(data: Any, obj_type: Any = RequestEnvelope) -> None:
    text = json.dumps(data)
    theirs = outcome(lambda: SDK.deserialize(text, obj_type))
    for ours in (
        outcome(lambda: PlannedSerializer().deserialize(text, obj_type)),
        outcome(lambda: PlannedSerializer().deserialize_data(copy.deepcopy(data), obj_type)),
    ):
        assert ours[0] == theirs[0], (ours, theirs)
        assert same_models(ours[1], theirs[1]), (ours, theirs)


def intent_envelope() -> dict[str, Any]:
    return json.loads((REQUESTS / "intent.json").read_text())


def test_the_checker_compares_every_request_of_a_test(_serializer_matches_sdk, client) -> None:
    Echo(client).launch()
    assert _serializer_matches_sdk.compared >= 2  # the envelope read, the response written


def test_the_checker_sees_a_difference_of_type_or_zone() -> None:
    assert not same_models({"a": 1}, {"a": 1.0})
    assert not same_models(
        datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=__import__("dateutil").tz.UTC)
    )
    assert not same_models({"a": 1, "b": 2}, {"b": 2, "a": 1})  # key order is JSON's order


@pytest.mark.parametrize(
    "stamp",
    [
        "2026-11-22T09:00:05Z",
        "2026-02-29T09:00:05Z",  # no such day: both refuse
        "2026-13-01T09:00:05Z",
        "2026-11-22T24:00:00Z",
        "2026-11-22T23:59:60Z",
        "1899-12-31T23:59:59Z",
        "0099-01-01T00:00:00Z",
        "2026-11-22T09:00:05.250Z",
        "2026-11-22T09:00:05+01:00",
        "2026-11-22T09:00:05",
        "2026-11-22",
        "not a time",
        "",
        12345,
        ["2026-11-22T09:00:05Z"],
    ],
)
@pytest.mark.parametrize(
    "zone_names", [("UTC", "UTC"), ("GMT", "BST"), ("EST", "EDT"), ("UTC", "BST")]
)
def test_a_timestamp_reads_as_dateutil_reads_it_in_any_machine_zone(
    stamp: Any, zone_names: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(time, "tzname", zone_names)  # dateutil reads "Z" by the machine's names
    data = intent_envelope()
    data["request"]["timestamp"] = stamp
    assert_reads_as_sdk(data)


HOSTILE = [
    lambda d: d["request"].update(type="NoSuchRequest"),
    lambda d: d["request"].pop("type"),
    lambda d: d.update(request=["IntentRequest"]),
    lambda d: d.update(request="IntentRequest"),
    lambda d: d.update(session=[1, 2]),
    lambda d: d.update(session="session"),
    lambda d: d["request"]["intent"].update(slots=[{"name": "x"}]),
    lambda d: d["request"]["intent"].update(slots="slots"),
    lambda d: d["request"]["intent"].update(confirmationStatus="MAYBE"),
    lambda d: d["request"].update(dialogState=7),
    lambda d: d["session"].update(new="yes"),
    lambda d: d["session"].update(new=1),
    lambda d: d["session"].update(attributes=[1]),
    lambda d: d["session"].update(attributes={"a": None, "b": [1, {"c": 2}]}),
    lambda d: d["context"]["System"].update(apiEndpoint=7),
    lambda d: d["context"]["System"].update(user=None),
    lambda d: d["context"].update(Viewports={"not": "a list"}),
    lambda d: d["context"].update(Viewports=[None, {"type": "APL", "dpi": "160"}]),
    lambda d: d["context"].update(Viewports=[{"type": "NoSuchViewport"}]),
    lambda d: d.update(__dict__={"request": None}),
    lambda d: d["request"].update(__class__="x"),
    lambda d: d["request"].update(unknownField={"kept": True}),
    lambda d: d.update(deserialized_types={"x": "str"}),
    lambda d: d["request"].update(requestId=["a"]),
    lambda d: d["request"].update(requestId={"a": 1}),
    lambda d: d["request"].update(locale=None),
    lambda d: d.update(version=1.0),
]


@pytest.mark.parametrize("spoil", range(len(HOSTILE)))
def test_a_malformed_or_hostile_envelope_reads_or_fails_as_the_sdk_does(spoil: int) -> None:
    data = intent_envelope()
    HOSTILE[spoil](data)
    assert_reads_as_sdk(data)


@pytest.mark.parametrize("data", [None, [], "text", 7, {}, {"request": None}])
def test_payloads_that_are_no_envelope_read_as_the_sdk_reads_them(data: Any) -> None:
    assert_reads_as_sdk(data)


def test_text_that_is_not_json_fails_as_the_sdk_fails() -> None:
    ours = outcome(lambda: PlannedSerializer().deserialize("{not json", RequestEnvelope))
    assert ours == outcome(lambda: SDK.deserialize("{not json", RequestEnvelope))
    assert ours[0] == "error"


def test_type_strings_read_as_the_sdk_reads_them() -> None:
    for payload, obj_type in [
        ([1, "2", None], "list[int]"),
        ({"a": "1"}, "dict(str, int)"),
        ([1, "a"], "list[int, str]"),
        ("x", "list[str]"),
        ({"a": 1}, "list[str]"),
        ([1], "dict(str, int)"),
        ("2026-11-22", "date"),
        (5, "object"),
        ("5", "float"),
        (True, "int"),
        ([1], "str"),
        ("COMPLETED", "ask_sdk_model.dialog_state.DialogState"),
        ("nope", "ask_sdk_model.dialog_state.DialogState"),
        ({}, "ask_sdk_model.no_such_module.Nothing"),
    ]:
        assert_reads_as_sdk(payload, obj_type)


def written_both_ways(obj: Any) -> None:
    ours = outcome(lambda: PlannedSerializer().serialize(obj))
    theirs = outcome(lambda: SDK.serialize(obj))
    assert ours[0] == theirs[0] and same_models(ours[1], theirs[1]), (ours, theirs)
    if ours[0] == "value":
        assert json.dumps(ours[1]) == json.dumps(theirs[1])  # the same JSON, key order too


def test_responses_and_api_requests_write_as_the_sdk_writes_them() -> None:
    speech = SsmlOutputSpeech(ssml="<speak>hi</speak>")
    written_both_ways(
        ResponseEnvelope(
            version="1.0",
            session_attributes={"at": [1, 2], "when": None},
            response=Response(
                output_speech=speech,
                should_end_session=False,
                directives=[RenderDocumentDirective(token="t", document={"type": "APL"})],
            ),
        )
    )
    written_both_ways(
        ReminderRequest(
            request_time=datetime(2026, 11, 22, 9, 0, 5, tzinfo=UTC),
            trigger=Trigger(object_type=TriggerType.SCHEDULED_ABSOLUTE, time_zone_id="UTC"),
        )
    )
    for value in [None, 1, "x", (1, "a"), date(2026, 1, 2), Decimal("2"), Decimal("2.5"), [None]]:
        written_both_ways(value)
    written_both_ways(object())  # not a model: both raise


def test_an_instance_shadowing_its_class_maps_writes_as_the_sdk_writes_it() -> None:
    read = PlannedSerializer().deserialize(
        json.dumps(
            {"type": "SSML", "ssml": "<speak>hi</speak>", "deserialized_types": {"ssml": "str"}}
        ),
        "ask_sdk_model.ui.ssml_output_speech.SsmlOutputSpeech",
    )
    written_both_ways(read)


def endpoint(db: Path, sdk: bool) -> Any:
    skill = build_skill(SQLitePersistenceAdapter(db))
    if sdk:
        skill.serializer = DefaultSerializer()
    return create_app(WebConfig(db=str(db), verify=False), skill=skill).test_client()


def test_an_endpoint_answers_byte_for_byte_as_with_the_sdks_serializer(tmp_path: Path) -> None:
    now = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    answers: dict[bool, list[bytes]] = {}
    for sdk in (False, True):
        device = Device(endpoint(tmp_path / f"{sdk}.sqlite3", sdk), screen=True, now=now)
        speaker = Device(device.client, now=now, user_id="amzn1.ask.account.OTHER")
        replies = [
            device.launch(),
            device.say("ExerciseHowToIntent", exercise="toe press"),
            device.say("StartRoutineIntent", routine="quick"),
            device.say("AMAZON.NextIntent"),
            device.say("AMAZON.RepeatIntent"),
            device.say("AMAZON.PauseIntent"),
            device.say("AMAZON.ResumeIntent"),
            device.say("ProgressIntent"),
            device.end_session(),
            speaker.launch(),
            speaker.say("ListRoutinesIntent"),
            speaker.say("AMAZON.HelpIntent"),
            speaker.say("AMAZON.FallbackIntent"),
            speaker.post(b'{"request": {"type": "LaunchRequest"}}'),
            speaker.say("AMAZON.StopIntent"),
        ]
        answers[sdk] = [reply.raw for reply in replies]
        assert all(reply.status in (200, 400) for reply in replies)
    assert answers[False] == answers[True]


def test_lambda_and_web_read_a_parsed_envelope_without_parsing_it_again() -> None:
    data = intent_envelope()
    assert same_models(
        read_model(PlannedSerializer(), data, RequestEnvelope),
        read_model(DefaultSerializer(), data, RequestEnvelope),
    )


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


def containers(value: Any) -> list[Any]:
    found = [value] if isinstance(value, dict | list) else []
    for item in value.values() if isinstance(value, dict) else value if found else []:
        found += containers(item)
    return found


@given(st.dictionaries(st.text(), JSON, max_size=5))
def test_session_attributes_are_deep_copied_as_json(attributes: dict[str, Any]) -> None:
    """The copy the SDK makes is equal, shares no dict or list, and holds plain dicts."""
    tree = JsonTree(json.loads(json.dumps(attributes)))
    copied = copy.deepcopy(tree)
    assert copied == attributes and type(copied) is dict
    ours, theirs = containers(copied), containers(tree)
    assert not {id(c) for c in ours} & {id(c) for c in theirs}
    assert all(type(c) in (dict, list) for c in ours)


def test_a_value_that_is_not_json_is_still_deep_copied() -> None:
    inner = {"when": datetime(2026, 12, 2, tzinfo=UTC), "set": {1, 2}}
    copied = copy.deepcopy(JsonTree({"odd": inner}))
    assert copied == {"odd": inner} and copied["odd"]["set"] is not inner["set"]


def test_a_handlers_change_to_session_attributes_never_reaches_the_envelope() -> None:
    data = intent_envelope()
    data["session"]["attributes"] = {"position": {"coached": ["toe_press"], "item": 0}}
    envelope = read_request(PlannedSerializer(), data, RequestEnvelope)
    manager = AttributesManager(envelope)
    manager.session_attributes["position"]["coached"].append("toe_walking")
    manager.session_attributes["last"] = {"reply": "step"}
    assert envelope.session.attributes == {"position": {"coached": ["toe_press"], "item": 0}}
    assert same_models(
        dict(envelope.session.attributes), read_model(SDK, data, RequestEnvelope).session.attributes
    )


@given(st.dictionaries(st.text(), JSON, max_size=6))
def test_session_attributes_write_as_the_sdk_writes_them(attributes: dict[str, Any]) -> None:
    """Plain JSON in a dict, a JsonTree (what handlers hold) and a dict holding models, dates
    and tuples: the same values, types and key order as the SDK's serializer."""
    written_both_ways(attributes)
    written_both_ways(JsonTree(attributes))
    written_both_ways(
        {
            **attributes,
            "speech": SsmlOutputSpeech(ssml="<speak>hi</speak>"),
            "when": date(2026, 1, 2),
            "pair": (1, {"a": Decimal("2.5")}),
            "kind": TriggerType.SCHEDULED_ABSOLUTE,
        }
    )
