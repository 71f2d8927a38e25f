"""What the device's screen reports: whether it has one, which document it shows, and where
the coaching document was in its speech.

Read on requests a speaker sends too, so it stays light: no APL models, no documents (those
are ``screens``, loaded by the requests that draw a screen).
"""

from __future__ import annotations

from typing import Any

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_supported_interfaces

from skill.engine.navigation import MAX_PIECES

#: Token of the coaching document: ExecuteCommands must name the document they run in.
COACHING_TOKEN = "coaching"
#: The entity the coaching document's root carries, which the visual context reports: how
#: many pieces it had left to say.
PIECES_LEFT_ENTITY = "piecesLeft"


def has_screen(handler_input: HandlerInput) -> bool:
    """Whether the request comes from a device that shows APL."""
    try:
        interfaces = get_supported_interfaces(handler_input)
    except AttributeError:  # no context.System.device: not a device with a screen
        return False
    return getattr(interfaces, "alexa_presentation_apl", None) is not None


def _visual_context(handler_input: HandlerInput) -> Any:
    context = getattr(handler_input.request_envelope, "context", None)
    return getattr(context, "alexa_presentation_apl", None)


def showing(handler_input: HandlerInput) -> str | None:
    """The token of the document on the screen as the person spoke or touched, from the
    request's visual context (``context['Alexa.Presentation.APL'].token``); None if none."""
    token = getattr(_visual_context(handler_input), "token", None)
    return token if isinstance(token, str) else None


def pieces_left_on_screen(handler_input: HandlerInput) -> int | None:
    """How many pieces the coaching document had left to say, as its visual context
    reports (the ``piecesLeft`` entity of ROOT); None if it is not on the screen."""
    visual = _visual_context(handler_input)
    if showing(handler_input) != COACHING_TOKEN:
        return None
    found = list(getattr(visual, "components_visible_on_screen", None) or [])
    while found:
        component = found.pop()
        for entity in getattr(component, "entities", None) or []:
            if getattr(entity, "object_type", None) == PIECES_LEFT_ENTITY:
                return count(getattr(entity, "value", None))
        found += getattr(component, "children", None) or []
    return None


def count(value: Any) -> int | None:
    """A count of pieces as an event or the visual context carries it (a number, maybe as
    text); None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit() and len(value) < 6:
        value = int(value)
    return value if isinstance(value, int) and 0 <= value < MAX_PIECES else None
