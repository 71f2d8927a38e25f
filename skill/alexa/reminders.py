"""A daily reminder to exercise, set, read and cancelled by voice through Alexa's Reminders API.

People who stick with exercise do it at the same time every day. "Remind me every day at
9 AM" creates a recurring Alexa reminder that says "Time for your foot exercises. Say: Alexa,
open Foot Coach."; "when is my reminder" reads it back; "cancel my reminder" deletes it.

Everything goes through ask-sdk-core's service clients (the Reminders API and the device
settings API for the time zone) over the skill's ``DefaultApiClient`` (``TimedApiClient``, in
``timed_api_client``, adds the timeout the SDK leaves out, so a slow API costs a sentence, not
Alexa's deadline).
Without the permission, Foot Coach asks for it by voice (``Connections.SendRequest`` AskFor);
the answer arrives as ``Connections.Response`` and, if granted, the reminder asked for is set
then (the request travels in the token). Refused or impossible by voice: one sentence and a
permissions card. Nothing here touches stored progress.
"""

from __future__ import annotations

import importlib
import sys
import time as clock
from datetime import UTC, datetime
from typing import Any

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import PermissionStatus, Response
from ask_sdk_model.interfaces.connections import SendRequestDirective
from ask_sdk_model.services import ServiceException
from ask_sdk_model.services.reminder_management import (
    AlertInfo,
    PushNotification,
    PushNotificationStatus,
    Recurrence,
    ReminderRequest,
    SpokenInfo,
    SpokenText,
    Trigger,
    TriggerType,
)
from ask_sdk_model.ui import AskForPermissionsConsentCard

from skill.alexa.conversation import Conversation
from skill.alexa.handlers import ConversationHandler
from skill.alexa.said import Utterance, last_asked, reply
from skill.engine.ssml import plain_ssml
from skill.lazy_log import logger
from skill.schedule import PARTS_OF_DAY, Schedule
from skill.words import DEFAULT_LOCALE, Words, words_for

log = logger(__name__)

# ask-sdk-model 1.82's AlertInfo names its spokenInfo type as a module that does not exist
# (``alert_info_spoken_info``), so reading back any reminder that has one (all of them) fails
# to deserialize. The type it means is ``spoken_info.SpokenInfo``: let the name resolve to it.
sys.modules.setdefault(
    "ask_sdk_model.services.reminder_management.alert_info_spoken_info",
    importlib.import_module("ask_sdk_model.services.reminder_management.spoken_info"),
)

#: The permission a skill needs to read and write its own reminders.
REMINDERS_SCOPE = "alexa::alerts:reminders:skill:readwrite"
#: Only this early in a request is the optional tidying (deleting older reminders) started:
#: the time zone and the new reminder (two calls) are what must fit in Alexa's deadline.
TIDY_BUDGET_SECONDS = 2.0
NO_PERMISSION_CODES = {401, 403}


def _words(conversation: Conversation) -> Words:
    locale = getattr(conversation.input.request_envelope.request, "locale", None)
    return words_for(locale)


def _when(words: Words, at: str, days: str) -> str:
    schedule = Schedule.from_token(f"reminder {at} {days}")
    if schedule is None:
        raise ValueError(f"not a schedule: {at} {days}")
    return words.say(f"reminders.when_{schedule.days}", clock=schedule.clock)


@reply("reminder_set")
def reminder_set(conversation: Conversation, at: str, days: str) -> Utterance:
    words = _words(conversation)
    return Utterance(words.say("reminders.set", when=_when(words, at, days)))


@reply("reminder_status")
def reminder_status(conversation: Conversation, at: str, days: str) -> Utterance:
    words = _words(conversation)
    return Utterance(words.say("reminders.status", when=_when(words, at, days)))


def _plain(kind: str) -> None:
    @reply(f"reminder_{kind}")
    def plain(conversation: Conversation) -> Utterance:
        words = _words(conversation)
        reprompt = f"reminders.{kind}_reprompt"  # a question of its own, asked again
        return Utterance(
            words.say(f"reminders.{kind}"), words.say(reprompt) if words.has(reprompt) else None
        )


PLAIN_KINDS = (
    "which_time",
    "status_none",
    "cancelled",
    "cancel_none",
    "cancel_no_permission",
    "no_permission",
    "unavailable",
)
for _kind in PLAIN_KINDS:
    _plain(_kind)


def has_permission(handler_input: HandlerInput) -> bool:
    user = getattr(handler_input.request_envelope.context.system, "user", None)
    scopes = getattr(getattr(user, "permissions", None), "scopes", None) or {}
    scope = scopes.get(REMINDERS_SCOPE)
    return getattr(scope, "status", None) == PermissionStatus.GRANTED


def ask_permission(conversation: Conversation, schedule: Schedule) -> Response:
    """Let Alexa ask for the permission by voice; the answer comes back with the schedule."""
    directive = SendRequestDirective(
        name="AskFor",
        payload={
            "@type": "AskForPermissionsConsentRequest",
            "@version": "1",
            "permissionScope": REMINDERS_SCOPE,
        },
        token=schedule.token,
    )
    # Amazon's pattern: the skill says why in one sentence, then Alexa asks for the permission
    words = _words(conversation)
    builder = conversation.input.response_builder.speak(
        plain_ssml(words.say("reminders.asking_permission"))
    )
    return builder.add_directive(directive).response


def no_permission(conversation: Conversation) -> Response:
    """One sentence, and a card in the Alexa app where the permission can be given."""
    response = conversation.say("reminder_no_permission")
    response.card = AskForPermissionsConsentCard(permissions=[REMINDERS_SCOPE])
    return response


class Reminders:
    """This request's view of the person's Foot Coach reminders, through the service clients."""

    def __init__(self, conversation: Conversation) -> None:
        self.conversation = conversation
        factory = conversation.input.service_client_factory
        if factory is None:
            raise ServiceException("no API client configured", 500, None, None)
        self.factory = factory
        self.started = clock.monotonic()

    def ours(self) -> list[tuple[str, Schedule]]:
        """(alert token, schedule) of every reminder that is on."""
        listed = self.factory.get_reminder_management_service().get_reminders()
        found = []
        for alert in getattr(listed, "alerts", None) or []:
            if str(getattr(alert, "status", "")).upper().endswith("COMPLETED"):
                continue
            rules = getattr(getattr(alert.trigger, "recurrence", None), "recurrence_rules", None)
            schedule = next((s for s in map(Schedule.from_rule, rules or []) if s), None)
            if schedule is not None:
                found.append((alert.alert_token, schedule))
        return found

    def create(self, schedule: Schedule) -> None:
        system = self.conversation.input.request_envelope.context.system
        device_id = getattr(system.device, "device_id", None)
        zone_name = self.factory.get_ups_service().get_system_time_zone(device_id)
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # here: off every start-up

        try:
            zone = ZoneInfo(str(zone_name))
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ServiceException(f"unknown time zone {zone_name!r}", 500, None, None) from exc
        request = self.conversation.input.request_envelope.request
        stamp = getattr(request, "timestamp", None)
        now = (stamp if isinstance(stamp, datetime) else datetime.now(UTC)).astimezone(zone)
        first = schedule.first_time(now.replace(tzinfo=None))
        locale = getattr(request, "locale", None) or DEFAULT_LOCALE
        text = words_for(locale).say("reminders.reminder_text")
        service = self.factory.get_reminder_management_service()
        created = service.create_reminder(
            ReminderRequest(
                request_time=now.replace(tzinfo=None).isoformat(timespec="milliseconds"),
                trigger=Trigger(
                    object_type=TriggerType.SCHEDULED_ABSOLUTE,
                    time_zone_id=str(zone_name),
                    recurrence=Recurrence(
                        start_date_time=first.isoformat(timespec="milliseconds"),
                        recurrence_rules=[schedule.rule],
                    ),
                ),
                alert_info=AlertInfo(
                    spoken_info=SpokenInfo(content=[SpokenText(locale=locale, text=text)])
                ),
                push_notification=PushNotification(status=PushNotificationStatus.ENABLED),
            )
        )
        self._tidy(getattr(created, "alert_token", None))

    def _tidy(self, kept: str | None) -> None:
        """One Foot Coach reminder at a time: delete earlier ones, if there is time to."""
        if kept is None or clock.monotonic() - self.started > TIDY_BUDGET_SECONDS:
            return
        service = self.factory.get_reminder_management_service()
        try:
            for token, _ in self.ours():
                if token != kept:
                    service.delete_reminder(token)
        except ServiceException as error:  # the new reminder is set; the old one stays
            log.warning("could not delete an earlier reminder: %s", error)

    def cancel(self) -> int:
        service = self.factory.get_reminder_management_service()
        found = self.ours()
        for token, _ in found:
            service.delete_reminder(token)
        return len(found)


def _failed(conversation: Conversation, error: ServiceException) -> Response:
    if getattr(error, "status_code", None) in NO_PERMISSION_CODES:
        return no_permission(conversation)
    log.warning("reminders API unavailable: %s", error)
    return conversation.say("reminder_unavailable")


def set_reminder(conversation: Conversation, schedule: Schedule) -> Response:
    try:
        Reminders(conversation).create(schedule)
    except ServiceException as error:
        return _failed(conversation, error)
    return conversation.say("reminder_set", at=f"{schedule.at:%H:%M}", days=schedule.days)


class SetReminderHandler(ConversationHandler):
    """'Remind me every day at 9 am', 'set a reminder for my exercises at 6 pm on weekdays'."""

    intents = ("SetReminderIntent",)

    def reply(self, conversation: Conversation) -> Response:
        intent = conversation.input.request_envelope.request.intent
        time_slot = (intent.slots or {}).get("time")
        days, _ = conversation.slot("days")
        schedule = Schedule.from_slots(getattr(time_slot, "value", None), days)
        if schedule is None:
            return conversation.say("reminder_which_time")
        if not has_permission(conversation.input):
            return ask_permission(conversation, schedule)
        return set_reminder(conversation, schedule)


class ReminderTimeHandler(SetReminderHandler):
    """'Nine AM' said alone: the answer to "at what time should I remind you?".

    Only that question makes a bare time mean a reminder; said out of the blue ("ten"), it
    gets a pointer to how to ask for one instead of a reminder nobody asked for, and a bare
    "morning" or "evening" is taken as the greeting it is.
    """

    intents = ("ReminderTimeIntent",)

    def reply(self, conversation: Conversation) -> Response:
        asked = last_asked(conversation.session)
        if asked is not None and asked.kind == "reminder_which_time":
            return super().reply(conversation)
        intent = conversation.input.request_envelope.request.intent
        said = getattr((intent.slots or {}).get("time"), "value", None)
        if said in PARTS_OF_DAY:  # "morning!" unasked is a greeting, not a time
            return conversation.say("conversation", key="small_talk_greeting")
        return conversation.say("conversation", key="time_without_question")


class ReminderQuestion(ConversationHandler):
    """Base: a question about the reminders that needs the permission and one API answer."""

    def reply(self, conversation: Conversation) -> Response:
        if not has_permission(conversation.input):
            return no_permission(conversation)
        try:
            return self.answer(conversation, Reminders(conversation))
        except ServiceException as error:
            return _failed(conversation, error)

    def answer(self, conversation: Conversation, reminders: Reminders) -> Response:
        raise NotImplementedError  # pragma: no cover - abstract


class ReminderStatusHandler(ReminderQuestion):
    """'When is my reminder?'"""

    intents = ("ReminderStatusIntent",)

    def answer(self, conversation: Conversation, reminders: Reminders) -> Response:
        found = reminders.ours()
        if not found:
            return conversation.say("reminder_status_none")
        _, schedule = found[0]
        return conversation.say("reminder_status", at=f"{schedule.at:%H:%M}", days=schedule.days)


class CancelReminderHandler(ReminderQuestion):
    """'Cancel my reminder.'"""

    intents = ("CancelReminderIntent",)

    def reply(self, conversation: Conversation) -> Response:
        if not has_permission(conversation.input):  # asking for a permission only to cancel:
            return conversation.say("reminder_cancel_no_permission")  # the app can do that
        return super().reply(conversation)

    def answer(self, conversation: Conversation, reminders: Reminders) -> Response:
        cancelled = reminders.cancel()
        return conversation.say("reminder_cancelled" if cancelled else "reminder_cancel_none")


class PermissionAnswerHandler(ConversationHandler):
    """The answer to Alexa's 'may Foot Coach set reminders?': set what was asked, or say how."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        request = handler_input.request_envelope.request
        return is_request_type("Connections.Response")(handler_input) and (
            getattr(request, "name", None) == "AskFor"
        )

    def reply(self, conversation: Conversation) -> Response:
        request = conversation.input.request_envelope.request
        payload = getattr(request, "payload", None) or {}
        schedule = Schedule.from_token(getattr(request, "token", None))
        if payload.get("status") != "ACCEPTED" or schedule is None:
            return no_permission(conversation)
        return set_reminder(conversation, schedule)


def reminder_handlers(coach: Any) -> list[ConversationHandler]:
    return [
        kind(coach)
        for kind in (
            SetReminderHandler,
            ReminderTimeHandler,
            ReminderStatusHandler,
            CancelReminderHandler,
            PermissionAnswerHandler,
        )
    ]
