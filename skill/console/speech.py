"""What a device makes of SSML: the words it says and the silences it keeps, in order.

The engine chains ``<break>`` tags for a silence longer than Alexa's 10-second limit, and
Alexa plays them one after another, so a person hears one long pause: adjacent breaks (with
nothing but whitespace between them) become one ``Silence`` here. The console prints a
silence as ``[pause 3 s]``; ``voice`` keeps it for real. SSML a device would refuse (not
XML, a break over 10 s, too long) raises ``SsmlError``: the skill would fail on an Echo too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from xml.etree import ElementTree

from skill.engine.ssml import MAX_BREAK_MS, MAX_SSML_CHARS
from skill.engine.turn import speech_seconds
from skill.values import Value, value_class

#: Alexa gives no durations for break strengths; these are what its voice sounds like.
STRENGTH_SECONDS = {
    "none": 0.0,
    "x-weak": 0.0,
    "weak": 0.25,
    "medium": 0.5,
    "strong": 0.75,
    "x-strong": 1.0,
}

#: Paragraphs and sentences: their words never run into the next ones.
BLOCKS = ("p", "s")


class SsmlError(ValueError):
    """SSML that Alexa would not play."""


@value_class
class Spoken(Value):
    """Words said aloud, whitespace tidied, at ``rate`` times the voice's usual speed (a
    ``<prosody rate>`` around them: the person's 'speak more slowly')."""

    text: str
    rate: float = 1.0


#: ``<prosody rate>``'s named speeds as a share of the usual one (Alexa names no numbers).
NAMED_RATES = {"x-slow": 0.6, "slow": 0.8, "medium": 1.0, "fast": 1.25, "x-fast": 1.5}


def _rate(element: ElementTree.Element, outer: float) -> float:
    """The speech rate inside ``element``: its ``<prosody rate>`` ("85%", "slow"), else
    ``outer``."""
    if element.tag != "prosody" or element.get("rate") is None:
        return outer
    said = element.get("rate", "").strip()
    if said in NAMED_RATES:
        return NAMED_RATES[said]
    match = re.fullmatch(r"(\d+(?:\.\d+)?)%", said)
    if match is None:
        raise SsmlError(f"unreadable prosody rate {said!r}")
    return float(match.group(1)) / 100


@value_class
class Silence(Value):
    """A pause in the speech, however many breaks made it."""

    seconds: float


Sound = Spoken | Silence


def _break_seconds(element: ElementTree.Element) -> float:
    time = element.get("time")
    if time is None:
        strength = element.get("strength", "medium")
        if strength not in STRENGTH_SECONDS:
            raise SsmlError(f"unknown break strength {strength!r}")
        return STRENGTH_SECONDS[strength]
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ms|s)\s*", time)
    if match is None:
        raise SsmlError(f"unreadable break time {time!r}")
    ms = float(match.group(1)) * (1 if match.group(2) == "ms" else 1000)
    if ms > MAX_BREAK_MS:
        raise SsmlError(
            f"a break of {ms / 1000:g} s is longer than Alexa's {MAX_BREAK_MS // 1000} s"
        )
    return ms / 1000


def _pieces(element: ElementTree.Element, rate: float = 1.0) -> Iterator[Spoken | float]:
    """Text (at its rate) and break lengths in document order, through any nesting of tags."""
    rate = _rate(element, rate)
    if element.text:
        yield Spoken(element.text, rate)
    for child in element:
        if child.tag == "break":
            yield _break_seconds(child)
        elif child.tag in BLOCKS:
            yield Spoken(" ", rate)
            yield from _pieces(child, rate)
            yield Spoken(" ", rate)
        else:
            yield from _pieces(child, rate)
        if child.tail:
            yield Spoken(child.tail, rate)


def sounds(ssml: str) -> tuple[Sound, ...]:
    """The SSML as a device plays it: words and silences, adjacent silences added up."""
    if len(ssml) > MAX_SSML_CHARS:
        raise SsmlError(f"SSML is {len(ssml)} characters, over Alexa's {MAX_SSML_CHARS}")
    # Alexa accepts <amazon:effect> and friends without declaring the prefix; XML does not.
    readable = re.sub(r"<(/?)amazon:", r"<\1amazon-", ssml)
    try:
        root = ElementTree.fromstring(readable)
    except ElementTree.ParseError as exc:
        raise SsmlError(f"SSML is not well-formed XML: {exc}") from exc
    if root.tag != "speak":
        raise SsmlError("SSML must be wrapped in <speak>")
    result: list[Sound] = []
    text, rate = "", 1.0
    for piece in [*_pieces(root), 0.0]:
        if isinstance(piece, Spoken) and (piece.rate == rate or not text.strip()):
            text, rate = text + piece.text, piece.rate
            continue
        if text.strip():
            result.append(Spoken(" ".join(text.split()), rate))
        text = ""
        if isinstance(piece, Spoken):  # the same words go on at another rate
            text, rate = piece.text, piece.rate
            continue
        if piece <= 0:
            continue
        if result and isinstance(result[-1], Silence):
            result[-1] = Silence(result[-1].seconds + piece)
        else:
            result.append(Silence(piece))
    return tuple(result)


def played_seconds(played: tuple[Sound, ...]) -> float:
    """How long a device takes to play these sounds: the silences, and the words at the
    skill's own slow estimate (``speech_seconds``) over their rate, so a reply counted as
    heard is never one the skill would take for cut short."""
    return sum(
        s.seconds if isinstance(s, Silence) else speech_seconds(s.text) / s.rate for s in played
    )


def seconds_label(seconds: float) -> str:
    """3 -> "3", 12.5 -> "12.5": a pause as people read it, exact to the millisecond."""
    return f"{round(seconds, 3):g}"


def transcript(played: tuple[Sound, ...]) -> str:
    """One line: the words, with each silence shown as ``[pause N s]``."""
    return " ".join(
        s.text if isinstance(s, Spoken) else f"[pause {seconds_label(s.seconds)} s]" for s in played
    )
