"""'Wait for me' and 'keep going': whether a screen moves on by itself, kept per person.

On a device with a screen the coaching document speaks the turn and moves on when it ends
(see ``display``). Some people want to say "next" themselves: "wait for me" turns that off
for them (it is kept with their progress, so it holds tomorrow too), "keep going" turns it
back on and carries on at once, which on a speaker is simply "next" (or "resume" when paused).
"""

from __future__ import annotations

from ask_sdk_model import Response

from skill.alexa.conversation import Conversation
from skill.alexa.handlers import ConversationHandler, NextHandler
from skill.alexa.said import Utterance, reply
from skill.words import words_for

WAIT, KEEP_GOING = "wait", "keep_going"


def _words(conversation: Conversation, key: str) -> Utterance:
    locale = getattr(conversation.input.request_envelope.request, "locale", None)
    return Utterance(words_for(locale).say(f"screens.{key}"))


@reply("hands_free_wait")
def hands_free_wait(conversation: Conversation) -> Utterance:
    return _words(conversation, "hands_free_wait")


@reply("hands_free_on")
def hands_free_on(conversation: Conversation) -> Utterance:
    return _words(conversation, "hands_free_on")


@reply("hands_free_which")
def hands_free_which(conversation: Conversation) -> Utterance:
    return _words(conversation, "hands_free_which")


class HandsFreeHandler(ConversationHandler):
    """'Wait for me' / 'keep going' (HandsFreeIntent, slot ``mode``: wait or keep_going)."""

    intents = ("HandsFreeIntent",)

    def reply(self, conversation: Conversation) -> Response:
        mode, _ = conversation.slot("mode")
        if mode == WAIT:
            conversation.progress.hands_free = False
            return conversation.say("hands_free_wait")
        if mode != KEEP_GOING:
            return conversation.say("hands_free_which")
        conversation.progress.hands_free = True
        position = conversation.unfinished
        if position is None:
            return conversation.say("hands_free_on")
        if position.paused:
            return conversation.speak_step(conversation.move("resume", position))
        return NextHandler(self.coach).reply(conversation)
