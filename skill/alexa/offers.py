"""Ready is yes: "go on", "let's start" or "ready" said to an offer take the offer.

The skill offers things and asks ("Here's a 10-minute routine for your knees ... Ready?",
"Would you like to do it again?", "Want to do it now?"). People answer such a question with
"ready", "let's go", "start" as often as with "yes"; Alexa hears those as NextIntent or a
StartRoutineIntent without a routine, which would start some other routine or say "you're
not in a routine". Turning them into the yes they mean, before dispatch, lets the one yes
handler that knows the offer answer it.

Only outside a routine under way (mid-routine "next" means the next part), and "start"
never takes an offer to resume: that question says "resume to continue, or start to begin
again".
"""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Intent, IntentConfirmationStatus, IntentRequest

from skill.alexa.buttons import NEXT, YES
from skill.alexa.buttons import START_ROUTINE as START
from skill.alexa.conversation import OFFER, POSITION

RESUME_OFFER = "resume"


def _says_a_routine(intent: Intent) -> bool:
    slot = (intent.slots or {}).get("routine")
    return slot is not None and bool(getattr(slot, "value", None))


def _routine_under_way(session: dict) -> bool:
    position = session.get(POSITION)
    return isinstance(position, dict) and not position.get("finished", False)


class ReadyTakesTheOffer(AbstractRequestInterceptor):
    """Next, or start with no routine named, answers a pending offer as yes."""

    def process(self, handler_input: HandlerInput) -> None:
        request = handler_input.request_envelope.request
        if not isinstance(request, IntentRequest) or request.intent is None:
            return
        if handler_input.request_envelope.session is None:
            return
        session = handler_input.attributes_manager.session_attributes
        offer = session.get(OFFER)
        if not isinstance(offer, dict) or _routine_under_way(session):
            return
        name = request.intent.name
        takes = name == NEXT or (
            name == START
            and not _says_a_routine(request.intent)
            and offer.get("kind") != RESUME_OFFER
        )
        if takes:
            request.intent = Intent(
                name=YES, slots={}, confirmation_status=IntentConfirmationStatus.NONE
            )
