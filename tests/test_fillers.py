"""Fillers come off a request from the front, then the back, one at a time."""

from __future__ import annotations

from skill.console.fillers import expanded_contractions, without_fillers


def test_each_stage_is_tried_in_turn():
    assert list(without_fillers(["um", "okay", "so", "next", "please"])) == [
        ["okay", "so", "next", "please"],
        ["next", "please"],
        ["next"],
    ]


def test_the_request_itself_is_never_taken_away():
    assert list(without_fillers(["please"])) == []
    assert list(without_fillers(["not", "now"])) == [["not"]]


def test_the_skill_name_is_a_filler_at_either_end():
    name = ("foot", "coach")
    assert list(without_fillers(["foot", "coach", "next"], name))[-1] == ["next"]
    assert list(without_fillers(["bye", "foot", "coach"], name))[-1] == ["bye"]


def test_a_nouns_s_is_read_as_is_but_written_contractions_stay():
    assert expanded_contractions(["my", "back's", "sore"]) == ["my", "back", "is", "sore"]
    assert expanded_contractions(["that's", "done"]) is None
    assert expanded_contractions(["what's", "next"]) is None
