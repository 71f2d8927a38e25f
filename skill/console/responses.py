"""What a device does with the skill's response: what it says, and whether it keeps listening.

A response Alexa could not use (not JSON, no ``response`` object, unplayable SSML) is an
``InvalidResponse``, so a script that hits one fails instead of printing a blank turn.
The session stays open only when the skill says ``shouldEndSession: false``; on a device
without a screen a missing value closes it too.
"""

from __future__ import annotations

from dataclasses import field
from typing import Any

from skill.console.speech import Sound, Spoken, SsmlError, sounds
from skill.values import Value, value_class


class InvalidResponse(ValueError):
    """A response a device would reject."""


@value_class
class Reply(Value):
    """One response, read: speech and reprompt as played, and the session's fate."""

    speech: tuple[Sound, ...] = ()
    reprompt: tuple[Sound, ...] = ()
    session_open: bool = False
    attributes: dict[str, Any] = field(default_factory=dict)


def _output_speech(data: Any, where: str) -> tuple[Sound, ...]:
    if data is None:
        return ()
    if not isinstance(data, dict):
        raise InvalidResponse(f"{where} is not an object")
    kind = data.get("type")
    if kind == "SSML" and isinstance(data.get("ssml"), str):
        try:
            return sounds(data["ssml"])
        except SsmlError as exc:
            raise InvalidResponse(f"{where}: {exc}") from exc
    if kind == "PlainText" and isinstance(data.get("text"), str):
        return (Spoken(" ".join(data["text"].split())),)
    raise InvalidResponse(f"{where} has no SSML or PlainText speech")


def read_response(body: Any) -> Reply:
    """The response envelope as a device reads it, or InvalidResponse saying what is wrong."""
    if not isinstance(body, dict):
        raise InvalidResponse("the response is not a JSON object")
    if not isinstance(body.get("version"), str):
        raise InvalidResponse("the response has no version")
    response = body.get("response")
    if not isinstance(response, dict):
        raise InvalidResponse("the response has no response object")
    attributes = body.get("sessionAttributes")
    attributes = {} if attributes is None else attributes
    if not isinstance(attributes, dict):
        raise InvalidResponse("sessionAttributes is not an object")
    reprompt = response.get("reprompt")
    if reprompt is not None and not isinstance(reprompt, dict):
        raise InvalidResponse("reprompt is not an object")
    return Reply(
        speech=_output_speech(response.get("outputSpeech"), "outputSpeech"),
        reprompt=_output_speech((reprompt or {}).get("outputSpeech"), "reprompt.outputSpeech"),
        session_open=response.get("shouldEndSession") is False,
        attributes=attributes,
    )
