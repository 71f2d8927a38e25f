"""The exercise library: content JSON loaded, validated and turned into typed records.

Content is data. Nothing in code knows an exercise by name; everything the engine and the
skill say comes from these records. Loading is strict because a typo in a JSON file must stop
start-up with a message naming the file and the field, not surface as a wrong silence length
in someone's living room.

The JSON Schema checks (and importing ``jsonschema``) were most of a cold start, so they run
in full at ``footcoach check`` and ``footcoach build-lambda``, which then write a fingerprint
of exactly what passed (this module's code and every content file) beside the content. At
start-up the content is fingerprinted again: the same fingerprint skips the schema checks,
anything else (an edited file, a new one, no fingerprint) runs them all, so broken content
still stops start-up naming its file and field. The meaning checks always run.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import field, replace
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from zlib import adler32, crc32

from skill.values import Value, value_class

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

DEFAULT_CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"
CONTENT_DIR_ENV = "FOOTCOACH_CONTENT"
#: Beside the content: the fingerprint of the content that last passed every check.
VALIDATED_FILE = ".validated"

Sides = Literal["each", "both", "none"]
#: Equipment values every home has: an exercise needing only these needs no equipment.
HOUSEHOLD = frozenset({"none", "chair", "wall", "mat"})

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


@value_class
class Frequency(Value):
    """How often the article suggests doing it (spoken in how-to, never timed)."""

    times_min: int
    times_max: int
    per: Literal["day", "week"]


@value_class
class Timing(Value):
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


@value_class
class Variation(Value):
    id: str
    say: str


@value_class
class AreaClaim(Value):
    """An article's word that an exercise helps a body area (the planner's reason to pick it)."""

    area: str
    source: str
    scope: Literal["exercise", "article"]
    quote: str


@value_class
class LevelDose(Value):
    """How an exercise changes at a level: dose fields, and the supported version to say."""

    timing: Mapping[str, float] = field(default_factory=dict, compare=False)
    supported: str | None = None
    reading: str = ""
    #: A version done another way ("keep both feet down"): its own steps, cue, rep words
    #: and sides, in place of the exercise's, so nothing said contradicts it.
    instructions: tuple[str, ...] = ()
    name: str | None = None
    cue: str | None = None
    action: str | None = None
    sides: Sides | None = None
    #: The safety notes at this level, when the supported version already says one of them.
    safety: tuple[str, ...] = ()


@value_class
class Exercise(Value):
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
    areas: tuple[AreaClaim, ...] = ()
    levels: Mapping[str, LevelDose] = field(default_factory=dict, compare=False, repr=False)

    def variation(self, variation_id: str) -> Variation:
        return next(v for v in self.variations if v.id == variation_id)

    @property
    def needs_equipment(self) -> bool:
        """Whether it needs something a home may not have (a chair, wall or bed it has)."""
        return bool(set(self.equipment) - HOUSEHOLD)


@value_class
class RoutineItem(Value):
    """One exercise in a routine, with the dose this routine (or its article) gives it."""

    exercise: Exercise
    timing: Timing
    ranges: Mapping[str, tuple[float, float]] = field(default_factory=dict, compare=False)
    reading: str | None = None


@value_class
class RoutineFrequency(Value):
    """How often the article says to do the routine, or only some of its exercises."""

    frequency: Frequency
    exercises: tuple[str, ...] = ()  # empty: the whole routine


@value_class
class Routine(Value):
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


@value_class
class Equipment(Value):
    """Something a person may have or lack; which exercises and positions need it."""

    id: str
    exercise_equipment: tuple[str, ...] = ()
    starting_positions: tuple[str, ...] = ()
    assumed: bool = True


@value_class
class Posture(Value):
    """Standing, seated, on the floor or lying down: plans keep each together, in this order,
    and leave out the ones a person cannot do."""

    id: str
    starting_positions: tuple[str, ...]


@value_class
class PlanCatalogue(Value):
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

    def posture_id(self, exercise: Exercise) -> str:
        """The exercise's posture: 'standing', 'seated', 'floor' or 'lying'."""
        return self.postures[self.posture(exercise)].id

    @property
    def posture_ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.postures)


@value_class
class Library(Value):
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

    def exercises_named(self, alias: str) -> tuple[str, ...]:
        """Every exercise a spoken name may mean: one for its own name, several for a shared one."""
        spoken = alias.strip().lower()
        own = [e.id for e in self.exercises.values() if spoken in (e.name.lower(), *e.aliases)]
        return tuple(own) or tuple(
            e.id for e in self.exercises.values() if spoken in e.shared_aliases
        )

    @cached_property
    def codes(self) -> dict[str, str]:
        """Exercise id -> its short code in planned and levelled routine ids ('tp').

        Ids are kept short because a position travels in the session, which stays small.
        """
        return {i: "".join(word[0] for word in i.split("_")) for i in self.exercises}

    @cached_property
    def _by_code(self) -> dict[str, str]:
        return {code: i for i, code in self.codes.items()}

    def plan_id(self, area: str | None, exercise_ids: Iterable[str]) -> str:
        """'plan:knees:tp.ac': the routine id of these exercises, planned for an area."""
        codes = ".".join(self.codes[i] for i in exercise_ids)
        return f"{PLAN_PREFIX}{area or ANY_AREA}:{codes}"

    def plan_area(self, routine_id: str) -> str | None:
        """The body area a plan's id was made for ('plan:knees:...@...' -> 'knees'); None for
        any other routine, and for a plan made for no area in particular."""
        if not routine_id.startswith(PLAN_PREFIX):
            return None
        area = routine_id.removeprefix(PLAN_PREFIX).partition(":")[0]
        return area if area != ANY_AREA and area in self.catalogue.areas else None

    def planned_routine(self, routine_id: str) -> Routine:
        """The routine a 'plan:<area>:<code>.<code>...' id names, each at its own dose.

        KeyError for anything that is not a well-formed plan of known exercises, so a
        position naming a broken plan is treated as no position at all.
        """
        area, _, listed = routine_id.removeprefix(PLAN_PREFIX).partition(":")
        codes = listed.split(".")
        if area != ANY_AREA and area not in self.catalogue.areas:
            raise KeyError(routine_id)
        if not listed or len(set(codes)) != len(codes) or not set(codes) <= self._by_code.keys():
            raise KeyError(routine_id)
        from skill.words import load_words  # late: words are only needed to name a plan

        items = tuple(
            RoutineItem(self.exercises[i], self.exercises[i].timing)
            for i in (self._by_code[c] for c in codes)
        )
        name = load_words().say(f"plans.routine_name_{area}")
        return Routine(id=routine_id, name=name, aliases=(), description="", items=items)

    def plan(self, routine_id: str) -> Routine:
        """The routine for a position's routine id: named, one exercise, or planned, at levels."""
        base, mark, _ = routine_id.partition(LEVEL_MARK)
        if base.startswith(EXERCISE_PREFIX):
            routine = self.single_exercise_routine(base.removeprefix(EXERCISE_PREFIX))
        elif base.startswith(PLAN_PREFIX):
            routine = self.planned_routine(base)
        else:
            routine = self.routines[base]
        if not mark:
            return routine
        chosen = self.levels_of(routine_id, routine)
        items = tuple(at_level(item, chosen[item.exercise.id]) for item in routine.items)
        if base.startswith(EXERCISE_PREFIX):  # one exercise: called as it is at this level
            return replace(routine, id=routine_id, items=items, name=items[0].exercise.name)
        return replace(routine, id=routine_id, items=items)

    def levels_of(self, routine_id: str, routine: Routine | None = None) -> dict[str, str]:
        """Exercise id -> level for every exercise of a routine id; KeyError if malformed.

        After '@': 'g' or 'h' sets every exercise's level, 'tp=g' one exercise's (codes).
        """
        base, mark, text = routine_id.partition(LEVEL_MARK)
        ids = [item.exercise.id for item in (routine or self.plan(base)).items]
        levels = dict.fromkeys(ids, "standard")
        if not mark:
            return levels
        entries = text.split(",")
        if entries[0] in LEVEL_LETTERS.values():
            levels = dict.fromkeys(ids, _LEVEL_BY_LETTER[entries[0]])
            entries = entries[1:]
        seen = set()
        for entry in entries:
            code, _, letter = entry.partition("=")
            exercise_id = self._by_code.get(code)
            if exercise_id not in levels or letter not in _LEVEL_BY_LETTER or code in seen:
                raise KeyError(routine_id)
            seen.add(code)
            levels[exercise_id] = _LEVEL_BY_LETTER[letter]
        if with_levels_text(self, levels) != text:  # one spelling per routine: ids stay few
            raise KeyError(routine_id)
        return levels

    def with_levels(self, routine_id: str, levels: Mapping[str, str]) -> str:
        """The routine id with its exercises at ``levels`` (others standard), canonically."""
        base = routine_id.partition(LEVEL_MARK)[0]
        ids = [item.exercise.id for item in self.plan(base).items]
        text = with_levels_text(self, {i: levels.get(i, "standard") for i in ids})
        return f"{base}{LEVEL_MARK}{text}" if text else base


#: Levels as they are written in routine ids.
LEVEL_LETTERS = {"gentle": "g", "standard": "s", "harder": "h"}
_LEVEL_BY_LETTER = {letter: level for level, letter in LEVEL_LETTERS.items()}


def with_levels_text(library: Library, levels: Mapping[str, str]) -> str:
    """'g', 'g,tp=h', 'tp=g': the most common non-standard level for all, then exceptions."""
    counts = Counter(levels.values())
    default = max(
        (lvl for lvl in LEVELS if lvl != "standard" and counts[lvl] > counts["standard"]),
        key=lambda lvl: (counts[lvl], lvl),
        default="standard",
    )
    entries = [] if default == "standard" else [LEVEL_LETTERS[default]]
    entries += [
        f"{library.codes[i]}={LEVEL_LETTERS[lvl]}" for i, lvl in levels.items() if lvl != default
    ]
    return ",".join(entries)


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
            instructions=dose.instructions or (*exercise.instructions, dose.supported),
            name=dose.name or exercise.name,
            cue=dose.cue or f"{exercise.cue} {dose.supported}",
            action=dose.action or exercise.action,
            safety=dose.safety or exercise.safety,
        )
    if dose.sides is not None:
        changes["sides"] = dose.sides
    return replace(item, exercise=exercise, timing=replace(item.timing, **changes))


def content_dir() -> Path:
    return Path(os.environ.get(CONTENT_DIR_ENV) or DEFAULT_CONTENT_DIR)


def content_fingerprint(root: Path) -> str:
    """Checksums of the checking code and every content file under ``root``, names and bytes.

    CRC-32 and Adler-32 of one stream, not a cryptographic hash: the fingerprint only has to
    notice that content changed since it was checked in full (whoever can change the content
    can change the fingerprint beside it too), and it is computed at every start, where
    importing hashlib (OpenSSL) cost 4-5 ms and zlib costs half of one.
    """
    crc, adler = 0, 1
    for chunk in _fingerprinted(root):
        crc, adler = crc32(chunk, crc), adler32(chunk, adler)
    return f"{crc:08x}{adler:08x}"


def _fingerprinted(root: Path) -> Iterable[bytes]:
    yield Path(__file__).read_bytes()
    for path in sorted(root.rglob("*.json")):
        data = path.read_bytes()
        yield f"{path.relative_to(root).as_posix()}\0{len(data)}\0".encode()
        yield data


def _validated_before(root: Path) -> bool:
    try:
        recorded = (root / VALIDATED_FILE).read_text(encoding="utf-8").strip()
        return recorded == content_fingerprint(root)
    except OSError:
        return False


def record_validated(root: Path | None = None, into: Path | None = None) -> Path:
    """Check everything under ``root`` in full, then write its fingerprint (to ``into``).

    :raises ContentError: if anything is broken; nothing is written then.
    :raises OSError: if the fingerprint cannot be written.
    """
    root = Path(root) if root else content_dir()
    load_library(root, full=True)
    target = Path(into or root) / VALIDATED_FILE
    target.write_text(content_fingerprint(root) + "\n", encoding="utf-8")
    return target


@cache
def _validators(schema_path: Path) -> dict[str, Draft202012Validator]:
    from jsonschema import Draft202012Validator  # here: a validated start never imports it

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


def _validate(
    validator: Draft202012Validator | None, data: Any, file: str, prefix: str = ""
) -> None:
    if validator is None:  # this exact content passed the schema before (see the docstring)
        return
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
        areas=tuple(
            AreaClaim(a["area"], a["source"], a["scope"], a["quote"]) for a in data["areas"]
        ),
        levels=_load_levels(name, data, timing),
    )


def _load_levels(name: str, data: dict[str, Any], timing: Timing) -> dict[str, LevelDose]:
    """Gentle must change something and never raise the dose; harder never lowers it."""
    levels = {}
    for level, raw in data["levels"].items():
        dose = LevelDose(
            raw.get("timing", {}),
            raw.get("supported"),
            raw["reading"],
            instructions=tuple(raw.get("instructions", ())),
            name=raw.get("name"),
            cue=raw.get("cue"),
            action=raw.get("action"),
            sides=raw.get("sides"),
            safety=tuple(raw.get("safety", ())),
        )
        done_otherwise = (dose.instructions, dose.name, dose.cue, dose.action, dose.sides)
        if any((*done_otherwise, dose.safety)) and not dose.supported:
            raise ContentError(
                name, f"levels.{level}", "changes how it is done but says no supported version"
            )
        if dose.sides and timing.sides != "each":
            raise ContentError(name, f"levels.{level}.sides", "the exercise is not one-sided")
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


def load_library(root: Path | None = None, *, full: bool = False) -> Library:
    """Load and check every content file under ``root`` (default: the repository's content/).

    The schema checks are skipped when ``root`` holds the fingerprint of this very content
    (``record_validated``), unless ``full``.
    """
    root = Path(root) if root else content_dir()
    schema = root / "schema" / "content.schema.json"
    skip_schema = not full and _validated_before(root)
    validators = defaultdict(lambda: None) if skip_schema else _validators(schema)
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
    catalogue = _load_catalogue(root, validators, exercises)
    library = Library(exercises=exercises, routines=routines, catalogue=catalogue)
    owners: dict[str, str] = {}
    for exercise_id, code in library.codes.items():
        owner = owners.setdefault(code, exercise_id)
        if owner != exercise_id:
            raise ContentError(
                f"content/exercises/{exercise_id}.json",
                "id",
                f"its initials {code!r} are {owner!r}'s too: plans name exercises by initials",
            )
    return library
