"""Show on the screen what was said, on devices that have one; speakers get what they got.

A response interceptor, so no handler changes: it reads the step the conversation spoke (or
the intent that was answered) and adds the matching APL screen. Only where the request's
``supportedInterfaces`` has ``Alexa.Presentation.APL``; everywhere else the response is left
exactly as the handler built it.

Hands-free: on a screen, a coaching step is spoken by the document (see ``screens``), which
moves on by itself when the turn ends. The response then carries no outputSpeech and leaves
``shouldEndSession`` unset, so the session stays open without opening the microphone. A
person who said "wait for me" (a setting kept with their progress) gets the turn spoken as
on a speaker, with the screen beside it, and says "next" themselves.
"""

from __future__ import annotations

import json

from ask_sdk_core.dispatch_components import AbstractResponseInterceptor
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import Response

from skill.alexa import buttons
from skill.alexa.conversation import SPOKEN_STEP, Conversation
from skill.alexa.plan_handlers import PLAN_OFFER
from skill.alexa.visual import COACHING_TOKEN, has_screen, showing
from skill.engine.navigation import Coach
from skill.words import Words, words_for

#: Alexa refuses a response over 24 KB; the envelope around the directives takes a little.
MAX_RESPONSE_BYTES = 24 * 1024
RESPONSE_MARGIN_BYTES = 512
_SERIALIZER = DefaultSerializer()
#: The requests a screen answers: what was said (touches arrive as intents) and opening.
SHOWN_AFTER = ("IntentRequest", "LaunchRequest")


def _fits(directives: list, conversation: Conversation) -> bool:
    """Whether a paced response (directives and session attributes) stays within Alexa's size."""
    serialize = _SERIALIZER.serialize
    size = len(json.dumps([serialize(d) for d in directives], separators=(",", ":")))
    size += len(json.dumps(serialize(conversation.session), separators=(",", ":")))
    return size + RESPONSE_MARGIN_BYTES <= MAX_RESPONSE_BYTES


class ShowScreen(AbstractResponseInterceptor):
    """Add the screen for what the handler said; pace coaching hands-free when asked to."""

    def __init__(self, coach: Coach) -> None:
        self.coach = coach

    def process(self, handler_input: HandlerInput, response: Response | None) -> None:
        if response is None or response.should_end_session or not has_screen(handler_input):
            return
        request = handler_input.request_envelope.request
        if getattr(request, "object_type", None) not in SHOWN_AFTER:
            return  # e.g. CanFulfillIntentRequest names an intent but must carry no screen
        words = words_for(getattr(request, "locale", None))
        conversation = Conversation(handler_input, self.coach)
        directives = self._directives(conversation, response, words)
        if directives:
            response.directives = [*(response.directives or []), *directives]

    def _directives(self, conversation: Conversation, response: Response, words: Words) -> list:
        # only devices with a screen get here: a speaker never loads the APL documents
        from skill.alexa import screens

        request = conversation.input.request_envelope.request
        intent = getattr(getattr(request, "intent", None), "name", None)
        ssml = getattr(response.output_speech, "ssml", None)
        step = conversation.request_attributes.get(SPOKEN_STEP)
        position = conversation.unfinished
        if step is not None and ssml:
            coaching = screens.CoachingScreen(conversation.coach, words)
            if conversation.progress.hands_free:
                paced = coaching.directives(step, ssml, hands_free=True)
                if len(paced) > 1 and _fits(paced, conversation):
                    # the document speaks and moves on: nothing else to say or to wait for
                    response.output_speech = None
                    response.reprompt = None
                    response.should_end_session = None
                    return paced
            # said as on a speaker: change what the screen shows if it shows this document
            on_screen = showing(conversation.input) == COACHING_TOKEN
            return coaching.directives(step, ssml, hands_free=False, showing=on_screen)
        lists = screens.ListScreens(self.coach, words)
        offer = conversation.offer or {}
        exercise = self.coach.library.exercises.get(offer.get("id", ""))
        if intent == buttons.HOW_TO and offer.get("kind") == "exercise" and exercise:
            return [lists.how_to(exercise)]
        if offer.get("kind") == PLAN_OFFER and offer.get("id"):
            try:
                offered = self.coach.library.plan(offer["id"])
            except (KeyError, ValueError):
                offered = None
            if offered is not None:
                return [lists.plan(offered, offered=True)]
        if intent == "ListExercisesIntent":
            return [lists.exercises()]
        # after "wait for me" a still screen replaces one that was moving on by itself
        still = (
            "HowLongIntent",
            "ExercisesLeftIntent",
            "WhatsNextIntent",
            "HandsFreeIntent",
            "WhichSideIntent",
            "SmallTalkIntent",
        )
        if intent in still and position:
            return [lists.plan(self.coach.routine(position))]
        if intent == buttons.LIST_ROUTINES or getattr(request, "object_type", "") == (
            "LaunchRequest"
        ):
            return [lists.routines()]
        return []
