"""Cross-cutting work around every handler: load progress, and save it.

Storage must never cost the person their step. If progress cannot be loaded, the turn goes
on with a blank record and nothing is saved over the real one; if saving fails, the person
still hears the step, with a short apology. (What "repeat" needs is remembered by the
conversation as it speaks: see ``said.py``.)
"""

from __future__ import annotations

from ask_sdk_core.dispatch_components import (
    AbstractRequestInterceptor,
    AbstractResponseInterceptor,
)
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.alexa.conversation import PROGRESS, SESSION_KEYS, STORAGE_OK, Conversation
from skill.engine.navigation import Coach
from skill.engine.ssml import escape_text
from skill.lazy_log import logger
from skill.progress import Progress
from skill.words import Words, load_words, words_for

log = logger(__name__)

#: Request attribute: the progress record as read, to skip saving an unchanged one. It is the
#: stored dict itself (``Progress`` keeps copies, never it), so a record stored by an older
#: version differs from what the turn makes and is written; nothing stored is the record of
#: someone new, so that an event for a person who never spoke (enabling the skill) stores
#: nothing.
LOADED = "progress_loaded"
_NOTHING_STORED = Progress().to_json()  # compared with, never changed


def apology(words: Words, key: str) -> str:
    """An apology of ``words``, escaped to go inside SSML as it is, before what follows."""
    return escape_text(words.say(key)) + " "


#: The apologies in the default locale's words (each request hears its own locale's).
NOT_LOADED = apology(load_words(), "replies.storage_not_loaded")
NOT_SAVED = apology(load_words(), "replies.storage_not_saved")


def _apology(handler_input: HandlerInput, key: str) -> str:
    """An apology in the request's locale."""
    return apology(words_for(getattr(handler_input.request_envelope.request, "locale", None)), key)


def user_hash(handler_input: HandlerInput) -> str:
    """A short stable hash of the user id for logs, which must never hold the raw id."""
    import hashlib  # here: only a failure logs it, and hashlib (OpenSSL) is 4 ms of a start

    system = getattr(handler_input.request_envelope.context, "system", None)
    user_id = getattr(getattr(system, "user", None), "user_id", None) or ""
    return hashlib.sha256(user_id.encode()).hexdigest()[:12]


def _has_storage(handler_input: HandlerInput) -> bool:
    return handler_input.attributes_manager._persistence_adapter is not None


class KeepOwnSessionAttributes(AbstractRequestInterceptor):
    """Drop session attributes this skill never writes, so none is echoed back or read."""

    def process(self, handler_input: HandlerInput) -> None:
        if handler_input.request_envelope.session is None:
            return
        session = handler_input.attributes_manager.session_attributes
        for key in [k for k in session if k not in SESSION_KEYS]:
            del session[key]


class LoadProgress(AbstractRequestInterceptor):
    """Read the person's progress once per request; a new session counts as a session day."""

    def __init__(self, coach: Coach) -> None:
        self.coach = coach

    def process(self, handler_input: HandlerInput) -> None:
        attributes = handler_input.attributes_manager
        stored: object = {}
        ok = _has_storage(handler_input)
        if ok:
            try:
                stored = attributes.persistent_attributes
            except Exception:  # storage down, locked, corrupt: the step must still be heard
                log.exception("could not load progress for user %s", user_hash(handler_input))
                ok = False
        progress = Progress.from_json(stored)
        attributes.request_attributes[LOADED] = stored or _NOTHING_STORED
        session = handler_input.request_envelope.session
        if session is not None and session.new:
            progress.record_session(Conversation(handler_input, self.coach).today)
        attributes.request_attributes[PROGRESS] = progress
        attributes.request_attributes[STORAGE_OK] = ok


class SaveProgress(AbstractResponseInterceptor):
    """Save progress if the turn changed it (or apologise)."""

    def process(self, handler_input: HandlerInput, response: Response | None) -> None:
        attributes = handler_input.attributes_manager
        request_attributes = attributes.request_attributes
        if request_attributes.get("deleted") or not _has_storage(handler_input):
            return
        if not request_attributes.get(STORAGE_OK):
            self._apologise(response, _apology(handler_input, "replies.storage_not_loaded"))
            return
        progress: Progress = request_attributes.get(PROGRESS) or Progress()
        record = progress.to_json()
        if record == request_attributes.get(LOADED):
            return  # a question or a how-to changed nothing: no write to wait for
        try:
            attributes.persistent_attributes = record
            attributes.save_persistent_attributes()
        except Exception:
            log.exception("could not save progress for user %s", user_hash(handler_input))
            self._apologise(response, _apology(handler_input, "replies.storage_not_saved"))

    @staticmethod
    def _apologise(response: Response | None, apology: str) -> None:
        output = getattr(response, "output_speech", None)
        if output is not None and getattr(output, "ssml", None):
            output.ssml = output.ssml.replace("<speak>", f"<speak>{apology}", 1)
