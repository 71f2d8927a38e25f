"""Content is validated strictly: broken JSON names its file and field and stops loading."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from skill.cli import main
from skill.library import (
    VALIDATED_FILE,
    ContentError,
    load_library,
    record_validated,
)

SOURCES = Path(__file__).resolve().parents[2] / "shared" / "sources"


def edit(path: Path, change) -> None:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def test_all_content_is_valid(library):
    assert len(library.exercises) >= 13
    assert len(library.routines) >= 7


REQUIRED_EXERCISES = [
    "toe_press",
    "toe_walking",
    "ankle_circles",
    "resistance_band_flexion",
    "toe_pencil_grasp",
    "tibialis_anterior_stretch",
    "towel_toe_curls",
    "single_leg_heel_raises",
    "seated_toe_stretch",
    "tiptoe_stand",
    "hip_rotations",
    "tennis_ball_massage",
    "lying_towel_leg_stretch",
]


@pytest.mark.parametrize("exercise_id", REQUIRED_EXERCISES)
def test_every_exercise_from_the_articles_exists(library, exercise_id):
    exercise = library.exercises[exercise_id]
    assert exercise.instructions and exercise.cue and exercise.safety
    for source in exercise.sources:
        assert source in {p.name for p in SOURCES.glob("*.txt")} or not SOURCES.exists()


@pytest.mark.parametrize(
    "word", ["cure", "cures", "heal", "heals", "relieve", "relieves", "fix", "fixes", "treat"]
)
def test_no_medical_claims_in_what_an_exercise_helps(library, word):
    for exercise in library.exercises.values():
        assert word not in exercise.helps.lower().replace(".", "").split(), exercise.id


def test_composed_routines_exist(library, coach):
    composed = [r for r in library.routines.values() if r.source_file is None]
    quick = [r for r in composed if 240 <= coach.total_seconds(r.id) <= 420]
    no_equipment = [r for r in composed if all(not i.exercise.needs_equipment for i in r.items)]
    assert quick, "a quick routine of about five minutes"
    assert no_equipment, "a routine needing no equipment"


BROKEN = [
    # (file, change, field named in the error)
    ("exercises/toe_press.json", lambda d: d["timing"].update(reps=0), "timing.reps"),
    ("exercises/toe_press.json", lambda d: d.pop("cue"), "cue"),
    ("exercises/toe_press.json", lambda d: d["timing"].update(work_seconds=5), "timing"),
    ("exercises/toe_press.json", lambda d: d.update(equipment=["trampoline"]), "equipment[0]"),
    (
        "exercises/toe_press.json",
        lambda d: d["timing"].update(hold_seconds="3"),
        "timing.hold_seconds",
    ),
    (
        "routines/classic.json",
        lambda d: d["items"][0].update(exercise="moonwalk"),
        "items[0].exercise",
    ),
    (
        "routines/classic.json",
        lambda d: d["items"][0].update(ranges={"hold_seconds": [7, 9]}),
        "items[0].ranges.hold_seconds",
    ),
    (
        "routines/classic.json",
        lambda d: d["items"][0]["timing"].update(rest_between_reps_seconds=-1),
        "items[0].timing.rest_between_reps_seconds",
    ),
    ("routines/classic.json", lambda d: d.update(default=False), "default"),
    (  # both feet at once, for an exercise that has no sides to begin with
        "exercises/toe_press.json",
        lambda d: d["levels"]["gentle"].update(sides="both"),
        "levels.gentle.sides",
    ),
    (  # another way of doing it, with no supported version to say it
        "exercises/toe_press.json",
        lambda d: d["levels"]["harder"].update(cue="Grip harder."),
        "levels.harder",
    ),
]


@pytest.mark.parametrize("fingerprinted", [False, True], ids=["fresh", "checked before"])
@pytest.mark.parametrize(("file", "change", "field"), BROKEN)
def test_broken_content_names_file_and_field(content_copy, file, change, field, fingerprinted):
    """Broken content stops loading, also where the content was checked before the edit:
    the fingerprint no longer matches, so every check runs again."""
    if fingerprinted:
        record_validated(content_copy)
    edit(content_copy / file, change)
    with pytest.raises(ContentError) as raised:
        load_library(content_copy)
    assert raised.value.field == field
    assert Path(file).name in raised.value.file or file.split("/")[0] in raised.value.file


def test_invalid_json_names_file_and_line(content_copy):
    (content_copy / "exercises" / "toe_press.json").write_text('{"id": "toe_press",\n  oops}')
    with pytest.raises(ContentError) as raised:
        load_library(content_copy)
    assert raised.value.file.endswith("toe_press.json")
    assert raised.value.field.startswith("line 2")


def test_duplicate_alias_across_exercises_is_refused(content_copy):
    edit(
        content_copy / "exercises" / "tiptoe_stand.json", lambda d: d["aliases"].append("toe press")
    )
    with pytest.raises(ContentError, match="toe press"):
        load_library(content_copy)


def imports_on_load(root: Path) -> list[str]:
    """Load the library at ``root`` in a fresh Python: the schema modules it imported."""
    script = (
        "import json, sys; from skill.library import load_library; "
        f"load_library({str(root)!r}); "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'jsonschema')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def test_checked_content_starts_without_the_schema_checks(content_copy):
    (content_copy / VALIDATED_FILE).unlink(missing_ok=True)
    assert imports_on_load(content_copy), "unchecked content is checked against the schema"
    written = record_validated(content_copy)
    assert written == content_copy / VALIDATED_FILE
    assert imports_on_load(content_copy) == []
    # any change to any content file (the schema included) means checking in full again
    schema = content_copy / "schema" / "content.schema.json"
    schema.write_text(schema.read_text() + "\n")
    assert imports_on_load(content_copy)


def test_a_forged_fingerprint_does_not_skip_the_checks(content_copy):
    edit(content_copy / "exercises" / "ankle_circles.json", lambda d: d["timing"].update(sets=-2))
    (content_copy / VALIDATED_FILE).write_text("0" * 64 + "\n")
    with pytest.raises(ContentError, match=r"timing\.sets"):
        load_library(content_copy)
    with pytest.raises(ContentError, match=r"timing\.sets"):
        record_validated(content_copy)
    assert (content_copy / VALIDATED_FILE).read_text() == "0" * 64 + "\n"


def test_check_command_fails_with_file_and_field(content_copy, monkeypatch):
    edit(content_copy / "exercises" / "ankle_circles.json", lambda d: d["timing"].update(sets=-2))
    monkeypatch.setenv("FOOTCOACH_CONTENT", str(content_copy))
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code != 0
    assert "ankle_circles.json" in result.output and "timing.sets" in result.output


def test_check_command_lists_every_routine(library):
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 0, result.output
    for routine in library.routines.values():
        line = next(
            line for line in result.output.splitlines() if line.startswith(routine.id + " ")
        )
        assert f"{len(routine.items)} exercises" in line
        assert "min" in line


def test_say_prints_ssml_of_one_exercise(library):
    result = CliRunner().invoke(main, ["say", "classic", "--exercise", "2"])
    assert result.exit_code == 0, result.output
    second = library.routines["classic"].items[1].exercise.name
    assert result.output.count("<speak>") >= 1
    assert second in result.output.lower()
    assert "exercise 1," not in result.output


def test_say_unknown_routine_is_a_clear_error():
    result = CliRunner().invoke(main, ["say", "moonwalk"])
    assert result.exit_code != 0
    assert "no routine" in result.output
