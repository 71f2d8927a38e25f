"""The console understands typed words the way Alexa would, from the deployed models.

The table is the model itself: every sample of every intent in every locale, each slot
sample said with every name and synonym of its slot type, must come back as its own intent
with the synonym resolved to its value id. Then the parts Alexa adds around the model:
launch and one-shot phrases, built-in phrases, words nobody listed, and gibberish.
"""

from __future__ import annotations

import json

import pytest

from skill.console.understanding import (
    BUILTIN_PHRASES,
    FALLBACK,
    MODELS_DIR,
    InteractionModel,
    load_model,
    locales,
)
from skill.interaction_model import load_intents


def language_model(locale: str) -> dict:
    path = MODELS_DIR / f"{locale}.json"
    return json.loads(path.read_text(encoding="utf-8"))["interactionModel"]["languageModel"]


def said_every_way(locale: str):
    """(utterance, intent, slot name or None, value id or None) for every way to say it."""
    language = language_model(locale)
    spoken = {
        t["name"]: [
            (said, v["id"])
            for v in t["values"]
            for said in (v["name"]["value"], *v["name"].get("synonyms", []))
        ]
        for t in language["types"]
    }
    for intent in language["intents"]:
        slots = {s["name"]: s["type"] for s in intent.get("slots", [])}
        for sample in intent["samples"]:
            named = [name for name in slots if f"{{{name}}}" in sample]
            if not named:
                yield sample, intent["name"], None, None
                continue
            (name,) = named  # the models have one slot a sample
            for said, value_id in spoken[slots[name]]:
                yield sample.replace(f"{{{name}}}", said), intent["name"], name, value_id


def test_the_console_reads_every_locale_the_skill_ships():
    assert locales() == sorted(load_intents()["locales"])


@pytest.mark.parametrize("locale", locales())
def test_every_sample_with_every_synonym_resolves_to_its_intent_and_id(locale):
    model = load_model(locale)
    wrong = []
    count = 0
    for utterance, intent, slot_name, value_id in said_every_way(locale):
        count += 1
        understood = model.understand(utterance)
        got_id = None
        if slot_name is not None:
            slot = understood.slot(slot_name)
            got = {r.id for r in slot.resolved} if slot and slot.resolved else set()
            # a generic name several values share resolves to all of them, this one included
            got_id = value_id if value_id in got else None
        if (understood.intent, got_id) != (intent, value_id) or understood.invoked:
            wrong.append((utterance, intent, value_id, understood))
    assert count > 1000  # the whole cross product, not a sample of it
    assert wrong == []


@pytest.mark.parametrize("intent", sorted(BUILTIN_PHRASES))
def test_built_in_intents_understand_their_standard_phrases(intent):
    model = load_model("en-US")
    for phrase in BUILTIN_PHRASES[intent]:
        assert model.understand(phrase).intent == intent, phrase


@pytest.mark.parametrize(
    ("utterance", "intent"),
    [
        ("next", "AMAZON.NextIntent"),
        ("Stop!", "AMAZON.StopIntent"),
        ("exit", "AMAZON.StopIntent"),
        ("quit", "AMAZON.StopIntent"),
        ("cancel", "AMAZON.CancelIntent"),
        ("help", "AMAZON.HelpIntent"),
        ("Yeah", "AMAZON.YesIntent"),
        ("sure", "AMAZON.YesIntent"),
        ("no", "AMAZON.NoIntent"),
        ("repeat", "AMAZON.RepeatIntent"),
        ("pause", "AMAZON.PauseIntent"),
        ("resume", "AMAZON.ResumeIntent"),
        ("go back", "AMAZON.PreviousIntent"),
        ("previous", "AMAZON.PreviousIntent"),
        ("start over", "AMAZON.StartOverIntent"),
        ("go home", "AMAZON.NavigateHomeIntent"),
        ("keep going", "AMAZON.NextIntent"),  # the model's own sample
    ],
)
def test_built_in_phrases_the_issue_names(utterance, intent):
    understood = load_model("en-US").understand(utterance)
    assert (understood.intent, understood.invoked) == (intent, False)


def test_a_model_without_a_built_in_intent_does_not_understand_its_phrases():
    data = {
        "interactionModel": {
            "languageModel": {
                "invocationName": "foot coach",
                "intents": [{"name": "AMAZON.StopIntent", "samples": []}],
                "types": [],
            }
        }
    }
    model = InteractionModel(data)
    assert model.understand("stop").intent == "AMAZON.StopIntent"
    assert model.understand("next").intent == FALLBACK


@pytest.mark.parametrize(
    "utterance",
    [
        "open foot coach",
        "start foot coach",
        "launch foot coach",
        "foot coach",
        "Alexa, open Foot Coach.",
        "talk to foot coach",
        "ask foot coach",
    ],
)
def test_launch_phrases_start_a_session_without_an_intent(utterance):
    understood = load_model("en-US").understand(utterance)
    assert understood.is_launch
    assert understood.invoked


@pytest.mark.parametrize(
    ("utterance", "intent", "slot", "value_id"),
    [
        ("ask foot coach to start the quick routine", "StartRoutineIntent", "routine", "quick"),
        ("tell foot coach to start the classic", "StartRoutineIntent", "routine", "classic"),
        (
            "ask foot coach how do I do ankle circles",
            "ExerciseHowToIntent",
            "exercise",
            "ankle_circles",
        ),
        ("ask foot coach what exercises are there", "ListExercisesIntent", None, None),
        (
            "open foot coach and start the strength routine",
            "StartRoutineIntent",
            "routine",
            "strength",
        ),
        ("start the daily routine using foot coach", "StartRoutineIntent", "routine", "daily"),
        ("tell foot coach to start", "StartRoutineIntent", None, None),
    ],
)
def test_one_shot_phrases_start_a_session_with_their_intent(utterance, intent, slot, value_id):
    understood = load_model("en-US").understand(utterance)
    assert (understood.intent, understood.invoked) == (intent, True)
    if slot is not None:
        assert [v.id for v in understood.slot(slot).resolved] == [value_id]
    else:
        assert all(s.spoken is None for s in understood.slots)


def test_every_declared_slot_is_present_even_when_not_said():
    understood = load_model("en-US").understand("start")
    assert understood.intent == "StartRoutineIntent"
    (slot,) = understood.slots
    assert (slot.name, slot.slot_type, slot.spoken, slot.resolved) == (
        "routine",
        "ROUTINE",
        None,
        (),
    )


def test_an_unknown_exercise_fills_the_slot_without_a_match():
    understood = load_model("en-US").understand("how do I do the moonwalk?")
    assert understood.intent == "ExerciseHowToIntent"
    slot = understood.slot("exercise")
    assert (slot.spoken, slot.resolved) == ("moonwalk", ())


def test_a_known_synonym_beats_an_unknown_value_for_another_intent():
    # "do {routine}" would take "the toe press exercise" as an unknown routine.
    understood = load_model("en-US").understand("do the toe press exercise")
    assert understood.intent == "DoExerciseIntent"
    assert understood.slot("exercise").resolved[0].id == "toe_press"


def test_case_and_punctuation_do_not_matter():
    model = load_model("en-US")
    assert model.understand("LETS GO!!").intent == "StartRoutineIntent"
    assert model.understand("What's next?").intent == "WhatsNextIntent"
    assert model.understand("Start the Quick-Routine!").slot("routine").resolved[0].id == "quick"


def test_the_slot_value_keeps_the_words_as_said():
    slot = load_model("en-US").understand("start I don't have any equipment").slot("routine")
    assert slot.spoken == "i don't have any equipment"
    assert slot.resolved[0].id == "no_equipment"


@pytest.mark.parametrize(
    ("utterance", "intent", "value_id"),
    [
        ("how do I ankle circles", "ExerciseHowToIntent", "ankle_circles"),
        ("nex", "AMAZON.NextIntent", None),
        ("what routine are there", "ListRoutinesIntent", None),
    ],
)
def test_close_paraphrases_match_the_nearest_sample(utterance, intent, value_id):
    understood = load_model("en-US").understand(utterance)
    assert understood.intent == intent
    if value_id:
        assert understood.slots[0].resolved[0].id == value_id


@pytest.mark.parametrize("utterance", ["purple monkey dishwasher", "", "banana"])
def test_anything_else_is_the_fallback_intent(utterance):
    understood = load_model("en-US").understand(utterance)
    assert (understood.intent, understood.invoked) == (FALLBACK, False)
