"""Built-in slot types come back as Alexa normalises them, from digits and from words."""

from __future__ import annotations

import pytest

from skill.console.builtin_slots import duration_value, number_value


@pytest.mark.parametrize(
    ("said", "value"),
    [
        ("ten minutes", "PT10M"),
        ("5 minutes", "PT5M"),
        ("fifteen minutes", "PT15M"),
        ("twenty five minutes", "PT25M"),
        ("a minute", "PT1M"),
        ("one minute", "PT1M"),
        ("half an hour", "PT30M"),
        ("a quarter of an hour", "PT15M"),
        ("quarter of an hour", "PT15M"),
        ("three quarters of an hour", "PT45M"),
        ("an hour", "PT1H"),
        ("an hour and a half", "PT1H30M"),
        ("one hour and fifteen minutes", "PT1H15M"),
        ("two and a half minutes", "PT2M30S"),
        ("half a minute", "PT30S"),
        ("ninety seconds", "PT90S"),
        ("90 minutes", "PT90M"),  # Alexa keeps the unit said; it does not make it PT1H30M
        ("15 mins", "PT15M"),
        ("a couple of minutes", "PT2M"),
        ("couple of minutes", "PT2M"),
    ],
)
def test_durations_are_iso_8601_in_the_units_said(said, value):
    assert duration_value(said.split()) == value


@pytest.mark.parametrize(
    "said", ["ten", "minutes", "a towel", "banana", "ten bananas", "", "a couple", "couple"]
)
def test_words_that_are_no_duration_are_none(said):
    assert duration_value(said.split()) is None


@pytest.mark.parametrize(
    ("said", "value"),
    [("five", "5"), ("5", "5"), ("twenty five", "25"), ("ten", "10"), ("one hundred", "100")],
)
def test_numbers_come_back_as_digits(said, value):
    assert number_value(said.split()) == value


@pytest.mark.parametrize("said", ["a", "ten minutes", "lots", "5 5", ""])
def test_words_that_are_no_number_are_none(said):
    assert number_value(said.split()) is None
