"""The daily reminder, through the real Flask endpoint, against a stand-in for Alexa's APIs.

Requests carry the stand-in's URL as ``context.System.apiEndpoint`` and its token as
``apiAccessToken``; the stand-in (tests/alexa_api.py) speaks HTTPS with the documented
shapes and checks the bearer token.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alexa_api import TIME_ZONE, TOKEN, AlexaApi
from devices import Device
from progress_db import query

from skill.alexa import api_client
from skill.alexa.reminders import REMINDERS_SCOPE
from skill.schedule import Schedule

ALEXA_DEADLINE_SECONDS = 8
SPOKEN_REMINDER = "Time for your foot exercises. Say: Alexa, open Foot Coach."


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[AlexaApi]:
    server = AlexaApi()
    server.start()
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(server.ca_file))
    # the stand-in is one more Alexa API host, for this test only
    hosts = (*api_client.ALEXA_API_ORIGINS, server.url)
    monkeypatch.setattr(api_client, "ALEXA_API_ORIGINS", hosts)
    yield server
    server.stop()


class Phone(Device):
    """A device whose requests point at the stand-in API, with or without the permission."""

    def __init__(self, client: Any, api: AlexaApi, granted: bool = True) -> None:
        super().__init__(client)
        self.api, self.granted = api, granted

    def envelope(self, request: dict[str, Any], template: str = "intent.json") -> dict[str, Any]:
        data = super().envelope(request, template)
        system = data["context"]["System"]
        system.update(apiEndpoint=self.api.url, apiAccessToken=TOKEN)
        status = "GRANTED" if self.granted else "DENIED"
        system["user"]["permissions"] = {"scopes": {REMINDERS_SCOPE: {"status": status}}}
        return data

    def remind(self, time: str | None, days: str | None = None):
        """'Remind me <days> at <time>': AMAZON.TIME as Alexa resolves it ("09:00")."""
        data = self.intent_request("SetReminderIntent", **({"days": days} if days else {}))
        slot = data["request"]["intent"]["slots"]["time"]
        if time is not None:
            slot.update(value=time, source="USER")
        return self.post(data)

    def permission_answer(self, status: str, token: str):
        return self.post(
            self.envelope(
                {
                    "type": "Connections.Response",
                    "name": "AskFor",
                    "status": {"code": "200", "message": "OK"},
                    "payload": {"permissionScope": REMINDERS_SCOPE, "status": status},
                    "token": token,
                }
            )
        )


def rules(api: AlexaApi) -> list[str]:
    return [r["trigger"]["recurrence"]["recurrenceRules"][0] for r in api.reminders.values()]


def test_remind_me_every_day_at_9_am_creates_a_daily_reminder(client, api) -> None:
    phone = Phone(client, api)
    reply = phone.remind("09:00", "every day")

    assert reply.text.startswith("OK. I'll remind you every day at 9 AM")
    [reminder] = api.reminders.values()
    trigger = reminder["trigger"]
    assert trigger["timeZoneId"] == TIME_ZONE  # from the device's settings
    assert trigger["recurrence"]["recurrenceRules"] == [
        "FREQ=DAILY;BYHOUR=9;BYMINUTE=0;BYSECOND=0;INTERVAL=1;"
    ]
    assert reminder["alertInfo"]["spokenInfo"]["content"] == [
        {"locale": "en-US", "text": SPOKEN_REMINDER}
    ]
    assert reminder["pushNotification"] == {"status": "ENABLED"}
    start = trigger["recurrence"]["startDateTime"]
    assert start.endswith("T09:00:00.000")


def test_a_reminder_at_6_pm_on_weekdays_recurs_monday_to_friday_and_replaces_the_old(
    client, api
) -> None:
    phone = Phone(client, api)
    phone.remind("09:00", "every day")
    reply = phone.remind("18:00", "weekdays")

    assert "on weekdays at 6 PM" in reply.text
    assert rules(api) == [
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=18;BYMINUTE=0;BYSECOND=0;INTERVAL=1;"
    ]


def test_when_is_my_reminder_reads_it_back_and_cancel_deletes_it(client, api) -> None:
    phone = Phone(client, api)
    assert "don't have a Foot Coach reminder" in phone.say("ReminderStatusIntent").text
    phone.remind("EV", "weekends")  # "in the evening"

    assert "at weekends at 6 PM" in phone.say("ReminderStatusIntent").text
    assert "cancelled" in phone.say("CancelReminderIntent").text
    assert api.reminders == {}
    assert "DELETE" in {method for method, _ in api.calls}
    assert "don't have a Foot Coach reminder to cancel" in phone.say("CancelReminderIntent").text


def test_without_permission_alexa_asks_by_voice_and_yes_sets_what_was_asked(client, api) -> None:
    phone = Phone(client, api, granted=False)
    asked = phone.remind("07:30", "weekdays")

    assert asked.text == "Foot Coach can remind you to do your exercises with an Alexa reminder."
    assert "reprompt" not in asked.response  # Alexa asks the question, then answers for us
    [directive] = asked.response["directives"]
    assert directive["type"] == "Connections.SendRequest" and directive["name"] == "AskFor"
    assert directive["payload"] == {
        "@type": "AskForPermissionsConsentRequest",
        "@version": "1",
        "permissionScope": REMINDERS_SCOPE,
    }
    assert api.calls == []  # nothing asked of the API without the permission

    phone.granted = True  # the person said yes: Alexa's next request carries the permission
    answered = phone.permission_answer("ACCEPTED", directive["token"])
    assert "on weekdays at 7:30 AM" in answered.text
    assert rules(api) == [
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=7;BYMINUTE=30;BYSECOND=0;INTERVAL=1;"
    ]


@pytest.mark.parametrize("answer", ["DENIED", "NOT_ANSWERED"])
def test_no_permission_is_one_sentence_and_a_permissions_card(client, api, answer) -> None:
    phone = Phone(client, api, granted=False)
    asked = phone.remind("09:00")
    token = asked.response["directives"][0]["token"]
    refused = phone.permission_answer(answer, token)

    assert refused.text.startswith("To set reminders, Foot Coach needs your permission")
    assert refused.response["card"] == {
        "type": "AskForPermissionsConsent",
        "permissions": [REMINDERS_SCOPE],
    }
    assert api.reminders == {}
    status = phone.say("ReminderStatusIntent")
    assert status.response["card"]["type"] == "AskForPermissionsConsent"
    # cancelling asks for no permission: any reminder can be deleted in the Alexa app
    cancel = phone.say("CancelReminderIntent")
    assert "Alexa app" in cancel.text and "card" not in cancel.response
    assert api.calls == []


def test_the_api_refusing_the_token_is_the_permission_sentence(client, api) -> None:
    api.granted = False  # the permission was withdrawn in the Alexa app since
    reply = Phone(client, api).remind("09:00", "every day")
    assert reply.text.startswith("To set reminders, Foot Coach needs your permission")
    assert reply.response["card"]["type"] == "AskForPermissionsConsent"
    assert api.reminders == {}


def stored_rows(db: Path) -> list[tuple]:
    return query(db, "SELECT user_key, attributes FROM progress")


@pytest.mark.parametrize("trouble", ["down", "slow"])
def test_api_down_or_slow_is_a_sentence_within_the_deadline_and_changes_nothing(
    client, api, db, trouble
) -> None:
    phone = Phone(client, api)
    phone.say("StartRoutineIntent", routine="quick")
    before = stored_rows(db)
    if trouble == "down":
        api.stop()
    else:
        api.delay_seconds = ALEXA_DEADLINE_SECONDS

    for ask in (
        lambda: phone.remind("09:00", "every day"),
        lambda: phone.say("ReminderStatusIntent"),
        lambda: phone.say("CancelReminderIntent"),
    ):
        started = time.monotonic()
        reply = ask()
        assert time.monotonic() - started < ALEXA_DEADLINE_SECONDS - 1
        assert reply.status == 200
        assert reply.text.startswith("Sorry, I can't reach your reminders right now.")
        assert reply.reprompt
    assert stored_rows(db) == before
    assert api.reminders == {}


def test_no_time_heard_asks_for_one(client, api) -> None:
    reply = Phone(client, api).remind(None)
    assert reply.text.startswith("At what time should I remind you?")
    assert api.calls == []


@pytest.mark.parametrize(
    ("spoken", "days", "rule"),
    [
        ("09:00", None, "FREQ=DAILY;BYHOUR=9;BYMINUTE=0;BYSECOND=0;INTERVAL=1;"),
        ("MO", "every_day", "FREQ=DAILY;BYHOUR=9;BYMINUTE=0;BYSECOND=0;INTERVAL=1;"),
        (
            "23:05",
            "weekends",
            "FREQ=WEEKLY;BYDAY=SA,SU;BYHOUR=23;BYMINUTE=5;BYSECOND=0;INTERVAL=1;",
        ),
    ],
)
def test_a_schedule_round_trips_through_its_rule_and_its_token(spoken, days, rule) -> None:
    schedule = Schedule.from_slots(spoken, days)
    assert schedule is not None and schedule.rule == rule
    assert Schedule.from_rule(rule) == schedule == Schedule.from_token(schedule.token)
    for bad in ("", "25:00", "reminder 09:00 sometimes", "9 am", "T09:00"):
        assert Schedule.from_slots(bad, None) is None
        assert Schedule.from_token(bad) is None


def test_the_skill_package_declares_the_reminders_permission() -> None:
    manifest = json.loads(
        (Path(__file__).parent.parent / "deploy" / "skill-package" / "skill.json").read_text()
    )["manifest"]
    assert {"name": REMINDERS_SCOPE} in manifest["permissions"]
    interfaces = manifest["apis"]["custom"]["interfaces"]
    assert any(i["type"] == "ALEXA_PRESENTATION_APL" for i in interfaces)


def test_a_time_said_alone_answers_at_what_time_and_sets_the_reminder(client, api) -> None:
    phone = Phone(client, api)
    phone.launch()
    asked = phone.hear("can you remind me to do my exercises")
    assert "what time" in asked.text.lower() and not api.reminders
    reply = phone.hear("nine o'clock in the morning")
    assert reply.text.startswith("OK. I'll remind you")
    assert rules(api) == ["FREQ=DAILY;BYHOUR=9;BYMINUTE=0;BYSECOND=0;INTERVAL=1;"]


def test_a_time_said_after_asking_to_hear_the_question_again_slower_still_answers_it(
    client, api
) -> None:
    phone = Phone(client, api)
    phone.launch()
    asked = phone.hear("can you remind me to do my exercises")
    again = phone.hear("say that again slower")
    assert again.text.endswith(asked.text) and not api.reminders
    reply = phone.hear("nine o'clock in the morning")
    assert reply.text.startswith("OK. I'll remind you")
    assert rules(api) == ["FREQ=DAILY;BYHOUR=9;BYMINUTE=0;BYSECOND=0;INTERVAL=1;"]


def test_a_time_said_out_of_the_blue_sets_no_reminder(client, api) -> None:
    phone = Phone(client, api)
    phone.launch()
    reply = phone.hear("at ten")
    assert not api.reminders
    assert "remind me" in reply.text.lower() and not reply.ended


def test_morning_said_out_of_the_blue_is_a_greeting(client, api) -> None:
    phone = Phone(client, api)
    phone.launch()
    reply = phone.hear("morning")
    assert not api.reminders
    assert reply.text.startswith("Hello")


# -- a forged apiEndpoint (tests/RESULTS.md, attacks) ---------------------------------------------


@pytest.fixture
def elsewhere(monkeypatch: pytest.MonkeyPatch) -> Iterator[AlexaApi]:
    """An HTTPS server the skill trusts the certificate of, but that is not an Alexa API host."""
    server = AlexaApi()
    server.start()
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(server.ca_file))
    yield server
    server.stop()


@pytest.mark.parametrize(
    "endpoint",
    [
        "{url}",
        "https://api.amazonalexa.com@127.0.0.1:{port}",
        "https://api.amazonalexa.com:443@127.0.0.1:{port}",
        "https://127.0.0.1:{port}#https://api.amazonalexa.com",
        "https://127.0.0.1:{port}/https://api.amazonalexa.com",
        "https://127.0.0.1:{port}?https://api.amazonalexa.com/",
    ],
)
@pytest.mark.parametrize("intent", ["SetReminderIntent", "ReminderStatusIntent"])
def test_a_forged_api_endpoint_is_never_called_with_the_persons_token(
    client, elsewhere, endpoint: str, intent: str
) -> None:
    """Before: the skill sent the request's token to whatever HTTPS host apiEndpoint named
    (a server-side request the attacker aimed, e.g. at hosts only the server can reach)."""
    phone = Phone(client, elsewhere)
    data = phone.intent_request(intent)
    if intent == "SetReminderIntent":
        data["request"]["intent"]["slots"]["time"].update(value="09:00", source="USER")
    forged = endpoint.format(url=elsewhere.url, port=elsewhere.port)
    data["context"]["System"]["apiEndpoint"] = forged
    reply = phone.post(data)

    assert elsewhere.calls == []
    assert "can't reach your reminders" in reply.text
