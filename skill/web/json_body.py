"""Read a request body as strict JSON, or say in a few words why it is not.

Python's ``json`` is generous where a public endpoint must not be: it accepts ``NaN`` and
``Infinity`` (not JSON; echoed back in session attributes they make our own responses
non-standard), converts integers of any length until ``int`` refuses past 4300 digits with a
ValueError nobody expected, and recurses once per nesting level until a RecursionError. Each of
these reached the skill as a 500; here each is a reason for a 400. It also reads an unpaired
surrogate escape as a string no encoder takes, which failed later, deep in a turn.
"""

from __future__ import annotations

import json
import re
from typing import Any

#: Deeper than any Alexa request (about 8 levels) or the skill's own session attributes.
MAX_DEPTH = 64
#: A \uD800-\uDFFF escape: half of a pair (an emoji written as escapes), or a lone one.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class NotJson(ValueError):
    """The body is not strict JSON the skill can hold; the message is the reason."""


def _refuse_constant(name: str) -> Any:
    raise NotJson(f"body contains {name}, which is not JSON")


#: json.loads(text, parse_constant=_refuse_constant), made once rather than per request.
_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)


def load_json(text: str) -> Any:
    """Parse ``text`` as strict JSON no deeper than MAX_DEPTH, or raise NotJson."""
    try:
        if text.startswith("\ufeff"):  # what json.loads refuses before decoding
            raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
        data = _DECODER.decode(text)
    except NotJson:
        raise
    except RecursionError as exc:
        raise NotJson(f"body is nested more than {MAX_DEPTH} levels deep") from exc
    except json.JSONDecodeError as exc:
        raise NotJson("body is not valid JSON") from exc
    except ValueError as exc:  # int() refusing a number of more than 4300 digits
        raise NotJson("body holds a number too long to read") from exc
    if text.count("{") + text.count("[") > MAX_DEPTH:  # only then can it be too deep
        _check_depth(data)
    if "\\u" in text and _SURROGATE_ESCAPE.search(text):  # only then can one be unpaired
        _check_text(data)
    return data


def _check_text(data: Any) -> None:
    """Refuse an unpaired surrogate ("\\ud800"): JSON lets it be written, but it is no
    character, and every later ``encode`` (a user id into SQLite, a log line) raised on it."""
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise NotJson("body contains an unpaired surrogate, which is not text") from exc


def _check_depth(data: Any) -> None:
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise NotJson(f"body is nested more than {MAX_DEPTH} levels deep")
        if isinstance(value, dict):
            stack.extend((child, depth + 1) for child in value.values())
        elif isinstance(value, list):
            stack.extend((child, depth + 1) for child in value)
