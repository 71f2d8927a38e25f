"""Skill events that must be done, not just answered: a failure goes back to Alexa.

A SkillDisabled event is the person's request to forget them. If the store is down, answering
it like a conversation ("Sorry, something went wrong", HTTP 200) tells Alexa it was delivered,
so it never comes again and the data stays. Instead the failure leaves the skill as an error
(an error status from the web endpoint, a failed invocation on Lambda), which Alexa treats as
an undelivered event and sends again, and the log names the user's hash so an operator can
finish the deletion by hand if it never succeeds.
"""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractExceptionHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response


class SkillEventNotDone(Exception):
    """A skill event could not be carried out; Alexa must deliver it again."""

    def __init__(self, event: str, user: str) -> None:
        super().__init__(f"{event} for user {user} was not carried out")
        self.event = event
        self.user = user


class LetSkillEventsFail(AbstractExceptionHandler):
    """Ahead of the friendly ErrorHandler: a skill event that was not done is not apologised
    for, it is raised out of the skill so the host answers with an error."""

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return isinstance(exception, SkillEventNotDone)

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        raise exception
