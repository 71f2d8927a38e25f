"""The console understands typed words the way Alexa would, from the deployed models.

The table is the model itself: every sample of every intent in every locale, each slot
sample said with every name and synonym of its slot type, must come back as its own intent
with the synonym resolved to its value id. Then the parts Alexa adds around the model:
launch and one-shot phrases, built-in phrases, words nobody listed, and gibberish.
"""

from __future__ import annotations

import json
import time

import pytest

from skill.console.understanding import (
    BUILTIN_PHRASES,
    FALLBACK,
    MODELS_DIR,
    InteractionModel,
    load_model,
    locales,
)
from skill.interaction_model import load_locales


def language_model(locale: str) -> dict:
    path = MODELS_DIR / f"{locale}.json"
    return json.loads(path.read_text(encoding="utf-8"))["interactionModel"]["languageModel"]


#: Words for Alexa's built-in slot types, and the value Alexa sends for them.
BUILT_IN_SAID = {
    "AMAZON.DURATION": [("ten minutes", "PT10M"), ("5 minutes", "PT5M"),
                        ("half an hour", "PT30M"), ("a quarter of an hour", "PT15M")],
    "AMAZON.NUMBER": [("ten", "10"), ("5", "5"), ("twenty five", "25")],
    "AMAZON.TIME": [("nine am", "09:00"), ("six p.m.", "18:00"), ("half past seven", "07:30"),
                    ("six thirty in the evening", "18:30"), ("noon", "12:00"),
                    ("the evening", "EV")],
}  # fmt: skip


def said_every_way(locale: str):
    """(utterance, intent, {slot: id or value}) for every sample and every slot value.

    Every sample is said once with the first value of each of its slots; then, for every
    intent and slot, one sample is said with every name and synonym of the slot's type (the
    other slots at their first value). Together that says every sample and every synonym in
    every intent; which combinations two intents could share is model_checks' job.
    """
    language = language_model(locale)
    spoken = {
        t["name"]: [
            (said, v["id"])
            for v in t["values"]
            for said in (v["name"]["value"], *v["name"].get("synonyms", []))
        ]
        for t in language["types"]
    } | BUILT_IN_SAID
    for intent in language["intents"]:
        slots = {s["name"]: s["type"] for s in intent.get("slots", [])}
        varied: set[str] = set()
        for sample in intent["samples"]:
            named = [name for name in slots if f"{{{name}}}" in sample]
            first = {name: spoken[slots[name]][0] for name in named}
            ways = [first]
            for name in named:
                if name not in varied:
                    varied.add(name)
                    ways += [first | {name: said} for said in spoken[slots[name]][1:]]
            for way in ways:
                utterance = sample
                for name, (said, _) in way.items():
                    utterance = utterance.replace(f"{{{name}}}", said)
                yield utterance, intent["name"], {name: got for name, (_, got) in way.items()}


def test_the_console_reads_every_locale_the_skill_ships():
    assert locales() == sorted(load_locales())


def heard_as(slot, expected):
    """The id the skill gets; for a generic name several values share ('the towel
    exercise'), every one of them resolves, the expected one among them."""
    ids = [r.id for r in slot.resolved]
    return expected if len(ids) > 1 and expected in ids else slot.heard


@pytest.mark.parametrize("locale", locales())
def test_every_sample_with_every_synonym_resolves_to_its_intent_and_id(locale):
    model = load_model(locale)
    wrong = []
    count = 0
    for utterance, intent, expected in said_every_way(locale):
        count += 1
        understood = model.understand(utterance)
        heard = {s.name: heard_as(s, expected.get(s.name)) for s in understood.slots if s.spoken}
        if (understood.intent, heard) != (intent, expected) or understood.invoked:
            wrong.append((utterance, intent, expected, understood.intent, heard))
    assert count > 4000  # every sample, and every synonym
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
        ("keep going", "HandsFreeIntent"),  # on a screen: on by itself again; else "next"
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
    slot = load_model("en-US").understand("start the Grand-Ma's routine").slot("routine")
    assert slot.spoken == "grand ma's"
    assert slot.resolved == ()


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


@pytest.mark.parametrize(
    ("utterance", "intent"),
    [
        ("um, okay so, next please", "AMAZON.NextIntent"),
        ("please stop", "AMAZON.StopIntent"),
        ("so what's next then", "WhatsNextIntent"),
        ("thank you, goodbye", "AMAZON.StopIntent"),
    ],
)
def test_fillers_around_a_request_do_not_hide_it(utterance, intent):
    assert load_model("en-US").understand(utterance).intent == intent


def test_a_sample_said_inside_a_longer_sentence_is_understood():
    understood = load_model("en-US").understand("ten minutes is all I have, to be honest")
    assert understood.intent == "PlanRoutineIntent"
    assert understood.slot("duration").value == "PT10M"


def test_a_sample_ending_in_a_filler_is_found_whole_inside_a_longer_sentence():
    # "today" comes off the end as a filler; the sample that holds it is still found
    understood = load_model("en-US").understand("cheers, that's me for today")
    assert understood.intent == "AMAZON.StopIntent"


def test_a_closing_now_is_understood_though_the_model_leaves_out_its_samples():
    # the model leaves out samples that only add "now"; the console looks past it
    model = load_model("en-US")
    assert "which foot do i do now" not in model_samples("WhichSideIntent")
    assert model.understand("which foot do I do now").intent == "WhichSideIntent"


def model_samples(intent: str) -> set[str]:
    import json

    from skill.interaction_model import MODELS_DIR

    language = json.loads((MODELS_DIR / "en-US.json").read_text())["interactionModel"]
    return set(
        next(i for i in language["languageModel"]["intents"] if i["name"] == intent)["samples"]
    )


def test_pain_inside_a_longer_sentence_is_heard_after_a_word_that_negates_others():
    understood = load_model("en-US").understand("I have to stop, my knee is really hurting")
    assert understood.intent == "PainIntent"
    assert [r.id for r in understood.slot("area").resolved] == ["knees"]


@pytest.mark.parametrize("utterance", ["don't stop", "no don't stop", "I never said next"])
def test_a_negated_request_is_not_the_request(utterance):
    understood = load_model("en-US").understand(utterance)
    assert understood.intent not in ("AMAZON.StopIntent", "AMAZON.NextIntent")


def test_a_sample_whose_slot_would_hold_more_unknown_words_than_it_says_does_not_match():
    # "could you {setting}" would take "make me a sandwich" as a talk setting nobody listed
    model = load_model("en-US")
    assert model.understand("can you make me a sandwich").intent == FALLBACK
    # ...while a sample that explains most of the words still fills an unknown value
    understood = model.understand("could you put on the blue routine")
    assert understood.intent == "StartRoutineIntent"
    assert (understood.slot("routine").spoken, understood.slot("routine").resolved) == (
        "blue",
        (),
    )


def test_fillers_come_off_one_at_a_time_so_a_short_request_survives():
    # "now" is a filler after a request, but "not now" is the request itself
    assert load_model("en-US").understand("not now thanks").intent == "AMAZON.NoIntent"


def test_the_skills_name_around_a_request_inside_a_session_is_a_filler():
    understood = load_model("en-US").understand("thanks, goodbye foot coach")
    assert (understood.intent, understood.invoked) == ("AMAZON.StopIntent", False)


#: What must end the session with what to do now (RedFlagIntent), not only stop the exercise.
RED_FLAGS = [
    "I feel dizzy", "I'm dizzy", "I feel faint", "I'm going to faint", "I can't breathe",
    "I'm short of breath", "my chest hurts", "I have chest pain", "my head is spinning",
    "I think I'm going to fall", "I'm getting chest pains", "everything's spinning",
    "I've gone all dizzy", "I've had a fall", "I fell over", "I've come over all funny",
    "my heart's racing", "I'm on the floor and can't get up",
]  # fmt: skip
PAIN = [
    "this hurts", "ouch", "my back hurts", "my knee is killing me", "my back's sore",
    "it hurts when I bend", "I need to sit down", "stop, it hurts", "I'm not feeling well",
    "my leg is cramping", "I've got pins and needles", "my back went",
    "my legs have gone weak", "I've got a shooting pain down my leg", "it's agony",
    "that really stings", "my back just went", "that's a bit sore", "that aggravated my hip",
]  # fmt: skip


@pytest.mark.parametrize(
    ("utterance", "intent"),
    [*((u, "RedFlagIntent") for u in RED_FLAGS), *((u, "PainIntent") for u in PAIN)],
)
def test_what_people_say_when_something_is_wrong_reaches_pain_or_red_flags(utterance, intent):
    """Safety: the skill can only stop, and give the red flags, if it hears these as pain;
    and only send someone to sit down and get help if it hears a red flag as one."""
    assert load_model("en-US").understand(utterance).intent == intent


def test_a_speech_is_not_searched_word_by_word():
    """A paragraph gets the fallback at once: no sample is hunted for inside it."""
    model = load_model("en-US")
    speech = " ".join(["a ten minute routine for my knees without a band"] * 50)
    started = time.perf_counter()
    assert model.understand(speech).intent == FALLBACK
    assert time.perf_counter() - started < 1.0


def test_a_close_paraphrase_never_turns_a_yes_into_a_no():
    data = {
        "interactionModel": {
            "languageModel": {
                "invocationName": "foot coach",
                "intents": [
                    {"name": "LackIntent", "samples": ["i haven't got a band"]},
                    {"name": "AMAZON.FallbackIntent", "samples": []},
                ],
                "types": [],
            }
        }
    }
    model = InteractionModel(data)
    assert model.understand("i havent got a bnad").intent == "LackIntent"  # a typo is fine
    assert model.understand("i have got a band").intent == FALLBACK  # the opposite is not


def test_a_close_paraphrase_never_swaps_one_slot_value_for_another():
    data = {
        "interactionModel": {
            "languageModel": {
                "invocationName": "foot coach",
                "intents": [
                    {
                        "name": "PlanRoutineIntent",
                        "slots": [{"name": "area", "type": "AREA"}],
                        "samples": ["exercises for {area}"],
                    },
                ],
                "types": [
                    {
                        "name": "AREA",
                        "values": [
                            {"id": "ankles", "name": {"value": "stiff ankles", "synonyms": []}},
                            {"id": "knees", "name": {"value": "knees", "synonyms": []}},
                        ],
                    }
                ],
            }
        }
    }
    model = InteractionModel(data)
    slot = model.understand("exercises for stiff ankels").slot("area")  # a typo: kept
    assert [v.id for v in slot.resolved] == ["ankles"]
    swapped = model.understand("exercise for stiff knees")  # near "stiff ankles": refused
    assert swapped.intent == FALLBACK
