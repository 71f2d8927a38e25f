"""The interaction models are generated from content and stay in step with it."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from skill.interaction_model import MODELS_DIR, build_model, load_intents, render_models

INTENTS = load_intents()


def test_committed_models_equal_what_content_generates(library):
    """Fails when content changed and `footcoach models` was not run."""
    for name, text in render_models(library, INTENTS).items():
        committed = (MODELS_DIR / name).read_text(encoding="utf-8")
        assert committed == text, f"run `footcoach models`: {name} is out of date"


@pytest.mark.parametrize("locale", ["en-US", "en-GB", "en-CA", "en-AU", "en-IN"])
def test_every_locale_has_a_model_named_foot_coach(locale):
    model = json.loads((MODELS_DIR / f"{locale}.json").read_text())["interactionModel"]
    assert model["languageModel"]["invocationName"] == "foot coach"


def test_sample_utterances_are_unique_across_intents(library):
    model = build_model(library, INTENTS)["interactionModel"]["languageModel"]
    counts = Counter(s.lower() for intent in model["intents"] for s in intent["samples"])
    assert [s for s, n in counts.items() if n > 1] == []


def test_required_intents_are_present(library):
    names = {
        i["name"]
        for i in build_model(library, INTENTS)["interactionModel"]["languageModel"]["intents"]
    }
    required = {
        "StartRoutineIntent", "ExerciseHowToIntent", "DoExerciseIntent", "ListRoutinesIntent",
        "ListExercisesIntent", "WhatsNextIntent", "HowLongIntent", "ProgressIntent",
        "AMAZON.NextIntent", "AMAZON.PreviousIntent", "AMAZON.RepeatIntent",
        "AMAZON.StartOverIntent", "AMAZON.PauseIntent", "AMAZON.ResumeIntent", "AMAZON.YesIntent",
        "AMAZON.NoIntent", "AMAZON.HelpIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent",
        "AMAZON.NavigateHomeIntent", "AMAZON.FallbackIntent",
    }  # fmt: skip
    assert required <= names


@pytest.mark.parametrize("slot_type", ["EXERCISE", "ROUTINE"])
def test_slot_values_are_content_ids_with_every_alias(library, slot_type):
    model = build_model(library, INTENTS)["interactionModel"]["languageModel"]
    values = next(t for t in model["types"] if t["name"] == slot_type)["values"]
    records = library.exercises if slot_type == "EXERCISE" else library.routines
    assert {v["id"] for v in values} == set(records)
    for value in values:
        record = records[value["id"]]
        spoken = {value["name"]["value"], *value["name"]["synonyms"]}
        assert set(record.aliases) <= spoken


def test_samples_use_only_declared_slots(library):
    model = build_model(library, INTENTS)["interactionModel"]["languageModel"]
    for intent in model["intents"]:
        declared = {s["name"] for s in intent.get("slots", [])}
        for sample in intent["samples"]:
            used = {part.split("}")[0] for part in sample.split("{")[1:]}
            assert used <= declared, (intent["name"], sample)
