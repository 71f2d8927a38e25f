"""Handlers for the rest of a conversation: pain and safety, where was I, how to talk.

Pain is answered in context and never remembered: these handlers change nothing stored and
log nothing about what was said, so a person's record is the same whether or not they said
it. Talk settings (slower, concise) are remembered; 'forget my settings' clears them with
equipment and level.
"""

from __future__ import annotations

from ask_sdk_model import Response

from skill.alexa.conversation import POSITION, Conversation
from skill.alexa.handlers import ConversationHandler
from skill.alexa.plan_handlers import PLAN_OFFER, PlanningHandler, slot_id
from skill.engine.navigation import Coach
from skill.engine.planning import PlanRequest
from skill.progress import Settings

TALK_SETTINGS = ("slower", "normal_speed", "concise", "detailed")


class PainHandler(PlanningHandler):
    """'This hurts', 'my back hurts', 'I feel dizzy'.

    During a routine: stop and rest, the red flags, then skip or end. Outside one: a sentence
    of care, the red flags, and for a body area the offer of a gentle plan. Nothing is stored.
    """

    intents = ("PainIntent",)

    def reply(self, conversation: Conversation) -> Response:
        words = self.coach.words
        red_flags = words.say("conversation.red_flags")
        if conversation.in_routine:
            text = " ".join(
                (
                    words.say("conversation.pain_stop"),
                    red_flags,
                    words.say("conversation.pain_offer_skip"),
                )
            )
            return conversation.ask(text, words.say("conversation.pain_offer_skip_reprompt"))
        care = f"{words.say('conversation.pain_care')} {red_flags}"
        area = slot_id(conversation, "area", self.coach.library.catalogue.areas)
        if area is None:
            what_now = words.say("replies.what_now")
            return conversation.ask(
                f"{care} {words.say('conversation.pain_rest_open', what_now=what_now)}"
            )
        # the plan prefers the area but is named for none: what hurts is never kept, even
        # in the routine id a saved position would hold
        settings = conversation.settings
        request = PlanRequest(
            have=frozenset(settings.have),
            lack=frozenset(settings.lack),
            area=area,
            level="gentle",
        )
        plan = self.planner.plan(request)
        if plan is None:
            return conversation.ask(f"{care} {words.say('replies.what_now')}")
        conversation.make_offer(PLAN_OFFER, self.planner.unnamed(plan.routine_id))
        offer = words.say(
            "conversation.pain_offer_gentle", area=words.say(f"plans.for_area_{area}")
        )
        return conversation.ask(
            f"{care} {offer}", words.say("conversation.pain_offer_gentle_reprompt")
        )


class WhereWasIHandler(ConversationHandler):
    """'Where was I': where in this routine, or the last unfinished one (offered to resume)."""

    intents = ("WhereWasIIntent",)

    def reply(self, conversation: Conversation) -> Response:
        words = self.coach.words
        position = conversation.position
        what_now = words.say("replies.what_now")
        if position is None:
            return conversation.ask(words.say("conversation.where_nothing", what_now=what_now))
        routine = self.coach.routine(position)
        exercise = routine.items[position.item].exercise
        single = len(routine.items) == 1
        if position.finished:
            return conversation.ask(
                words.say("conversation.where_finished", routine=routine.name, what_now=what_now)
            )
        if POSITION in conversation.session and conversation.in_routine:
            key = "conversation.where_now_single" if single else "conversation.where_now"
            text = words.say(
                key,
                number=position.item + 1,
                count=len(routine.items),
                exercise=exercise.name,
                routine=routine.name,
            )
            return conversation.ask(f"{text} {conversation.next_step()}")
        conversation.make_offer("resume")
        key = "conversation.where_saved_single" if single else "conversation.where_saved"
        return conversation.ask(
            words.say(key, exercise=exercise.name, routine=routine.name),
            words.say("conversation.resume_reprompt"),
        )


class TalkSettingHandler(ConversationHandler):
    """'Slow down', 'normal speed', 'less talking', 'just count', 'more detail': remembered."""

    intents = ("TalkSettingIntent",)

    def reply(self, conversation: Conversation) -> Response:
        words = self.coach.words
        setting = slot_id(conversation, "setting", TALK_SETTINGS)
        if setting is None:
            return conversation.ask(words.say("conversation.talk_not_understood"))
        settings = conversation.settings
        if setting in ("slower", "normal_speed"):
            settings.slower = setting == "slower"
        else:
            settings.concise = setting == "concise"
            if not settings.concise:
                self._teach_again(conversation)
        return conversation.ask(
            f"{words.say(f'conversation.talk_{setting}')} {conversation.next_step()}"
        )

    @staticmethod
    def _teach_again(conversation: Conversation) -> None:
        """'More detail': exercises in this routine are taught in full again from now on."""
        position = conversation.in_routine
        if position is not None:
            conversation.session[POSITION] = {**position.to_json(), "coached": []}


class ForgetSettingsHandler(ConversationHandler):
    """'Forget my settings': equipment, level, per-exercise levels and talk settings cleared."""

    intents = ("ForgetSettingsIntent",)

    def reply(self, conversation: Conversation) -> Response:
        conversation.progress.settings = Settings()
        text = self.coach.words.say("conversation.forgot_settings")
        return conversation.ask(f"{text} {conversation.next_step()}")


def conversation_handlers(coach: Coach) -> list[ConversationHandler]:
    return [
        kind(coach)
        for kind in (PainHandler, WhereWasIHandler, TalkSettingHandler, ForgetSettingsHandler)
    ]
