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
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any, Literal

from jsonschema import Draft202012Validator

DEFAULT_CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"
CONTENT_DIR_ENV = "FOOTCOACH_CONTENT"

Sides = Literal["each", "both", "none"]

#: Levels a person can ask for; "standard" is the routine's or exercise's own dose.
LEVELS = ("gentle", "standard", "harder")
#: Routine ids: a planned routine is "plan:<area or all>:<exercise>,<exercise>..."; any routine
#: id may end "@<exercise>=<level>,..." to play those exercises at another level.
PLAN_PREFIX = "plan:"
EXERCISE_PREFIX = "exercise:"
LEVEL_MARK = "@"
ANY_AREA = "all"


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
class AreaClaim:
    """An article's word that an exercise helps a body area (the planner's reason to pick it)."""

    area: str
    source: str
    scope: Literal["exercise", "article"]
    quote: str


@dataclass(frozen=True)
class LevelDose:
    """How an exercise changes at a level: dose fields, and the supported version to say."""

    timing: Mapping[str, float] = field(default_factory=dict, compare=False)
    supported: str | None = None
    reading: str = ""


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
    areas: tuple[AreaClaim, ...] = ()
    levels: Mapping[str, LevelDose] = field(default_factory=dict, compare=False, repr=False)

    def variation(self, variation_id: str) -> Variation:
        return next(v for v in self.variations if v.id == variation_id)

    @property
    def needs_equipment(self) -> bool:
        return self.equipment != ("none",)


@dataclass(frozen=True)
class RoutineItem:
    """One exercise in a routine, with the dose this routine (or its article) gives it."""

    exercise: Exercise
    timing: Timing
    ranges: Mapping[str, tuple[float, float]] = field(default_factory=dict, compare=False)
    reading: str | None = None


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


@dataclass(frozen=True)
class Equipment:
    """Something a person may have or lack; which exercises and positions need it."""

    id: str
    exercise_equipment: tuple[str, ...] = ()
    starting_positions: tuple[str, ...] = ()
    assumed: bool = True


@dataclass(frozen=True)
class Posture:
    """Standing, seated or on the floor: plans keep each together, in this order."""

    id: str
    starting_positions: tuple[str, ...]


@dataclass(frozen=True)
class PlanCatalogue:
    """content/planning.json: what the planner knows beyond the exercises."""

    equipment: tuple[Equipment, ...] = ()
    postures: tuple[Posture, ...] = ()
    areas: tuple[str, ...] = ()
    default_minutes: int = 10

    def needs(self, exercise: Exercise) -> frozenset[str]:
        """The equipment ids an exercise needs, from its equipment and its starting position."""
        return frozenset(
            e.id
            for e in self.equipment
            if set(e.exercise_equipment) & set(exercise.equipment)
            or exercise.starting_position in e.starting_positions
        )

    def posture(self, exercise: Exercise) -> int:
        """The exercise's posture as an index into ``postures`` (the order plans follow)."""
        return next(
            i
            for i, p in enumerate(self.postures)
            if exercise.starting_position in p.starting_positions
        )


@dataclass(frozen=True)
class Library:
    """Every exercise and routine, looked up by id (the entity-resolution id Alexa sends)."""

    exercises: Mapping[str, Exercise]
    routines: Mapping[str, Routine]
    catalogue: PlanCatalogue = field(default_factory=PlanCatalogue, compare=False)

    @property
    def default_routine(self) -> Routine:
        return next(r for r in self.routines.values() if r.default)

    def single_exercise_routine(self, exercise_id: str) -> Routine:
        """A one-item routine so a single exercise is coached by the same engine path."""
        exercise = self.exercises[exercise_id]
        return Routine(
            id=f"{EXERCISE_PREFIX}{exercise.id}",
            name=exercise.name,
            aliases=(),
            description=exercise.helps,
            items=(RoutineItem(exercise=exercise, timing=exercise.timing),),
        )

    def planned_routine(self, routine_id: str) -> Routine:
        """The routine a 'plan:<area>:<exercise>,...' id names, each at its own dose.

        KeyError for anything that is not a well-formed plan of known exercises, so a
        position naming a broken plan is treated as no position at all.
        """
        area, _, listed = routine_id.removeprefix(PLAN_PREFIX).partition(":")
        ids = listed.split(",")
        if area != ANY_AREA and area not in self.catalogue.areas:
            raise KeyError(routine_id)
        if not listed or len(set(ids)) != len(ids) or not set(ids) <= self.exercises.keys():
            raise KeyError(routine_id)
        from skill.words import load_words  # late: words are only needed to name a plan

        return Routine(
            id=routine_id,
            name=load_words().say(f"plans.routine_name_{area}"),
            aliases=(),
            description="",
            items=tuple(RoutineItem(self.exercises[i], self.exercises[i].timing) for i in ids),
        )

    def plan(self, routine_id: str) -> Routine:
        """The routine for a position's routine id: named, one exercise, or planned, at levels."""
        base, mark, levels = routine_id.partition(LEVEL_MARK)
        if base.startswith(EXERCISE_PREFIX):
            routine = self.single_exercise_routine(base.removeprefix(EXERCISE_PREFIX))
        elif base.startswith(PLAN_PREFIX):
            routine = self.planned_routine(base)
        else:
            routine = self.routines[base]
        if not mark:
            return routine
        chosen = parse_levels(levels)
        if not chosen.keys() <= {item.exercise.id for item in routine.items}:
            raise KeyError(routine_id)
        items = tuple(
            at_level(item, chosen.get(item.exercise.id, "standard")) for item in routine.items
        )
        return replace(routine, id=routine_id, items=items)


def parse_levels(text: str) -> dict[str, str]:
    """'toe_press=gentle,tiptoe_stand=harder' -> {exercise id: level}; KeyError if malformed."""
    chosen: dict[str, str] = {}
    for pair in text.split(","):
        exercise_id, _, level = pair.partition("=")
        if level not in LEVELS or level == "standard" or exercise_id in chosen:
            raise KeyError(text)
        chosen[exercise_id] = level
    if not chosen:
        raise KeyError(text)
    return chosen


def with_levels(routine_id: str, levels: Mapping[str, str]) -> str:
    """A routine id whose exercises play at ``levels`` (standard ones left out), canonically."""
    base = routine_id.partition(LEVEL_MARK)[0]
    pairs = [f"{e}={lvl}" for e, lvl in sorted(levels.items()) if lvl != "standard"]
    return f"{base}{LEVEL_MARK}{','.join(pairs)}" if pairs else base


def base_routine_id(routine_id: str) -> str:
    """The routine id without its levels: what completions and 'last routine' remember."""
    return routine_id.partition(LEVEL_MARK)[0]


def at_level(item: RoutineItem, level: str) -> RoutineItem:
    """A routine item at a level: gentle never above, harder never below the item's own dose.

    The content's level says which dose fields change (from an article's range); a field the
    item's kind of rep does not use is left alone. Gentle also says the supported version.
    """
    dose = item.exercise.levels.get(level)
    if dose is None:
        return item
    pick = min if level == "gentle" else max
    changes = {
        key: pick(getattr(item.timing, key), value)
        for key, value in dose.timing.items()
        if getattr(item.timing, key) is not None
    }
    exercise = item.exercise
    if dose.supported:
        exercise = replace(
            exercise,
            instructions=(*exercise.instructions, dose.supported),
            cue=f"{exercise.cue} {dose.supported}",
        )
    return replace(item, exercise=exercise, timing=replace(item.timing, **changes))


def content_dir() -> Path:
    return Path(os.environ.get(CONTENT_DIR_ENV) or DEFAULT_CONTENT_DIR)


@cache
def _validators(schema_path: Path) -> dict[str, Draft202012Validator]:
    root = json.loads(schema_path.read_text(encoding="utf-8"))
    return {
        kind: Draft202012Validator({"$defs": root["$defs"], "$ref": f"#/$defs/{kind}"})
        for kind in ("exercise", "routine", "complete_timing", "plans")
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
        areas=tuple(
            AreaClaim(a["area"], a["source"], a["scope"], a["quote"]) for a in data["areas"]
        ),
        levels=_load_levels(name, data, timing),
    )


def _load_levels(name: str, data: dict[str, Any], timing: Timing) -> dict[str, LevelDose]:
    """Gentle must change something and never raise the dose; harder never lowers it."""
    levels = {}
    for level, raw in data["levels"].items():
        dose = LevelDose(raw.get("timing", {}), raw.get("supported"), raw["reading"])
        for key, value in dose.timing.items():
            default = getattr(timing, key)
            if default is None:
                raise ContentError(name, f"levels.{level}.timing.{key}", "the exercise has none")
            if (level == "gentle" and value > default) or (level == "harder" and value < default):
                word = "above" if level == "gentle" else "below"
                raise ContentError(
                    name, f"levels.{level}.timing.{key}", f"{value} is {word} the default {default}"
                )
        if level == "gentle" and not dose.timing and not dose.supported:
            raise ContentError(name, "levels.gentle", "changes neither the dose nor the support")
        levels[level] = dose
    for index, claim in enumerate(data["areas"]):
        if claim["source"] not in data["sources"]:
            raise ContentError(name, f"areas[{index}].source", "is not one of the sources")
    return levels


def _load_catalogue(
    root: Path, validators: dict, exercises: Mapping[str, Exercise]
) -> PlanCatalogue:
    name, data = _read_json(root / "planning.json", root)
    _validate(validators["plans"], data, name)
    catalogue = PlanCatalogue(
        equipment=tuple(
            Equipment(
                e["id"],
                tuple(e.get("exercise_equipment", ())),
                tuple(e.get("starting_positions", ())),
                e["assumed"],
            )
            for e in data["equipment"]
        ),
        postures=tuple(Posture(p["id"], tuple(p["starting_positions"])) for p in data["postures"]),
        areas=tuple(data["areas"]),
        default_minutes=data["default_minutes"],
    )
    named = {n for e in catalogue.equipment for n in e.exercise_equipment}
    for exercise in exercises.values():
        where = f"content/exercises/{exercise.id}.json"
        if not any(exercise.starting_position in p.starting_positions for p in catalogue.postures):
            raise ContentError(where, "starting_position", f"not in any posture of {name}")
        missing = set(exercise.equipment) - named - {"none"}
        if missing:
            raise ContentError(where, "equipment", f"{sorted(missing)} not in {name}")
        unknown = {c.area for c in exercise.areas} - set(catalogue.areas)
        if unknown:
            raise ContentError(where, "areas", f"{sorted(unknown)} not in {name}")
    return catalogue


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
    return Routine(
        id=data["id"],
        name=data["name"],
        aliases=tuple(data["aliases"]),
        description=data["description"],
        items=tuple(items),
        default=data.get("default", False),
        source_file=source["file"] if source else None,
        source_title=source["title"] if source else None,
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
    _check_unique_aliases(routines.values(), "routines")
    catalogue = _load_catalogue(root, validators, exercises)
    return Library(exercises=exercises, routines=routines, catalogue=catalogue)
