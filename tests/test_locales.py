"""Each English locale hears its own words where they differ: 'anticlockwise' in the UK,
Australia and India, 'physiotherapist' everywhere but the US, through the real endpoint.

The overrides in content/words/<locale>/ replace single keys of content/words/en; a key
there that English does not have (a typo) would never be said, so it fails here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from echo import Echo

from skill.engine.navigation import Coach
from skill.library import load_library
from skill.web.app import WebConfig, create_app
from skill.words import load_words, words_root

LIBRARY = load_library()
LOCALES = ["en-US", "en-GB", "en-AU", "en-IN", "en-CA"]
ANTICLOCKWISE = {"en-GB", "en-AU", "en-IN"}
PHYSIOTHERAPIST = {"en-GB", "en-AU", "en-IN", "en-CA"}
WITH_DIRECTIONS = sorted(
    r.id for r in LIBRARY.routines.values() if any(i.timing.variations for i in r.items)
)


@pytest.fixture
def app(tmp_path: Path):
    return create_app(WebConfig(db=str(tmp_path / "p.sqlite3"), verify=False))


@pytest.mark.parametrize("locale", LOCALES)
def test_the_first_welcome_names_the_locales_therapist(app, locale):
    welcome = Echo(app.test_client(), locale=locale).launch()
    expected = "physiotherapist" if locale in PHYSIOTHERAPIST else "physical therapist"
    assert expected in welcome.text
    assert load_words(locale).say("replies.disclaimer") in welcome.text


@pytest.mark.parametrize("locale", LOCALES)
def test_a_one_shot_start_says_the_locales_disclaimer_and_directions(app, locale):
    echo = Echo(app.test_client(), locale=locale)
    heard = [echo.say("StartRoutineIntent", routine="quick").text]
    while "great work" not in heard[-1].lower():
        heard.append(echo.say("AMAZON.NextIntent").text)
    said = " ".join(heard)
    assert load_words(locale).say("replies.disclaimer") in heard[0]
    if locale in ANTICLOCKWISE:
        assert "anticlockwise" in said and "counterclockwise" not in said
    else:
        assert "counterclockwise" in said and "anticlockwise" not in said


@pytest.mark.parametrize("locale", sorted(ANTICLOCKWISE))
@pytest.mark.parametrize("routine", WITH_DIRECTIONS)
def test_every_direction_in_every_routine_is_said_the_locales_way(locale, routine):
    coach = Coach(LIBRARY).for_locale(locale)
    step = coach.start(routine)
    said = []
    while not step.position.finished:
        said.append(step.turn.text)
        step = coach.next(step.position)
    assert "counterclockwise" not in " ".join(said).lower()


def test_a_coach_per_locale_is_made_once_and_shares_the_content():
    coach = Coach(LIBRARY)
    gb = coach.for_locale("en-GB")
    assert gb is coach.for_locale("en-GB") is gb.for_locale("en-GB")
    assert gb.for_locale("en-US") is coach and coach.for_locale(None) is coach
    assert gb.library is coach.library and gb.words.locale == "en-GB"


def test_a_locale_from_a_request_never_makes_more_coaches_than_words_folders(tmp_path):
    """A request's locale is untrusted: '/tmp/x', 'en-ZZ' or junk never read a folder the
    content does not ship, and never make a coach per spelling."""
    coach = Coach(LIBRARY)
    for junk in ("/tmp/x", "../en-GB", "en-ZZ", "en-ZY", "", "x" * 300, None, 7, "EN-gb"):
        assert coach.for_locale(junk).words.locale in {"en", "en-US"}
    made = {id(coach.for_locale(f"en-{a}{b}")) for a in "ABCDEFGHU" for b in "ABCDEFGHU"}
    folders = [p for p in words_root().iterdir() if p.is_dir()]  # en, en-GB, en-CA...
    assert len(made) <= len(folders)


def test_every_locale_override_replaces_a_key_english_has():
    english = load_words("en")
    root = words_root()
    variations = {v.id for e in LIBRARY.exercises.values() for v in e.variations}
    hooks = {f"coaching.variation_{v}" for v in variations}
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and p.name != "en"):
        assert folder.name in LOCALES, folder
        for path in folder.glob("*.json"):
            keys = [k for k in json.loads(path.read_text()) if not k.startswith("_")]
            for key in keys:
                name = f"{path.stem}.{key}"
                assert english.has(name) or name in hooks, f"{path}: {key} replaces nothing"
