"""The stored progress record: streaks, merging concurrent saves, reading any old version."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from skill.progress import RECENT_COMPLETIONS, RECENT_DAYS, SCHEMA_VERSION, Progress, merge

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
    "junk",
    [
        None,
        [],
        "x",
        {"completions": "no"},
        {"session_days": [1, "bad"]},
        {"session_days": [["2026-01-01"], {"day": "2026-01-01"}]},
        {"completions": [{"id": "a", "routine_id": "quick", "day": ["2026-01-01"]}]},
        {"completions": [{"id": "a", "routine_id": "quick", "day": "2026-02-30"}]},
    ],
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


# -- a long history is folded, and says the same ----------------------------------------------

START = date(2024, 3, 1)
#: Gaps between one completion and the next, in days: same day, next day, or a break.
GAPS = st.lists(st.sampled_from([0, 1, 1, 1, 2, 5]), max_size=120)


def days_of(gaps: list[int]) -> list[date]:
    day, days = START, []
    for gap in gaps:
        day += timedelta(days=gap)
        days.append(day)
    return days


def streak_of(days: list[date], today: date) -> int:
    """The streak worked out from every day, one by one (no folding)."""
    finished = set(days)
    day = today if today in finished else today - timedelta(days=1)
    streak = 0
    while day in finished:
        streak, day = streak + 1, day - timedelta(days=1)
    return streak


def history(days: list[date]) -> Progress:
    progress = Progress()
    for day in days:
        progress.record_completion("quick", day)
    return progress


@settings(max_examples=60, deadline=None)
@given(GAPS)
def test_a_folded_history_counts_and_streaks_as_the_whole_one(gaps):
    days = days_of(gaps)
    stored = Progress.from_json(history(days).to_json())
    assert stored.completed == len(days)
    last = days[-1] if days else START
    for today in (last, last + timedelta(days=1), last + timedelta(days=2)):
        assert stored.streak_days(today) == streak_of(days, today)
        assert stored.finished_on(today) == (today in days)
    recent = [d for d in days if d > last - timedelta(days=RECENT_DAYS)]  # the newest included
    assert len(stored.completions) == max(len(recent), min(len(days), RECENT_COMPLETIONS))


@settings(max_examples=60, deadline=None)
@given(GAPS, st.integers(0, 3), st.integers(0, 3), st.sampled_from([0, 1, 9]), st.booleans())
@example([1] * 40, 1, 0, 9, False)  # one device folds further than the record it merges into
@example([1] * 40, 2, 1, 9, True)
@example([0] * 70, 3, 2, 0, False)  # past MAX_COMPLETIONS on one day
def test_two_devices_saving_at_once_lose_no_completion_of_a_long_history(
    gaps, mine, theirs, later, theirs_first
):
    days = days_of(gaps)
    stored = history(days).to_json()
    today = (days[-1] if days else START) + timedelta(days=later)
    phone, echo = Progress.from_json(stored), Progress.from_json(stored)
    for _ in range(mine):
        phone.record_completion("classic", today)
    for _ in range(theirs):
        echo.record_completion("gentle", today)
    first, second = (echo, phone) if theirs_first else (phone, echo)

    both = Progress.from_json(merge(merge(stored, first.to_json()), second.to_json()))

    assert both.completed == len(days) + mine + theirs
    everyone = days + [today] * (mine + theirs)
    assert both.streak_days(today) == streak_of(everyone, today)


def test_a_busy_week_is_kept_one_by_one():
    """All of the last RECENT_DAYS days stay unfolded, however many: a merge needs their ids."""
    busy = [1] * 50 + [0] * 20 + [1] + [0] * 20  # 50 days, then 21 and 21 on the last two
    progress = Progress.from_json(history(days_of(busy)).to_json())
    last = days_of(busy)[-1]
    week = {(last - timedelta(days=n)).isoformat() for n in range(RECENT_DAYS)}
    assert {c.day for c in progress.completions} == week
    assert len(progress.completions) == 21 + 21 + (RECENT_DAYS - 2) > RECENT_COMPLETIONS
    assert progress.completed == len(busy)


def test_a_completion_dated_before_the_folded_ones_is_still_counted():
    """A clock set back more than a week must not lose a finished routine."""
    progress = history(days_of([1] * (RECENT_COMPLETIONS + 20)))
    assert progress.earlier.count
    progress.record_completion("quick", START - timedelta(days=30))
    assert Progress.from_json(progress.to_json()).completed == RECENT_COMPLETIONS + 21


@pytest.mark.parametrize(
    "junk",
    [
        "x",
        {"count": "5", "day": "2026-01-01", "id": "a", "run": 1},
        {"count": 5, "day": "not a day", "id": "a", "run": 1},
        {"count": 5, "day": "2026-01-01", "id": 7, "run": 1},
        {"count": 5, "day": ["2026-01-01"], "id": "a", "run": 1},
        {"count": 5, "day": "2026-01-01", "id": "a", "run": 6},
        {"count": 5, "day": "2026-01-01", "id": "a", "run": 0},
        {"count": True, "day": "2026-01-01", "id": "a", "run": True},
    ],
)
def test_an_unreadable_folded_summary_reads_as_nothing_folded(junk):
    record = {"schema_version": SCHEMA_VERSION, "earlier": junk, "completions": []}
    progress = Progress.from_json(record)
    assert progress.completed == 0
    assert "earlier" not in progress.to_json()


def test_postures_avoided_round_trip_and_garbage_is_dropped():
    progress = Progress()
    progress.settings.avoids(["standing"])
    progress.settings.avoids(["floor", "standing"])
    record = progress.to_json()
    assert record["settings"]["avoid"] == ["floor", "standing"]
    assert Progress.from_json(record).settings.avoid == ["floor", "standing"]
    record["settings"]["avoid"] = ["floor", 3, "Not An Id", None]
    assert Progress.from_json(record).settings.avoid == ["floor"]


def test_a_record_from_before_postures_avoids_none():
    record = Progress().to_json()
    assert "avoid" not in record["settings"]
    assert Progress.from_json(record).settings.avoid == []
