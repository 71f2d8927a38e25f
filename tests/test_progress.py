"""The stored progress record: streaks, merging concurrent saves, reading any old version."""

from __future__ import annotations

from datetime import date

import pytest

from skill.progress import SCHEMA_VERSION, Progress, merge

TODAY = date(2026, 11, 22)


def finished_on(*days: str) -> Progress:
    progress = Progress()
    for day in days:
        progress.record_completion("quick", date.fromisoformat(day))
    return progress


@pytest.mark.parametrize(
    ("days", "streak"),
    [
        ((), 0),
        (("2026-11-22",), 1),
        (("2026-11-21",), 1),  # yesterday still counts until today ends
        (("2026-11-20",), 0),
        (("2026-11-20", "2026-11-21", "2026-11-22"), 3),
        (("2026-11-19", "2026-11-21", "2026-11-22"), 2),
        (("2026-11-22", "2026-11-22"), 1),
    ],
)
def test_streak_counts_days_in_a_row(days, streak):
    assert finished_on(*days).streak_days(TODAY) == streak


def test_streak_stops_at_the_calendars_first_day():
    assert finished_on("0001-01-01").streak_days(date.min) == 1


def test_merge_keeps_both_turns_completions():
    stored = finished_on("2026-11-21").to_json()
    mine = Progress.from_json(stored)
    theirs = Progress.from_json(stored)
    mine.record_completion("classic", TODAY)
    theirs.record_completion("gentle", TODAY)
    first = merge(stored, theirs.to_json())
    both = merge(first, mine.to_json())
    assert sorted(c["routine_id"] for c in both["completions"]) == ["classic", "gentle", "quick"]


def test_merge_takes_the_position_from_the_newer_turn_and_never_forgets_the_disclaimer():
    stored = Progress(disclaimer_heard=True, position={"routine_id": "classic"}).to_json()
    newer = Progress(position={"routine_id": "quick"}).to_json()
    merged = merge(stored, newer)
    assert merged["position"] == {"routine_id": "quick"}
    assert merged["disclaimer_heard"] is True


@pytest.mark.parametrize(
    "junk", [None, [], "x", {"completions": "no"}, {"session_days": [1, "bad"]}]
)
def test_unreadable_records_read_as_blank_rather_than_crash(junk):
    progress = Progress.from_json(junk)
    assert progress.completions == [] and progress.session_days == []


def test_a_version_2_record_learns_it_was_taught_nothing():
    old = {"schema_version": 2, "disclaimer_heard": True, "completions": [], "session_days": []}
    record = Progress.from_json(old)
    assert record.taught == []
    assert record.to_json()["schema_version"] == SCHEMA_VERSION
    assert old["schema_version"] == 2, "the stored record is not changed in place"


def test_what_was_taught_is_kept_across_two_devices_saving_at_once():
    stored = Progress(taught=["toe_press"]).to_json()
    phone = Progress(taught=["toe_press", "ankle_circles"]).to_json()
    echo = Progress(taught=["toe_walking"]).to_json()
    both = merge(merge(stored, phone), echo)
    assert sorted(Progress.from_json(both).taught) == ["ankle_circles", "toe_press", "toe_walking"]


def test_a_forged_taught_list_is_cleaned():
    forged = {"schema_version": SCHEMA_VERSION, "taught": ["toe_press", 3, "", None] * 500}
    record = Progress.from_json(forged)
    assert set(record.taught) == {"toe_press"}
    assert record.to_json()["taught"] == ["toe_press"]
