"""The body checks: control characters however JSON spells them, and over-long strings."""

from __future__ import annotations

import json

import pytest

from skill.web.envelope import MAX_STRING_CHARS, MalformedRequest, parse_body


def body(value: str, key: str = "value") -> bytes:
    data = {
        "request": {"type": "LaunchRequest", key: value},
        "context": {"System": {}},
        "session": {},
    }
    return json.dumps(data).encode()


@pytest.mark.parametrize(
    "value", ["a\x00b", "a\x01", "a\x08", "a\x0b", "a\x0c", "a\x1f", "a\x7f", "x\\\x02"]
)
def test_control_characters_are_refused(value):
    with pytest.raises(MalformedRequest, match="control"):
        parse_body(body(value))
    with pytest.raises(MalformedRequest, match="control"):
        parse_body(body("ok", key=value))
    raw = json.dumps({"request": {"type": "x", "v": value}}, ensure_ascii=False).encode()
    if b"\x7f" in raw:  # strict JSON allows a raw DEL, so the text itself is searched
        with pytest.raises(MalformedRequest):
            parse_body(raw)


@pytest.mark.parametrize(
    "value", ["tab\there", "new\nline", "cr\r", "back\\slash b", "\\b", "🦶", "plain"]
)
def test_ordinary_text_passes(value):
    assert parse_body(body(value))["request"]["value"] == value


def test_one_over_long_string_is_refused_but_a_long_body_is_not():
    many = {"request": {"type": "LaunchRequest", "v": ["y" * 1000] * 20}, "context": {"System": {}}}
    assert parse_body(json.dumps({**many, "session": {}}).encode())
    with pytest.raises(MalformedRequest, match="longer than"):
        parse_body(body("y" * (MAX_STRING_CHARS + 1)))
