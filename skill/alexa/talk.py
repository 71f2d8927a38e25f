"""Speak more slowly for a person who asked to ("slow down"), on every response.

A response interceptor rather than a branch in each handler: whatever a handler says, and
its reprompt, is wrapped in one SSML ``prosody rate`` when the person's settings say so.
"""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractResponseInterceptor
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.alexa.conversation import PROGRESS
from skill.engine.ssml import SLOWER_RATE_PERCENT, at_rate
from skill.progress import Progress


class SpeakSlower(AbstractResponseInterceptor):
    """Slow the speech (never the silences) of every response for someone who asked."""

    def process(self, handler_input: HandlerInput, response: Response | None) -> None:
        progress = handler_input.attributes_manager.request_attributes.get(PROGRESS)
        if response is None or not isinstance(progress, Progress) or not progress.settings.slower:
            return
        reprompt = getattr(response.reprompt, "output_speech", None)
        for output in (response.output_speech, reprompt):
            ssml = getattr(output, "ssml", None)
            if ssml:
                output.ssml = at_rate(ssml, SLOWER_RATE_PERCENT)
