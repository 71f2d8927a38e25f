"""Handlers for the rest of a conversation: pain and safety, where was I, how to talk.

Pain is answered in context and never remembered: these handlers change nothing stored and
log nothing about what was said, so a person's record is the same whether or not they said
it. Talk settings (slower, concise) are remembered; 'forget my settings' clears them with
equipment and level.
"""

from __future__ import annotations

from dataclasses import replace

from ask_sdk_model import Response

from skill.alexa.conversation import PAIN_IN_ROUTINE, Conversation
from skill.alexa.handlers import ConversationHandler
from skill.alexa.plan_handlers import PLAN_OFFER, PlanningHandler, area_id, slot_id
from skill.engine.navigation import Coach
from skill.engine.planning import PlanRequest
from skill.progress import Settings

TALK_SETTINGS = (
    "slower",
    "normal_speed",
    "concise",
    "detailed",
    "quiet_counting",
    "counting",
    "louder",
)


class PainHandler(PlanningHandler):
    """'This hurts', 'my back hurts', 'I feel dizzy'.

    During a routine: stop and rest, the red flags, then skip or end. Outside one: a sentence
    of care, the red flags, and for a body area the offer of a gentle plan. Nothing is stored.
    """

    intents = ("PainIntent",)

    def reply(self, conversation: Conversation) -> Response:
        if conversation.in_routine:
            return conversation.say(PAIN_IN_ROUTINE)
        area = area_id(conversation, self.coach.library.catalogue.areas)
        if area is None:
            return conversation.say("pain_outside")
        settings = conversation.settings
        request = PlanRequest(
            have=frozenset(settings.have), lack=frozenset(settings.lack), area=area, level="gentle"
        )
        plan = self.planner.plan(request)
        if plan is not None:
            # the plan prefers the area but is named for none: what hurts is never kept,
            # not even in the routine id a saved position would hold
            conversation.make_offer(PLAN_OFFER, self.planner.unnamed(plan.routine_id))
        return conversation.say("pain_outside", area=area)


class RedFlagHandler(ConversationHandler):
    """'I feel dizzy', 'my chest feels tight', 'I've had a fall': not a moment to carry on.

    What to do now (sit or lie down somewhere safe; get help if it does not pass, or at once
    for chest pain, trouble breathing or a fall that hurt), then the session ends, keeping
    the place: the pain answer's "say skip to move on" must not follow these. Nothing about
    the body is stored.
    """

    intents = ("RedFlagIntent",)

    def reply(self, conversation: Conversation) -> Response:
        words = conversation.coach.words
        unfinished = conversation.unfinished
        if unfinished:
            conversation.set_position(unfinished)  # as of now: a part cut short is not done
            return conversation.goodbye(words.say("conversation.red_flag_in_routine"))
        return conversation.goodbye(words.say("conversation.red_flag"))


class OneSideHandler(ConversationHandler):
    """'I've only got one good leg', 'can I just do my right side?': work the side that can
    and rest through the other, hold on when standing, or keep to exercises done sitting.
    Like pain, what a body can do is not stored."""

    intents = ("OneSideIntent",)

    def reply(self, conversation: Conversation) -> Response:
        return conversation.say("conversation", key="one_side")


class WhereWasIHandler(ConversationHandler):
    """'Where was I': where in this routine, or the last unfinished one (offered to resume)."""

    intents = ("WhereWasIIntent",)

    def reply(self, conversation: Conversation) -> Response:
        if conversation.unfinished and not conversation.in_routine:
            conversation.make_offer("resume")
        return conversation.say("where_was_i")


class TalkSettingHandler(ConversationHandler):
    """'Slow down', 'normal speed', 'less talking', 'just count', 'more detail', 'you don't
    need to count for me', 'count out loud again': remembered.

    'Slow down' (and 'say that again more slowly') also says the last answer again, at the
    slower speed: it was too fast to follow. The other settings are acknowledged.
    """

    intents = ("TalkSettingIntent",)

    def reply(self, conversation: Conversation) -> Response:
        setting = slot_id(conversation, "setting", TALK_SETTINGS)
        if setting is None:
            return conversation.say("conversation", key="talk_not_understood")
        settings = conversation.settings
        if setting == "louder":  # the device's volume: the person's to change, not ours
            return conversation.say("conversation", key="talk_louder")
        if setting in ("slower", "normal_speed"):
            settings.slower = setting == "slower"
        elif setting in ("quiet_counting", "counting"):
            settings.counting = setting == "counting"
            conversation.count_as_set()
        else:
            settings.concise = setting == "concise"
            if not settings.concise:
                self._teach_again(conversation)
        if setting == "slower":  # too fast to follow: what was said, again, more slowly
            again = conversation.say_again_slower()
            if again is not None:
                return again
        return conversation.say("conversation", key=f"talk_{setting}")

    @staticmethod
    def _teach_again(conversation: Conversation) -> None:
        """'More detail': the routine's exercises are taught in full again from now on."""
        position = conversation.in_routine
        if position is not None:
            conversation.set_position(replace(position, coached=()))


class ForgetSettingsHandler(ConversationHandler):
    """'Forget my settings': equipment, level, per-exercise levels and talk settings cleared."""

    intents = ("ForgetSettingsIntent",)

    def reply(self, conversation: Conversation) -> Response:
        conversation.progress.settings = Settings()
        return conversation.say("conversation", key="forgot_settings")


SMALL_TALK = ("thanks", "greeting", "how_are_you", "praise")


class SmallTalkHandler(ConversationHandler):
    """'Thanks', 'hello', 'how are you', 'well done': a friendly word, then the same question.

    People talk to a coach as to a person; a "Sorry, I didn't get that" to a thank-you
    sounds rude, and mid-routine the answer keeps the routine's own question.
    """

    intents = ("SmallTalkIntent",)

    def reply(self, conversation: Conversation) -> Response:
        talk = slot_id(conversation, "talk", SMALL_TALK) or "thanks"
        return conversation.say("conversation", key=f"small_talk_{talk}")


def conversation_handlers(coach: Coach) -> list[ConversationHandler]:
    return [
        kind(coach)
        for kind in (
            PainHandler,
            RedFlagHandler,
            OneSideHandler,
            WhereWasIHandler,
            TalkSettingHandler,
            ForgetSettingsHandler,
            SmallTalkHandler,
        )
    ]
