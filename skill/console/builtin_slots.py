"""Alexa's built-in slot types, resolved as Alexa resolves them: words in, normalised value out.

A custom slot type hands the skill an id through entity resolution; a built-in type hands it
a normalised ``value`` instead, whatever words were said:

- ``AMAZON.NUMBER``: "five", "twenty five", "5" -> ``"5"``, ``"25"``, ``"5"``;
- ``AMAZON.DURATION``: an ISO 8601 duration in the units the person used: "ten minutes" ->
  ``PT10M``, "5 minutes" -> ``PT5M``, "half an hour" -> ``PT30M``, "a quarter of an hour" ->
  ``PT15M``, "an hour and a half" -> ``PT1H30M``, "ninety seconds" -> ``PT90S``, "a couple of
  minutes" -> ``PT2M``.

Words that are not a value of the type give None: the sample did not match (a device would
not fill the slot with them). Number words are read by ``text2num``.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from text_to_num import text2num

_UNITS = {
    "hour": "H", "hours": "H", "hr": "H", "hrs": "H",
    "minute": "M", "minutes": "M", "min": "M", "mins": "M",
    "second": "S", "seconds": "S", "sec": "S", "secs": "S",
}  # fmt: skip
_SMALLER = {"H": ("M", 60), "M": ("S", 60), "S": None}
_ONE = {"a", "an", "one"}
#: "A couple of minutes" is two, as Alexa resolves it.
_COUPLE = {("a", "couple", "of"), ("couple", "of"), ("a", "couple")}
#: Leading fractions of a unit: "half an hour", "a quarter of an hour", "three quarters of an hour".
_FRACTIONS = (
    (("three", "quarters", "of", "an"), Fraction(3, 4)),
    (("three", "quarters", "of", "a"), Fraction(3, 4)),
    (("a", "quarter", "of", "an"), Fraction(1, 4)),
    (("a", "quarter", "of", "a"), Fraction(1, 4)),
    (("quarter", "of", "an"), Fraction(1, 4)),
    (("a", "quarter"), Fraction(1, 4)),
    (("half", "an"), Fraction(1, 2)),
    (("half", "a"), Fraction(1, 2)),
    (("a", "half"), Fraction(1, 2)),
)


def parse_number(words: list[str]) -> int | None:
    """The whole number the words say ("twenty five", "25"), or None."""
    if not words:
        return None
    if len(words) == 1 and words[0].isdigit():
        return int(words[0])
    if any(w.isdigit() for w in words):
        return None
    try:
        number = text2num(" ".join(words), "en")
    except ValueError:
        return None
    return number if isinstance(number, int) and number >= 0 else None


def number_value(words: list[str]) -> str | None:
    """AMAZON.NUMBER's slot value: the number in digits."""
    number = parse_number(words)
    return None if number is None else str(number)


def _amount(words: list[str]) -> Fraction | None:
    """How many of a unit: "ten", "10", "a", "two and a half", "half a", "a quarter of an"."""
    for prefix, fraction in _FRACTIONS:
        if tuple(words) == prefix:
            return fraction
    if words[-3:] == ["and", "a", "half"]:
        whole = _amount(words[:-3])
        return None if whole is None else whole + Fraction(1, 2)
    if len(words) == 1 and words[0] in _ONE:
        return Fraction(1)
    if tuple(words) in _COUPLE:
        return Fraction(2)
    number = parse_number(words)
    return None if number is None else Fraction(number)


def _parts(words: list[str]) -> list[tuple[Fraction, str]] | None:
    """The duration as (amount, unit) parts in the order said, or None if it is not one."""
    parts: list[tuple[Fraction, str]] = []
    start = 0
    for index, word in enumerate(words):
        if word not in _UNITS:
            continue
        said = words[start:index]
        if said[:1] == ["and"] and parts:
            said = said[1:]
        amount = _amount(said) if said else None
        if amount is None:
            return None
        parts.append((amount, _UNITS[word]))
        start = index + 1
    rest = words[start:]
    if not parts:
        return None
    if rest in (["and", "a", "half"], ["and", "half"]):
        amount, unit = parts[-1]
        parts[-1] = (amount + Fraction(1, 2), unit)
    elif rest in (["and", "a", "quarter"],):
        amount, unit = parts[-1]
        parts[-1] = (amount + Fraction(1, 4), unit)
    elif rest:
        return None
    return parts


def duration_value(words: list[str]) -> str | None:
    """AMAZON.DURATION's slot value (ISO 8601, e.g. PT10M), or None."""
    parts = _parts(words)
    if parts is None:
        return None
    totals = {"H": Fraction(0), "M": Fraction(0), "S": Fraction(0)}
    for amount, unit in parts:
        totals[unit] += amount
    for unit in ("H", "M"):  # half an hour is 30 minutes, half a minute 30 seconds
        whole = int(totals[unit])
        smaller = _SMALLER[unit]
        if smaller and totals[unit] != whole:
            totals[smaller[0]] += (totals[unit] - whole) * smaller[1]
            totals[unit] = Fraction(whole)
    if totals["S"].denominator != 1 or not any(totals.values()):
        return None
    return "PT" + "".join(f"{int(totals[u])}{u}" for u in ("H", "M", "S") if totals[u])


_PARTS_OF_DAY = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI"}
_NAMED_TIMES = {"noon": "12:00", "midday": "12:00", "midnight": "00:00"}
_MERIDIEMS = {
    ("am",): "am", ("a.m.",): "am", ("a", "m"): "am", ("in", "the", "morning"): "am",
    ("pm",): "pm", ("p.m.",): "pm", ("p", "m"): "pm", ("in", "the", "afternoon"): "pm",
    ("in", "the", "evening"): "pm", ("at", "night"): "pm",
}  # fmt: skip
_PAST_TO = {"half": 30, "quarter": 15}


def _clock(words: list[str]) -> tuple[int, int] | None:
    """(hour, minute) from "seven", "seven thirty", "half past seven", "quarter to eight"."""
    if words[-1:] == ["o'clock"]:
        words = words[:-1]
    if len(words) >= 3 and words[1] in ("past", "to") and words[0] in _PAST_TO:
        hour = parse_number(words[2:])
        if hour is None:
            return None
        minutes = _PAST_TO[words[0]]
        return (hour, minutes) if words[1] == "past" else ((hour - 1) % 24, 60 - minutes)
    for split in range(1, len(words) + 1):
        hour = parse_number(words[:split])
        minute = parse_number(words[split:]) if words[split:] else 0
        if hour is not None and minute is not None and hour <= 24 and minute < 60:
            return hour, minute
    return None


def time_value(words: list[str]) -> str | None:
    """AMAZON.TIME's slot value: "09:00", "18:30", or MO/AF/EV/NI for a part of the day."""
    words = words[1:] if words[:1] == ["the"] else words
    if len(words) == 1 and words[0] in _PARTS_OF_DAY:
        return _PARTS_OF_DAY[words[0]]
    if len(words) == 1 and words[0] in _NAMED_TIMES:
        return _NAMED_TIMES[words[0]]
    meridiem = None
    for said, which in _MERIDIEMS.items():
        if len(words) > len(said) and tuple(words[-len(said) :]) == said:
            words, meridiem = words[: -len(said)], which
            break
    found = _clock(words) if words else None
    if found is None or (meridiem and not 1 <= found[0] <= 12):
        return None
    hour, minute = found
    if meridiem == "pm" and hour < 12:
        hour += 12
    elif meridiem == "am" and hour == 12:
        hour = 0
    return f"{hour % 24:02d}:{minute:02d}"


#: Built-in slot type -> the value Alexa sends for these words (None: not a value of it).
BUILTIN_SLOT_TYPES: dict[str, Callable[[list[str]], str | None]] = {
    "AMAZON.NUMBER": number_value,
    "AMAZON.DURATION": duration_value,
    "AMAZON.TIME": time_value,
}
