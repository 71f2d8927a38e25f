"""What plans are made of: body areas cited from the articles, levels within the articles,
equipment and postures, and the words to say them."""

from __future__ import annotations

import re

import pytest
from test_content import SOURCES, edit

from skill.library import ContentError, RoutineItem, at_level, load_library
from skill.progress import Progress, Settings, merge, migrate
from skill.words import load_words

LIBRARY = load_library()


def normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u2019", "'").replace("\u2018", "'"))


@pytest.mark.skipif(not SOURCES.is_dir(), reason="the articles are not on this machine")
@pytest.mark.parametrize("exercise_id", sorted(LIBRARY.exercises))
def test_every_area_claim_quotes_its_article_verbatim(exercise_id):
    for claim in LIBRARY.exercises[exercise_id].areas:
        article = normalised((SOURCES / claim.source).read_text(encoding="utf-8"))
        assert normalised(claim.quote) in article, (exercise_id, claim.area, claim.source)


def test_every_area_has_an_exercise_the_articles_say_helps_it():
    for area in LIBRARY.catalogue.areas:
        assert any(
            c.area == area and c.scope == "exercise"
            for e in LIBRARY.exercises.values()
            for c in e.areas
        ), area


#: The articles' own numbers, read by hand: (exercise, level, field) -> value.
ARTICLE_ENDS = {
    ("toe_press", "harder", "hold_seconds"): 5,  # 001: "3-5 seconds"
    ("toe_walking", "gentle", "reps"): 1,  # 003: one walk of "20-30 seconds"
    ("toe_walking", "harder", "work_seconds"): 30,  # 003: "20-30 seconds"; 004: "about 30"
    ("ankle_circles", "gentle", "work_seconds"): 8,  # 003: "at least 8-10 seconds"
    ("ankle_circles", "harder", "work_seconds"): 10,  # 000, 001, 004: ten seconds
    ("resistance_band_flexion", "harder", "hold_seconds"): 15,  # 004: "up to 15 seconds"
    ("toe_pencil_grasp", "gentle", "reps"): 3,  # 003: "3 times with each foot"
    ("toe_pencil_grasp", "harder", "reps"): 5,  # 000, 004: "5 times"
    ("towel_toe_curls", "gentle", "reps"): 5,  # 002: "at least 5 times but aim for 10"
    ("towel_toe_curls", "harder", "reps"): 10,
}


@pytest.mark.parametrize(("key", "value"), sorted(ARTICLE_ENDS.items()))
def test_levels_take_the_ends_of_the_articles_ranges(key, value):
    exercise_id, level, field = key
    exercise = LIBRARY.exercises[exercise_id]
    standalone = RoutineItem(exercise, exercise.timing)
    assert getattr(at_level(standalone, level).timing, field) == value


@pytest.mark.parametrize("exercise_id", sorted(LIBRARY.exercises))
def test_harder_never_goes_past_any_article_and_gentle_is_gentler(exercise_id):
    exercise = LIBRARY.exercises[exercise_id]
    ceilings = {"hold_seconds": 15, "work_seconds": 180, "reps": 15, "sets": 5}
    for routine in LIBRARY.routines.values():
        for item in routine.items:
            if item.exercise.id != exercise_id:
                continue
            gentle, harder = at_level(item, "gentle"), at_level(item, "harder")
            for field, ceiling in ceilings.items():
                normal = getattr(item.timing, field)
                if normal is None:
                    continue
                assert getattr(gentle.timing, field) <= normal <= getattr(harder.timing, field)
                assert getattr(harder.timing, field) <= max(ceiling, normal)
    standalone = RoutineItem(exercise, exercise.timing)
    assert at_level(standalone, "gentle") != standalone, "gentle changes the dose or the support"


def test_every_area_and_equipment_has_words():
    words = load_words("en-US")
    for area in LIBRARY.catalogue.areas:
        assert words.has(f"plans.routine_name_{area}") and words.has(f"plans.for_area_{area}")
        assert area == "all" or words.has(f"plans.area_name_{area}")
    for equipment in LIBRARY.catalogue.equipment:
        assert words.has(f"plans.equipment_{equipment.id}")


def test_every_exercise_equipment_and_floor_position_needs_an_id():
    needs = {e: LIBRARY.catalogue.needs(x) for e, x in LIBRARY.exercises.items()}
    assert needs["resistance_band_flexion"] >= {"band", "mat"}
    assert needs["tennis_ball_massage"] == {"tennis_ball", "chair"}
    assert needs["toe_press"] == {"chair"}  # standing, with a chair back to hold
    assert needs["hip_rotations"] == {"wall"}


def test_a_gentle_dose_above_the_default_stops_start_up(content_copy):
    root = content_copy
    path = root / "exercises" / "ankle_circles.json"
    edit(path, lambda d: d["levels"]["gentle"].update(timing={"work_seconds": 12}))
    with pytest.raises(ContentError, match=r"ankle_circles\.json: levels\.gentle\.timing"):
        load_library(root)


def test_an_area_cited_from_an_article_not_in_sources_stops_start_up(content_copy):
    root = content_copy
    path = root / "exercises" / "hip_rotations.json"
    edit(path, lambda d: d["areas"][0].update(source="000_502f6728474d1c3d.txt"))
    with pytest.raises(ContentError, match=r"hip_rotations\.json: areas\[0\]\.source"):
        load_library(root)


def test_an_exercise_without_areas_stops_start_up(content_copy):
    root = content_copy
    edit(root / "exercises" / "toe_press.json", lambda d: d.pop("areas"))
    with pytest.raises(ContentError, match=r"toe_press\.json: areas"):
        load_library(root)


def test_equipment_unknown_to_planning_stops_start_up(content_copy):
    root = content_copy
    edit(root / "planning.json", lambda d: d["equipment"].pop(0))
    with pytest.raises(ContentError, match=r"band_foot_stretch\.json: equipment"):
        load_library(root)


# -- settings in the stored record ------------------------------------------------------


def test_a_version_1_record_gets_empty_settings():
    record = {"schema_version": 1, "disclaimer_heard": True, "completions": []}
    migrated = migrate(record)
    assert migrated["schema_version"] >= 2 and "settings" not in record
    assert Progress.from_json(record).settings == Settings()


def test_settings_round_trip_and_junk_is_dropped():
    settings = Settings(["band"], ["towel"], "gentle", {"toe_press": "harder"}, True, True)
    progress = Progress(settings=settings)
    assert Progress.from_json(progress.to_json()).settings == settings
    junk = {
        "schema_version": 2,
        "settings": {
            "have": ["band", 3, "Band!", "x" * 100],
            "lack": "towel",
            "level": "extreme",
            "exercise_levels": {"toe_press": "silly", "ankle_circles": "gentle", "": "gentle"},
            "slower": "yes",
            "concise": 1,
        },
    }
    assert Progress.from_json(junk).settings == Settings(
        have=["band"], exercise_levels={"ankle_circles": "gentle"}
    )


def test_having_and_lacking_are_exclusive():
    settings = Settings()
    settings.lacks("band")
    settings.gets("band")
    assert (settings.have, settings.lack) == (["band"], [])
    settings.lacks("band")
    assert (settings.have, settings.lack) == ([], ["band"])


def test_merge_keeps_the_newer_turns_settings():
    old = Progress(settings=Settings(have=["band"])).to_json()
    new = Progress(settings=Settings()).to_json()
    assert merge(old, new)["settings"]["have"] == []
