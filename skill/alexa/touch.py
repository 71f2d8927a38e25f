"""Touch is talking: a screen button's UserEvent becomes the IntentRequest its word would be.

The documents' buttons send ``["AMAZON.NextIntent"]`` or ``["StartRoutineIntent", "quick"]``
as ``Alexa.Presentation.APL.UserEvent`` arguments. Turning the event into that intent before
dispatch means a touch is handled by the very handler that handles the spoken word, with the
value resolved to its content id as entity resolution would. Arguments the documents never
send stay a UserEvent, which the catch-all answers with nothing.
"""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import DialogState, Intent, IntentConfirmationStatus, IntentRequest, Slot
from ask_sdk_model.slu.entityresolution import (
    Resolution,
    Resolutions,
    Status,
    StatusCode,
    Value,
    ValueWrapper,
)

from skill.alexa import buttons, visual

#: Request attribute: the pieces left to say when Pause was touched (see ``stopped``).
TOUCHED_PIECES_LEFT = "touched_pieces_left"
#: Intent -> (slot, slot type) for the events that carry a content id.
SLOTS = {buttons.START_ROUTINE: ("routine", "ROUTINE"), buttons.HOW_TO: ("exercise", "EXERCISE")}
TOUCHABLE = {
    buttons.NEXT,
    buttons.BACK,
    buttons.PAUSE,
    buttons.RESUME,
    buttons.REPEAT,
    buttons.STOP,
    buttons.LIST_ROUTINES,
    buttons.YES,
    *SLOTS,
}


def _slot(name: str, kind: str, value_id: str) -> Slot:
    authority = f"amzn1.er-authority.echo-sdk.touch.{kind}"
    match = Resolution(
        authority=authority,
        status=Status(code=StatusCode.ER_SUCCESS_MATCH),
        values=[ValueWrapper(value=Value(name=value_id, id=value_id))],
    )
    return Slot(name=name, value=value_id, resolutions=Resolutions([match]))


class TouchAsIntent(AbstractRequestInterceptor):
    """Replace a button's UserEvent with the IntentRequest of the same word."""

    def process(self, handler_input: HandlerInput) -> None:
        request = handler_input.request_envelope.request
        if getattr(request, "object_type", None) != buttons.USER_EVENT:
            return  # the type names the class: only a UserEvent is one (APL models not loaded)
        from ask_sdk_model.interfaces.alexa.presentation.apl import UserEvent

        if not isinstance(request, UserEvent):
            return
        arguments = request.arguments if isinstance(request.arguments, list) else []
        name = arguments[0] if arguments else None
        # a forged event may send any JSON: a list or an object is unhashable for the lookup
        if not isinstance(name, str) or name not in TOUCHABLE:
            return
        if name == buttons.PAUSE and len(arguments) > 1:
            # how many pieces the document had left to say: where resume carries on
            left = visual.count(arguments[1])
            if left is not None:
                handler_input.attributes_manager.request_attributes[TOUCHED_PIECES_LEFT] = left
        slots = {}
        if name in SLOTS:
            slot, kind = SLOTS[name]
            value = arguments[1] if len(arguments) > 1 else None
            if isinstance(value, str) and value:
                slots[slot] = _slot(slot, kind, value)
        handler_input.request_envelope.request = IntentRequest(
            request_id=request.request_id,
            timestamp=request.timestamp,
            locale=request.locale,
            dialog_state=DialogState.COMPLETED,
            intent=Intent(
                name=name, slots=slots, confirmation_status=IntentConfirmationStatus.NONE
            ),
        )
