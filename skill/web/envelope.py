"""Check an Alexa request body before the SDK sees it, and say what is wrong with it.

An endpoint on the internet receives whatever anyone sends. The SDK's deserializer fails in
unhelpful ways on odd shapes, so the few things every real Alexa request has (an object with
request.type, context.System, a session for conversational requests) and the few things no
real request has (control characters, absurdly long strings) are checked here first, with a
short reason for the 400.
"""

from __future__ import annotations

import re
from typing import Any

from ask_sdk_model import Request

from skill.web.json_body import NotJson, load_json

#: Request types that always come inside a session.
SESSION_REQUESTS = {
    "LaunchRequest",
    "IntentRequest",
    "SessionEndedRequest",
    "CanFulfillIntentRequest",
}
#: Request types that always name an intent.
INTENT_REQUESTS = {"IntentRequest", "CanFulfillIntentRequest"}
#: Longer than any real field; the skill's own last prompt (≤ 8000 characters) must fit.
MAX_STRING_CHARS = 16_000
#: Longer than anything a person says for one slot.
MAX_SLOT_VALUE_CHARS = 500
#: A control character other than tab, newline and carriage return, as JSON must escape it
#: (strict JSON never holds one raw): \u0000-\u0008, \u000b, \u000c, \u000e-\u001f, \u007f,
#: \b or \f, after an even run of backslashes (an odd one escapes the backslash itself).
_ESCAPED_CONTROL = re.compile(
    r"(?<!\\)(?:\\\\)*\\(?:u00(?:0[0-8bBcCeEfF]|1[0-9a-fA-F]|7[fF])|[bf])"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class MalformedRequest(ValueError):
    """The body is not a request Alexa could have sent; the message is the reason."""


def _walk_strings(data: Any):
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


def _slot_values(request: dict[str, Any]):
    intent = request.get("intent")
    slots = intent.get("slots") if isinstance(intent, dict) else None
    if isinstance(slots, dict):
        for slot in slots.values():
            if isinstance(slot, dict) and isinstance(slot.get("value"), str):
                yield slot["value"]


def parse_body(body: bytes, parsed: Any = None) -> dict[str, Any]:
    """The request as a dict, or MalformedRequest with the reason.

    ``parsed``: ``load_json`` of the body's UTF-8 text, if request verification already made it
    (so a verified body is not parsed twice); every check below still runs.
    """
    try:
        text = body.decode("utf-8")
        data: Any = load_json(text) if parsed is None else parsed
    except UnicodeDecodeError as exc:
        raise MalformedRequest("body is not UTF-8") from exc
    except NotJson as exc:
        raise MalformedRequest(str(exc)) from exc
    if not isinstance(data, dict):
        raise MalformedRequest("body is not a JSON object")
    request = data.get("request")
    if not isinstance(request, dict) or not isinstance(request.get("type"), str):
        raise MalformedRequest("request.type is missing")
    context = data.get("context")
    if not isinstance(context, dict) or not isinstance(context.get("System"), dict):
        raise MalformedRequest("context.System is missing")
    if request["type"] in SESSION_REQUESTS and not isinstance(data.get("session"), dict):
        raise MalformedRequest("session is missing")
    if request["type"] in INTENT_REQUESTS and not isinstance(request.get("intent"), dict):
        raise MalformedRequest("request.intent is missing")
    # an escaped control character needs a backslash: most bodies have none, and the escape
    # pattern (a look-behind) is the slowest check here
    if ("\\" in text and _ESCAPED_CONTROL.search(text)) or _CONTROL.search(text):
        raise MalformedRequest("a field contains control characters")
    if len(text) > MAX_STRING_CHARS:  # only then can one string be too long
        for value in _walk_strings(data):
            if len(value) > MAX_STRING_CHARS:
                raise MalformedRequest(f"a field is longer than {MAX_STRING_CHARS} characters")
    if any(len(value) > MAX_SLOT_VALUE_CHARS for value in _slot_values(request)):
        raise MalformedRequest(f"a slot value is longer than {MAX_SLOT_VALUE_CHARS} characters")
    return data


def is_known_request_type(data: dict[str, Any]) -> bool:
    """Whether the SDK can model this request type (Amazon adds new ones over time)."""
    return data["request"]["type"] in Request.discriminator_value_class_map
