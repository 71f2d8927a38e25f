"""The exercise library: content JSON loaded, validated and turned into typed records.

Content is data. Nothing in code knows an exercise by name; everything the engine and the
skill say comes from these records. Loading is strict because a typo in a JSON file must stop
start-up with a message naming the file and the field, not surface as a wrong silence length
in someone's living room.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from jsonschema import Draft202012Validator

DEFAULT_CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"
CONTENT_DIR_ENV = "FOOTCOACH_CONTENT"

Sides = Literal["each", "both", "none"]
#: Equipment values every home has: an exercise needing only these needs no equipment.
HOUSEHOLD = frozenset({"none", "chair", "wall", "mat"})


class ContentError(ValueError):
    """Broken content: names the file and the field so the author can fix it."""

    def __init__(self, file: str, field: str, message: str) -> None:
        super().__init__(f"{file}: {field or '(top level)'}: {message}")
        self.file = file
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Frequency:
    """How often the article suggests doing it (spoken in how-to, never timed)."""

    times_min: int
    times_max: int
    per: Literal["day", "week"]


@dataclass(frozen=True)
class Timing:
    """One exercise's dose. Exactly one of hold/work/rep seconds says what a rep is."""

    sides: Sides
    sets: int
    reps: int
    hold_seconds: float | None = None
    work_seconds: float | None = None
    rep_seconds: float | None = None
    end_hold_seconds: float | None = None
    variations: tuple[str, ...] = ()
    switch_sides: Literal["after_all_sets", "every_set"] = "after_all_sets"
    rest_between_reps_seconds: float = 0
    rest_between_variations_seconds: float = 0
    rest_between_sides_seconds: float = 0
    rest_between_sets_seconds: float = 0
    frequency: Frequency | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Timing:
        values = dict(data)
        frequency = values.pop("frequency", None)
        if frequency is not None:
            frequency = Frequency(
                times_min=frequency["times_min"],
                times_max=frequency.get("times_max", frequency["times_min"]),
                per=frequency["per"],
            )
        values["variations"] = tuple(values.get("variations", ()))
        return cls(frequency=frequency, **values)


@dataclass(frozen=True)
class Variation:
    id: str
    say: str


@dataclass(frozen=True)
class Exercise:
    id: str
    name: str
    aliases: tuple[str, ...]
    helps: str
    equipment: tuple[str, ...]
    starting_position: str
    instructions: tuple[str, ...]
    cue: str
    action: str
    release: str
    limb: str
    first_side: str
    variations: tuple[Variation, ...]
    safety: tuple[str, ...]
    setup_seconds: float
    timing: Timing
    timing_json: Mapping[str, Any] = field(repr=False, compare=False)
    sources: tuple[str, ...] = ()
    get_ready: str = ""
    side_cue: Mapping[str, str] = field(default_factory=dict, compare=False)
    shared_aliases: tuple[str, ...] = ()

    def variation(self, variation_id: str) -> Variation:
        return next(v for v in self.variations if v.id == variation_id)

    @property
    def needs_equipment(self) -> bool:
        """Whether it needs something a home may not have (a chair, wall or bed it has)."""
        return bool(set(self.equipment) - HOUSEHOLD)


@dataclass(frozen=True)
class RoutineItem:
    """One exercise in a routine, with the dose this routine (or its article) gives it."""

    exercise: Exercise
    timing: Timing
    ranges: Mapping[str, tuple[float, float]] = field(default_factory=dict, compare=False)
    reading: str | None = None


@dataclass(frozen=True)
class RoutineFrequency:
    """How often the article says to do the routine, or only some of its exercises."""

    frequency: Frequency
    exercises: tuple[str, ...] = ()  # empty: the whole routine


@dataclass(frozen=True)
class Routine:
    id: str
    name: str
    aliases: tuple[str, ...]
    description: str
    items: tuple[RoutineItem, ...]
    default: bool = False
    source_file: str | None = None
    source_title: str | None = None
    purpose: str = ""
    frequency: tuple[RoutineFrequency, ...] = ()


@dataclass(frozen=True)
class Library:
    """Every exercise and routine, looked up by id (the entity-resolution id Alexa sends)."""

    exercises: Mapping[str, Exercise]
    routines: Mapping[str, Routine]

    @property
    def default_routine(self) -> Routine:
        return next(r for r in self.routines.values() if r.default)

    def single_exercise_routine(self, exercise_id: str) -> Routine:
        """A one-item routine so a single exercise is coached by the same engine path."""
        exercise = self.exercises[exercise_id]
        return Routine(
            id=f"exercise:{exercise.id}",
            name=exercise.name,
            aliases=(),
            description=exercise.helps,
            items=(RoutineItem(exercise=exercise, timing=exercise.timing),),
        )

    def exercises_named(self, alias: str) -> tuple[str, ...]:
        """Every exercise a spoken name may mean: one for its own name, several for a shared one."""
        spoken = alias.strip().lower()
        own = [e.id for e in self.exercises.values() if spoken in (e.name.lower(), *e.aliases)]
        return tuple(own) or tuple(
            e.id for e in self.exercises.values() if spoken in e.shared_aliases
        )

    def plan(self, routine_id: str) -> Routine:
        """The routine for a position's routine id, including single-exercise sessions."""
        if routine_id.startswith("exercise:"):
            return self.single_exercise_routine(routine_id.removeprefix("exercise:"))
        return self.routines[routine_id]


def content_dir() -> Path:
    return Path(os.environ.get(CONTENT_DIR_ENV) or DEFAULT_CONTENT_DIR)


@cache
def _validators(schema_path: Path) -> dict[str, Draft202012Validator]:
    root = json.loads(schema_path.read_text(encoding="utf-8"))
    return {
        kind: Draft202012Validator({"$defs": root["$defs"], "$ref": f"#/$defs/{kind}"})
        for kind in ("exercise", "routine", "complete_timing")
    }


def _field_path(path: Iterable[Any]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _validate(validator: Draft202012Validator, data: Any, file: str, prefix: str = "") -> None:
    errors = sorted(validator.iter_errors(data), key=lambda e: (len(e.absolute_path), e.message))
    if errors:
        error = errors[0]
        parts = list(error.absolute_path)
        missing = re.match(r"'(.+)' is a required property", error.message)
        if error.validator == "required" and missing:
            parts.append(missing.group(1))
        path = _field_path(parts)
        field_name = f"{prefix}.{path}" if prefix and path else (prefix or path)
        raise ContentError(file, field_name, error.message)


def _read_json(path: Path, root: Path) -> tuple[str, Any]:
    name = str(path.relative_to(root.parent)) if path.is_relative_to(root.parent) else str(path)
    try:
        return name, json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ContentError(name, f"line {exc.lineno} column {exc.colno}", exc.msg) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(name, "", f"cannot read: {exc}") from exc


def _load_exercise(name: str, data: dict[str, Any], validators: dict) -> Exercise:
    _validate(validators["exercise"], data, name)
    timing = Timing.from_json(data["timing"])
    variation_ids = {v["id"] for v in data.get("variations", [])}
    _check_variations(timing, variation_ids, name, "timing.variations")
    return Exercise(
        id=data["id"],
        name=data["name"],
        aliases=tuple(data["aliases"]),
        helps=data["helps"],
        equipment=tuple(data["equipment"]),
        starting_position=data["starting_position"],
        instructions=tuple(data["instructions"]),
        cue=data["cue"],
        action=data["action"],
        release=data.get("release", "and release"),
        limb=data["limb"],
        first_side=data.get("first_side", "right"),
        variations=tuple(Variation(v["id"], v["say"]) for v in data.get("variations", [])),
        safety=tuple(data["safety"]),
        setup_seconds=data["setup_seconds"],
        timing=timing,
        timing_json=data["timing"],
        sources=tuple(data["sources"]),
        get_ready=data["get_ready"],
        side_cue=dict(data.get("side_cue", {})),
        shared_aliases=tuple(data.get("shared_aliases", ())),
    )


def _check_variations(timing: Timing, known: set[str], file: str, field_name: str) -> None:
    for index, variation in enumerate(timing.variations):
        if variation not in known:
            raise ContentError(file, f"{field_name}[{index}]", f"unknown variation {variation!r}")
    if timing.frequency and timing.frequency.times_max < timing.frequency.times_min:
        raise ContentError(file, "timing.frequency.times_max", "is less than times_min")


def _load_routine(
    name: str, data: dict[str, Any], exercises: Mapping[str, Exercise], validators: dict
) -> Routine:
    _validate(validators["routine"], data, name)
    items = []
    for index, item in enumerate(data["items"]):
        where = f"items[{index}]"
        exercise = exercises.get(item["exercise"])
        if exercise is None:
            raise ContentError(name, f"{where}.exercise", f"unknown exercise {item['exercise']!r}")
        merged = merge_timing(exercise.timing_json, item.get("timing", {}))
        _validate(validators["complete_timing"], merged, name, f"{where}.timing")
        timing = Timing.from_json(merged)
        _check_variations(timing, {v.id for v in exercise.variations}, name, f"{where}.timing")
        ranges = {key: (float(lo), float(hi)) for key, (lo, hi) in item.get("ranges", {}).items()}
        for key, (lo, hi) in ranges.items():
            chosen = merged.get(key)
            if lo > hi:
                raise ContentError(name, f"{where}.ranges.{key}", "minimum is above maximum")
            if chosen is None or not lo <= chosen <= hi:
                raise ContentError(
                    name, f"{where}.ranges.{key}", f"chosen value {chosen!r} is outside {lo}-{hi}"
                )
        items.append(RoutineItem(exercise, timing, ranges, item.get("reading")))
    source = data.get("source")
    frequency = []
    for index, entry in enumerate(data.get("frequency", [])):
        where = f"frequency[{index}]"
        for exercise_id in entry.get("exercises", []):
            if exercise_id not in {i.exercise.id for i in items}:
                raise ContentError(name, f"{where}.exercises", f"{exercise_id!r} is not in it")
        times_max = entry.get("times_max", entry["times_min"])
        if times_max < entry["times_min"]:
            raise ContentError(name, f"{where}.times_max", "is less than times_min")
        frequency.append(
            RoutineFrequency(
                Frequency(entry["times_min"], times_max, entry["per"]),
                tuple(entry.get("exercises", ())),
            )
        )
    return Routine(
        id=data["id"],
        name=data["name"],
        aliases=tuple(data["aliases"]),
        description=data["description"],
        items=tuple(items),
        default=data.get("default", False),
        source_file=source["file"] if source else None,
        source_title=source["title"] if source else None,
        purpose=data["purpose"],
        frequency=tuple(frequency),
    )


REP_KINDS = ("hold_seconds", "work_seconds", "rep_seconds")


def merge_timing(default: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """An item's timing over the exercise's default.

    An override that says what a rep is (a hold, work or counted movement) replaces the
    default's kind of rep instead of adding a second one.
    """
    base = dict(default)
    if any(kind in override for kind in REP_KINDS):
        for kind in REP_KINDS:
            base.pop(kind, None)
    return {**base, **override}


def _check_unique_aliases(records: Iterable[Exercise | Routine], kind: str) -> None:
    seen: dict[str, str] = {}
    for record in records:
        for alias in (record.name.lower(), *record.aliases):
            owner = seen.setdefault(alias, record.id)
            if owner != record.id:
                raise ContentError(
                    f"content/{kind}/{record.id}.json",
                    "aliases",
                    f"{alias!r} already names {owner!r}",
                )


def _check_shared_aliases(exercises: Iterable[Exercise]) -> None:
    """A shared alias is generic: it names two or more exercises and nobody's own name."""
    records = list(exercises)
    own = {alias: e.id for e in records for alias in (e.name.lower(), *e.aliases)}
    for exercise in records:
        for alias in exercise.shared_aliases:
            sharers = [e.id for e in records if alias in e.shared_aliases]
            if alias in own:
                raise ContentError(
                    f"content/exercises/{exercise.id}.json",
                    "shared_aliases",
                    f"{alias!r} is already the own name of {own[alias]!r}",
                )
            if len(sharers) < 2:
                raise ContentError(
                    f"content/exercises/{exercise.id}.json",
                    "shared_aliases",
                    f"{alias!r} names only this exercise: make it an alias",
                )


def load_library(root: Path | None = None) -> Library:
    """Load and check every content file under ``root`` (default: the repository's content/)."""
    root = Path(root) if root else content_dir()
    validators = _validators(root / "schema" / "content.schema.json")
    exercises: dict[str, Exercise] = {}
    for path in sorted((root / "exercises").glob("*.json")):
        name, data = _read_json(path, root)
        exercise = _load_exercise(name, data, validators)
        if exercise.id != path.stem:
            raise ContentError(name, "id", f"{exercise.id!r} does not match the file name")
        exercises[exercise.id] = exercise
    routines: dict[str, Routine] = {}
    for path in sorted((root / "routines").glob("*.json")):
        name, data = _read_json(path, root)
        routine = _load_routine(name, data, exercises, validators)
        if routine.id != path.stem:
            raise ContentError(name, "id", f"{routine.id!r} does not match the file name")
        routines[routine.id] = routine
    if not exercises:
        raise ContentError(str(root / "exercises"), "", "no exercises found")
    defaults = [r.id for r in routines.values() if r.default]
    if len(defaults) != 1:
        raise ContentError(
            str(root / "routines"), "default", f"need one default routine, got {defaults}"
        )
    _check_unique_aliases(exercises.values(), "exercises")
    _check_shared_aliases(exercises.values())
    _check_unique_aliases(routines.values(), "routines")
    return Library(exercises=exercises, routines=routines)
