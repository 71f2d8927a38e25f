"""A person's saved progress: where they are, what they finished, their streak, and settings.

Stored as plain JSON (never model objects) with a schema version, so older records can be
migrated and a record edited by hand or by an older skill version is repaired rather than
crashing a turn. Settings are what a person told the skill about themselves that is not
health data: equipment they have or lack, their level, and how they like it to talk.
``merge`` is what storage runs inside its write transaction, so two turns saving at once
(two devices on one account) never lose a completed routine.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from skill.people import by_person

SCHEMA_VERSION = 3
#: Enough history for streaks and counts while keeping a stored item small.
MAX_COMPLETIONS = 1000
MAX_SESSION_DATES = 400
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

    def to_json(self) -> dict[str, Any]:
        if not (self.have or self.lack or self.exercise_levels):  # most people: nothing said
            return {
                "have": [],
                "lack": [],
                "level": self.level,
                "exercise_levels": {},
                "slower": self.slower,
                "concise": self.concise,
            }
        return {
            "have": sorted(set(self.have)),
            "lack": sorted(set(self.lack)),
            "level": self.level,
            "exercise_levels": dict(sorted(self.exercise_levels.items())),
            "slower": self.slower,
            "concise": self.concise,
        }

    @classmethod
    def from_json(cls, data: Any) -> Settings:
        if not isinstance(data, dict):
            return cls()
        levels = data.get("exercise_levels")
        have, lack = data.get("have"), data.get("lack")
        if have == [] and lack == [] and levels == {} and type(levels) is dict:
            # most people said nothing about equipment or levels: the same, read faster
            level = data.get("level")
            return cls(
                level=level if level in SETTING_LEVELS else "standard",
                slower=data.get("slower") is True,
                concise=data.get("concise") is True,
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
        )

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

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "disclaimer_heard": self.disclaimer_heard,
            "position": self.position,
            "last_routine": self.last_routine,
            "completions": [c.to_json() for c in self.completions[-MAX_COMPLETIONS:]],
            "session_days": sorted(set(self.session_days))[-MAX_SESSION_DATES:],
            "settings": self.settings.to_json(),
            "hands_free": self.hands_free,
            "taught": list(dict.fromkeys(self.taught))[:MAX_TAUGHT],
        }

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
        days = [d for d in data.get("session_days", []) if _is_day(d)]
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
        completion = Completion(os.urandom(16).hex(), routine_id, today.isoformat())
        self.completions.append(completion)
        self.record_session(today)
        return completion

    def finished_on(self, day: date) -> bool:
        """Whether a routine was finished on ``day`` (so the streak includes it)."""
        return any(c.day == day.isoformat() for c in self.completions)

    def streak_days(self, today: date) -> int:
        """Days in a row, ending today or yesterday, on which a routine was finished."""
        days = {date.fromisoformat(c.day) for c in self.completions}
        day = today if today in days or today == date.min else today - timedelta(days=1)
        streak = 0
        while day in days:
            streak += 1
            if day == date.min:  # the calendar's first day: nothing before it
                break
            day -= timedelta(days=1)
        return streak


def _is_day(value: Any) -> bool:
    try:
        date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Bring an older stored record up to SCHEMA_VERSION.

    Version 0 (no schema_version) kept ``completed`` as a list of routine ids and
    ``dates`` as session days; they become dated completions and session_days. Version 1
    had no settings: they start empty (every default). Version 2 did not know which
    exercises a person had been taught: nobody has, so each is heard in full once more.
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
        data = {**data, "taught": [], "schema_version": SCHEMA_VERSION}
    return data


def merge_record(stored: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """What to store when ``new`` is saved over ``stored``: the union of what both finished.

    Position, last routine and settings come from the newer turn; completions and session
    days are unioned by id, so a completion saved by a concurrent turn survives this save.
    """
    old, fresh = Progress.from_json(stored), Progress.from_json(new)
    by_id = {c.id: c for c in old.completions}
    by_id.update({c.id: c for c in fresh.completions})
    fresh.completions = sorted(by_id.values(), key=lambda c: (c.day, c.id))
    fresh.session_days = sorted({*old.session_days, *fresh.session_days})
    fresh.disclaimer_heard = old.disclaimer_heard or fresh.disclaimer_heard
    fresh.record_taught(old.taught)
    return fresh.to_json()


#: What storage runs inside its write: ``merge_record`` for the account's own record and for
#: each recognised person's record in it (``skill.people``), each apart from the others.
merge = by_person(merge_record)
