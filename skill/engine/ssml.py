"""Render a turn to SSML, the one place that knows Alexa's speech limits.

Alexa plays a ``<break>`` of at most 10 seconds, so longer silences are chained breaks
(Alexa plays adjacent breaks one after another). Text is escaped so an ampersand in content
can never break the XML. The limits are checked here so that every caller gets the same
answer to "can Alexa play this?".
"""

from __future__ import annotations

import math

from skill.engine.turn import MAX_TURN_SECONDS, Pause, Speech, Turn

#: The longest single <break> Alexa accepts.
MAX_BREAK_MS = 10_000
#: Alexa's limit on outputSpeech.ssml length.
MAX_SSML_CHARS = 8000
#: "Slow down": the speaking rate, in percent of normal, for people who asked for it.
SLOWER_RATE_PERCENT = 85


def escape_text(text: str) -> str:
    """Text safe inside SSML: &, < and > escaped, as ``html.escape(text, quote=False)`` does
    (written out: importing ``html`` loads its entity tables, a few ms of every cold start)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class SpeechLimitError(ValueError):
    """A turn Alexa would refuse or cut short."""


def breaks(seconds: float) -> str:
    """A silence of ``seconds`` as <break> tags of at most 10 s each, exact to the ms."""
    remaining = round(seconds * 1000)
    tags = []
    while remaining > 0:
        chunk = min(remaining, MAX_BREAK_MS)
        tags.append(f'<break time="{chunk}ms"/>')
        remaining -= chunk
    return "".join(tags)


def to_ssml(turn: Turn) -> str:
    parts = []
    for segment in turn.segments:
        if isinstance(segment, Speech):
            parts.append(escape_text(segment.text))
        elif isinstance(segment, Pause):
            parts.append(breaks(segment.seconds))
    return "<speak>" + " ".join(parts) + "</speak>"


def plain_ssml(text: str) -> str:
    """SSML for plain words (reprompts, how-to answers), escaped."""
    return f"<speak>{escape_text(text)}</speak>"


def at_rate(ssml: str, percent: int) -> str:
    """The same SSML spoken at ``percent`` of the normal rate (breaks keep their length).

    SSML that already sets a rate (a repeated prompt) is left as it is.
    """
    if not ssml.startswith("<speak>") or "<prosody" in ssml:
        return ssml
    inner = ssml.removeprefix("<speak>").removesuffix("</speak>")
    return f'<speak><prosody rate="{percent}%">{inner}</prosody></speak>'


def check_limits(turn: Turn) -> str:
    """Render and check a turn; return the SSML or raise SpeechLimitError saying why."""
    ssml = to_ssml(turn)
    if len(ssml) > MAX_SSML_CHARS:
        raise SpeechLimitError(f"SSML is {len(ssml)} characters, over {MAX_SSML_CHARS}")
    if turn.estimated_seconds > MAX_TURN_SECONDS:
        raise SpeechLimitError(
            f"turn plays about {math.ceil(turn.estimated_seconds)} s, over {MAX_TURN_SECONDS} s"
        )
    return ssml
