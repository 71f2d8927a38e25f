"""A person's saved progress: where they are, what they finished, their streak, and settings.

Stored as plain JSON (never model objects) with a schema version, so older records can be
migrated and a record edited by hand or by an older skill version is repaired rather than
crashing a turn. Settings are what a person told the skill about themselves that is not
health data: equipment they have or lack, their level, and how they like it to talk.
``merge`` is what storage runs inside its write transaction, so two turns saving at once
(two devices on one account) never lose a completed routine.

The record stays small for good: every turn reads it and every saving turn writes it whole,
so a history kept one completion at a time made a daily user's turns slower and their writes
larger year on year (at 1,000 completions about 1.1 ms and a 96 KB write a turn). Recent
completions are kept one by one, with the ids the merge needs; older ones are folded into
``Earlier``, which keeps what the skill says about them: how many, and the streak.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from skill.people import by_person
from skill.values import Value, value_class

SCHEMA_VERSION = 4
#: Completions kept one by one: all of the last RECENT_DAYS days (the newest one's included),
#: and never fewer than RECENT_COMPLETIONS. Two turns that save at once finish their routines
#: moments apart, so what one folds away is never what the other has just added (``merge``).
RECENT_COMPLETIONS = 30
RECENT_DAYS = 7
#: Past this many (eight routines a day for a week: a forged record, or a load test), even this
#: week's oldest are folded.
MAX_COMPLETIONS = 60
#: Days the skill was opened on, kept for a season; nothing the skill says looks further back.
MAX_SESSION_DATES = 100
#: More exercise ids than the library will hold for a long while; bounds a forged record.
MAX_TAUGHT = 200
#: Settings hold content ids only; a record edited by hand cannot grow them without bound.
MAX_SETTING_IDS = 50
SETTING_LEVELS = ("gentle", "standard", "harder")
_ID = re.compile(r"[a-z][a-z0-9_]{0,63}")


@dataclass
class Completion:
    id: str
    routine_id: str
    day: str  # ISO date

    def to_json(self) -> dict[str, str]:
        return {"id": self.id, "routine_id": self.routine_id, "day": self.day}

    @property
    def key(self) -> tuple[str, str]:
        """Order of completions: by day, then id (unique, and a later one sorts later)."""
        return (self.day, self.id)


@value_class
class Earlier(Value):
    """Completions folded out of the list: how many, and the days-in-a-row the streak needs.

    ``day`` and ``id`` are the newest folded completion's: everything up to it, in ``key``
    order, is folded, so a merge can tell a folded completion from a new one without keeping
    its id. ``run`` is how many days in a row, ending on ``day``, had a completion.
    """

    count: int = 0
    day: str = ""
    id: str = ""
    run: int = 0

    @property
    def key(self) -> tuple[str, str]:
        return (self.day, self.id)

    def fold(self, completion: Completion) -> Earlier:
        """This with ``completion`` folded in (the newest so far: called in ``key`` order)."""
        if completion.day == self.day:
            run = self.run
        elif self.day and completion.day == _day_after(self.day):
            run = self.run + 1
        else:
            run = 1
        return Earlier(self.count + 1, completion.day, completion.id, run)

    def run_dates(self) -> tuple[date, date] | None:
        """First and last day of the run of days ending on ``day``, if any was folded."""
        if not self.count:
            return None
        last = date.fromisoformat(self.day)
        return date.fromordinal(max(1, last.toordinal() - self.run + 1)), last

    def to_json(self) -> dict[str, Any]:
        return {"count": self.count, "day": self.day, "id": self.id, "run": self.run}

    @classmethod
    def from_json(cls, data: Any) -> Earlier:
        """Anything but a consistent summary reads as nothing folded (never fatal)."""
        if not isinstance(data, dict):
            return cls()
        count, day, id_, run = (data.get(k) for k in ("count", "day", "id", "run"))
        if (
            type(count) is int
            and type(run) is int
            and 1 <= run <= count
            and isinstance(id_, str)
            and _is_day(day)
        ):
            return cls(count, day, id_, run)
        return cls()


def _day_after(day: str) -> str:
    try:
        return (date.fromisoformat(day) + timedelta(days=1)).isoformat()
    except (ValueError, OverflowError):  # the calendar's last day: nothing follows it
        return ""


def _folded(completions: list[Completion], earlier: Earlier) -> tuple[list[Completion], Earlier]:
    """The completions kept one by one and the rest folded into ``earlier``.

    Kept: all of the last RECENT_DAYS days, at least RECENT_COMPLETIONS, at most
    MAX_COMPLETIONS.
    """
    if len(completions) <= RECENT_COMPLETIONS:
        return completions, earlier  # nearly everyone, every turn: nothing to sort or fold
    days = [c.day for c in completions]
    newest = date.fromisoformat(max(days))
    horizon = date.fromordinal(max(1, newest.toordinal() - RECENT_DAYS)).isoformat()
    if len(completions) <= MAX_COMPLETIONS and min(days) > horizon:
        return completions, earlier  # a busy week: all of it kept
    ordered = sorted(completions, key=lambda c: c.key)
    foldable, too_many = len(ordered) - RECENT_COMPLETIONS, len(ordered) - MAX_COMPLETIONS
    cut = 0
    while cut < foldable and (ordered[cut].day <= horizon or cut < too_many):
        earlier = earlier.fold(ordered[cut])
        cut += 1
    return ordered[cut:], earlier


def _ids(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    ids = [v for v in value if isinstance(v, str) and _ID.fullmatch(v)]
    return sorted(set(ids))[:MAX_SETTING_IDS]


@dataclass
class Settings:
    """What a person told the skill about themselves (never anything about their health)."""

    have: list[str] = field(default_factory=list)  # equipment ids
    lack: list[str] = field(default_factory=list)
    level: str = "standard"
    exercise_levels: dict[str, str] = field(default_factory=dict)  # exercise id -> level
    slower: bool = False  # speak more slowly
    concise: bool = False  # a one-line cue instead of the full instructions
    #: False: "you don't need to count for me": holds and rounds without their numbers
    counting: bool = True
    #: Postures (content/planning.json ids) the person said they cannot or would rather not
    #: do: "I can't get down on the floor". Plans leave their exercises out.
    avoid: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        if not (self.have or self.lack or self.exercise_levels or self.avoid):
            # most people said nothing about equipment, levels or postures
            plain = {
                "have": [],
                "lack": [],
                "level": self.level,
                "exercise_levels": {},
                "slower": self.slower,
                "concise": self.concise,
            }
            return plain if self.counting else plain | {"counting": False}
        record: dict[str, Any] = {
            "have": sorted(set(self.have)),
            "lack": sorted(set(self.lack)),
            "level": self.level,
            "exercise_levels": dict(sorted(self.exercise_levels.items())),
            "slower": self.slower,
            "concise": self.concise,
        }
        if self.avoid:  # absent for most people, and in records written before postures
            record["avoid"] = sorted(set(self.avoid))
        if not self.counting:  # absent for most people, and in records written before it
            record["counting"] = False
        return record

    @classmethod
    def from_json(cls, data: Any) -> Settings:
        if not isinstance(data, dict):
            return cls()
        levels = data.get("exercise_levels")
        have, lack = data.get("have"), data.get("lack")
        if (
            have == []
            and lack == []
            and levels == {}
            and type(levels) is dict
            and "avoid" not in data
        ):
            # most people said nothing about equipment or levels: the same, read faster
            level = data.get("level")
            return cls(
                level=level if level in SETTING_LEVELS else "standard",
                slower=data.get("slower") is True,
                concise=data.get("concise") is True,
                counting=data.get("counting") is not False,
            )
        exercise_levels = (
            {
                k: v
                for k, v in sorted(levels.items())
                if isinstance(k, str) and _ID.fullmatch(k) and v in SETTING_LEVELS
            }
            if isinstance(levels, dict)
            else {}
        )
        level = data.get("level")
        return cls(
            have=_ids(data.get("have")),
            lack=_ids(data.get("lack")),
            level=level if level in SETTING_LEVELS else "standard",
            exercise_levels=dict(list(exercise_levels.items())[:MAX_SETTING_IDS]),
            slower=data.get("slower") is True,
            concise=data.get("concise") is True,
            counting=data.get("counting") is not False,
            avoid=_ids(data.get("avoid")),
        )

    def avoids(self, posture_ids: Iterable[str]) -> None:
        """'I can't stand for long': plans leave these postures out from now on."""
        self.avoid = sorted({*self.avoid, *posture_ids})

    def gets(self, equipment_id: str) -> None:
        """'I have a band now'."""
        self.have = sorted({*self.have, equipment_id})
        self.lack = [e for e in self.lack if e != equipment_id]

    def lacks(self, equipment_id: str) -> None:
        """'I don't have a towel'."""
        self.lack = sorted({*self.lack, equipment_id})
        self.have = [e for e in self.have if e != equipment_id]


@dataclass
class Progress:
    """Everything the skill remembers about one person between sessions."""

    disclaimer_heard: bool = False
    position: dict[str, Any] | None = None
    last_routine: str | None = None
    completions: list[Completion] = field(default_factory=list)
    session_days: list[str] = field(default_factory=list)
    settings: Settings = field(default_factory=Settings)
    #: On a screen, the document speaks and moves on by itself ("keep going"); False after
    #: "wait for me", until "keep going" again.
    hands_free: bool = True
    #: Exercises this person has heard taught in full, on any device: from then on the
    #: coach gives the one-line cue instead of the whole "Here's how".
    taught: list[str] = field(default_factory=list)
    #: Completions older than those in ``completions``, folded into a count and a run of days.
    earlier: Earlier = field(default_factory=Earlier)

    @property
    def completed(self) -> int:
        """Routines finished, ever (kept one by one or folded)."""
        return self.earlier.count + len(self.completions)

    def to_json(self) -> dict[str, Any]:
        completions, earlier = _folded(self.completions, self.earlier)
        record = {
            "schema_version": SCHEMA_VERSION,
            "disclaimer_heard": self.disclaimer_heard,
            "position": self.position,
            "last_routine": self.last_routine,
            "completions": [c.to_json() for c in completions],
            "session_days": sorted(set(self.session_days))[-MAX_SESSION_DATES:],
            "settings": self.settings.to_json(),
            "hands_free": self.hands_free,
            "taught": list(dict.fromkeys(self.taught))[:MAX_TAUGHT],
        }
        if earlier.count:  # absent for most people: nothing folded yet
            record["earlier"] = earlier.to_json()
        return record

    @classmethod
    def from_json(cls, data: Any) -> Progress:
        """Read a stored record of any version; anything unreadable is dropped, not fatal."""
        if not isinstance(data, dict):
            return cls()
        data = migrate(data)
        completions = [
            Completion(str(c["id"]), str(c["routine_id"]), str(c["day"]))
            for c in data.get("completions", [])
            if isinstance(c, dict) and {"id", "routine_id", "day"} <= c.keys() and _is_day(c["day"])
        ]
        earlier = Earlier.from_json(data.get("earlier"))
        completions, earlier = _folded(completions, earlier)
        days = [d for d in data.get("session_days", []) if _is_day(d)][-MAX_SESSION_DATES:]
        position = data.get("position")
        last = data.get("last_routine")
        taught = data.get("taught")
        return cls(
            taught=[t for t in taught if isinstance(t, str) and t][:MAX_TAUGHT]
            if isinstance(taught, list)
            else [],
            disclaimer_heard=data.get("disclaimer_heard") is True,
            position=dict(position) if isinstance(position, dict) else None,
            last_routine=last if isinstance(last, str) else None,
            completions=completions,
            earlier=earlier,
            session_days=days,
            settings=Settings.from_json(data.get("settings")),
            hands_free=data.get("hands_free") is not False,
        )

    def record_taught(self, exercise_ids: Iterable[str]) -> None:
        """Remember exercises heard in full (order kept, no repeats)."""
        self.taught = list(dict.fromkeys((*self.taught, *exercise_ids)))[:MAX_TAUGHT]

    def record_session(self, today: date) -> None:
        self.session_days = sorted({*self.session_days, today.isoformat()})

    def record_completion(self, routine_id: str, today: date) -> Completion:
        completion = Completion(_new_id(), routine_id, today.isoformat())
        earlier = self.earlier
        if earlier.count and completion.key <= earlier.key:  # dated before what was folded
            self.earlier = Earlier(earlier.count + 1, earlier.day, earlier.id, earlier.run)
        else:
            self.completions.append(completion)
            self.completions, self.earlier = _folded(self.completions, earlier)
        self.record_session(today)
        return completion

    @property
    def last_finished(self) -> Completion | None:
        """The newest completion (folding keeps at least the last week's, so it is listed)."""
        return max(self.completions, key=lambda completion: completion.key, default=None)

    def finished_on(self, day: date) -> bool:
        """Whether a routine was finished on ``day`` (so the streak includes it)."""
        return day in self._days_finished()

    def _days_finished(self) -> _DaysFinished:
        return _DaysFinished({date.fromisoformat(c.day) for c in self.completions}, self.earlier)

    def streak_days(self, today: date) -> int:
        """Days in a row, ending today or yesterday, on which a routine was finished."""
        days = self._days_finished()
        day = today if today in days or today == date.min else today - timedelta(days=1)
        streak = 0
        while day in days:
            streak += 1
            if day == date.min:  # the calendar's first day: nothing before it
                break
            day -= timedelta(days=1)
        return streak


def _new_id() -> str:
    """A completion's id: unique (random), and made later sorts later.

    A merge counts a completion at or before the folded ones' newest as folded. Folding a
    day's oldest (past MAX_COMPLETIONS) could otherwise take in, by a random id's chance,
    the completion another device made a moment ago.
    """
    return f"{time.time_ns():016x}{os.urandom(8).hex()}"


class _DaysFinished:
    """``day in days``: a day of a completion kept, or within the run of days folded."""

    def __init__(self, days: set[date], earlier: Earlier) -> None:
        self.days, self.run = days, earlier.run_dates()

    def __contains__(self, day: date) -> bool:
        return day in self.days or (self.run is not None and self.run[0] <= day <= self.run[1])


def _is_day(value: Any) -> bool:
    """Whether ``value`` (any JSON) is an ISO date."""
    return type(value) is str and _is_day_text(value)


@lru_cache(maxsize=1024)
def _is_day_text(value: str) -> bool:
    """Remembered: a record holds the same few days many times, and every turn reads it."""
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Bring an older stored record up to SCHEMA_VERSION.

    Version 0 (no schema_version) kept ``completed`` as a list of routine ids and
    ``dates`` as session days; they become dated completions and session_days. Version 1
    had no settings: they start empty (every default). Version 2 did not know which
    exercises a person had been taught: nobody has, so each is heard in full once more.
    Version 3 kept every completion one by one: ``Progress.from_json`` folds the older ones.
    """
    version = data.get("schema_version", 0)
    if version == 0:
        data = dict(data)
        completed = data.pop("completed", [])
        days = data.pop("dates", [])
        fallback_day = (sorted(d for d in days if _is_day(d)) or ["1970-01-01"])[-1]
        data["completions"] = [
            {"id": f"v0-{i}", "routine_id": r, "day": fallback_day}
            for i, r in enumerate(completed)
            if isinstance(r, str)
        ]
        data["session_days"] = days if isinstance(days, list) else []
        version = 1
    if version == 1:
        data = {**data, "settings": Settings().to_json(), "schema_version": 2}
        version = 2
    if version == 2:
        data = {**data, "taught": [], "schema_version": 3}
        version = 3
    if version == 3:
        data = {**data, "schema_version": SCHEMA_VERSION}
    return data


def merge_record(stored: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """What to store when ``new`` is saved over ``stored``: the union of what both finished.

    Position, last routine and settings come from the newer turn; completions and session
    days are unioned by id, so a completion saved by a concurrent turn survives this save.
    Of the two folded summaries the one that folded further is kept (both records grew from
    the same history, so it counts everything the other folded), and a completion it covers
    is not counted twice; the concurrent turn's completion is days newer than anything folded.
    """
    old, fresh = Progress.from_json(stored), Progress.from_json(new)
    by_id = {c.id: c for c in old.completions}
    by_id.update({c.id: c for c in fresh.completions})
    earlier = max(old.earlier, fresh.earlier, key=lambda e: (e.key, e.count))
    completions = sorted((c for c in by_id.values() if c.key > earlier.key), key=lambda c: c.key)
    fresh.completions, fresh.earlier = _folded(completions, earlier)
    fresh.session_days = sorted({*old.session_days, *fresh.session_days})
    fresh.disclaimer_heard = old.disclaimer_heard or fresh.disclaimer_heard
    fresh.record_taught(old.taught)
    return fresh.to_json()


#: What storage runs inside its write: ``merge_record`` for the account's own record and for
#: each recognised person's record in it (``skill.people``), each apart from the others.
merge = by_person(merge_record)
