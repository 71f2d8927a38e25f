"""The interaction models are generated from content and the grammar, and stay in step with it.

The generated models must also keep Amazon's rules (checked by ``skill.model_checks``, whose
checks are proven here on small broken models) and never give one utterance to two intents.
"""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter

import pytest
from click.testing import CliRunner

from skill.cli import main
from skill.interaction_model import (
    MODELS_DIR,
    ModelError,
    build_model,
    load_grammar,
    load_locales,
    render_models,
)
from skill.library import content_dir
from skill.model_checks import check_limits, check_model, find_conflicts

LOCALES = load_locales()


@pytest.fixture(scope="module")
def rendered(library):
    return render_models(library)


@pytest.fixture(scope="module")
def language(library):
    return build_model(library, load_grammar("en-US"))["interactionModel"]["languageModel"]


def intent_named(language, name):
    return next(i for i in language["intents"] if i["name"] == name)


def slot_type(language, name):
    return {v["id"]: v for v in next(t for t in language["types"] if t["name"] == name)["values"]}


def test_committed_models_equal_what_content_generates(rendered):
    """Fails when content or the grammar changed and `footcoach models` was not run."""
    assert sorted(rendered) == sorted(f"{locale}.json" for locale in LOCALES)
    for name, text in rendered.items():
        committed = (MODELS_DIR / name).read_text(encoding="utf-8")
        assert committed == text, f"run `footcoach models`: {name} is out of date"


def test_generation_is_deterministic(library, rendered):
    assert render_models(library) == rendered


@pytest.mark.parametrize("locale", LOCALES)
def test_every_locale_has_a_model_named_foot_coach(locale):
    model = json.loads((MODELS_DIR / f"{locale}.json").read_text())["interactionModel"]
    assert model["languageModel"]["invocationName"] == "foot coach"


def test_every_committed_model_keeps_amazons_rules_and_gives_each_utterance_one_intent():
    distinct = {(MODELS_DIR / f"{locale}.json").read_text() for locale in LOCALES}
    for text in distinct:  # locales that share a grammar share a model: check each once
        assert check_model(json.loads(text)) == []


def test_sample_utterances_are_unique(language):
    counts = Counter(s for intent in language["intents"] for s in intent["samples"])
    assert [s for s, n in counts.items() if n > 1] == []


def test_required_intents_are_present(language):
    names = {i["name"] for i in language["intents"]}
    required = {
        "StartRoutineIntent", "ExerciseHowToIntent", "DoExerciseIntent", "ListRoutinesIntent",
        "ListExercisesIntent", "WhatsNextIntent", "HowLongIntent", "ProgressIntent",
        "PlanRoutineIntent", "EquipmentIntent", "LevelIntent", "PainIntent", "WhereWasIIntent",
        "TalkSettingIntent", "ForgetSettingsIntent",
        "AMAZON.NextIntent", "AMAZON.PreviousIntent", "AMAZON.RepeatIntent",
        "AMAZON.StartOverIntent", "AMAZON.PauseIntent", "AMAZON.ResumeIntent", "AMAZON.YesIntent",
        "AMAZON.NoIntent", "AMAZON.HelpIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent",
        "AMAZON.NavigateHomeIntent", "AMAZON.FallbackIntent",
    }  # fmt: skip
    assert required <= names


@pytest.mark.parametrize(
    ("intent", "slots"),
    [
        (
            "PlanRoutineIntent",
            {
                "duration": "AMAZON.DURATION",
                "minutes": "AMAZON.NUMBER",
                "area": "AREA",
                "level": "LEVEL",
                "have": "EQUIPMENT",
                "lack": "EQUIPMENT",
            },
        ),
        (
            "EquipmentIntent",
            {"have": "EQUIPMENT", "lack": "EQUIPMENT", "use": "EQUIPMENT", "kit": "KIT"},
        ),
        ("AreaTroubleIntent", {"area": "AREA"}),
        ("RedFlagIntent", {}),
        ("BalanceIntent", {"exercise": "EXERCISE"}),
        ("OneSideIntent", {}),
        ("ShorterSessionIntent", {}),
        ("LongerSessionIntent", {}),
        ("LevelIntent", {"level": "LEVEL", "verdict": "DIFFICULTY"}),
        ("PainIntent", {"area": "AREA"}),
        ("TalkSettingIntent", {"setting": "TALK_SETTING"}),
        ("HowOftenIntent", {"exercise": "EXERCISE"}),
        (
            "PostureIntent",
            {"avoid": "POSTURE", "only": "POSTURE", "ask": "POSTURE", "need": "POSTURE"},
        ),
        ("WhereWasIIntent", {}),
        ("ForgetSettingsIntent", {}),
    ],
)
def test_the_new_intents_carry_the_agreed_slots(language, intent, slots):
    declared = {s["name"]: s["type"] for s in intent_named(language, intent)["slots"]}
    assert declared == slots


@pytest.mark.parametrize(
    ("slot_type_name", "ids"),
    [
        ("EQUIPMENT", {"band", "towel", "pencil", "tennis_ball", "chair", "wall", "mat"}),
        ("AREA", {"back", "hips", "knees", "feet", "ankles", "balance"}),
        ("LEVEL", {"gentle", "standard", "harder"}),
        (
            "TALK_SETTING",
            {
                "slower",
                "normal_speed",
                "concise",
                "detailed",
                "quiet_counting",
                "counting",
                "louder",
            },
        ),
        ("POSTURE", {"standing", "seated", "floor", "lying"}),
        ("DIFFICULTY", {"too_hard", "too_easy"}),
    ],
)
def test_the_new_slot_types_have_the_agreed_ids(language, slot_type_name, ids):
    assert set(slot_type(language, slot_type_name)) == ids


@pytest.mark.parametrize(
    ("intent", "sample"),
    [
        ("AMAZON.StopIntent", "i'm done"),
        ("AMAZON.StopIntent", "that's enough for today"),
        ("AMAZON.StopIntent", "goodbye"),
        ("AMAZON.StopIntent", "bye"),
        ("AMAZON.HelpIntent", "what can you do"),
        ("AMAZON.HelpIntent", "what can i say"),
        ("AMAZON.RepeatIntent", "what was that"),
        ("AMAZON.RepeatIntent", "pardon"),
        ("AMAZON.RepeatIntent", "come again"),
        ("AMAZON.NextIntent", "next one"),
        ("AMAZON.NextIntent", "done next"),
        ("AMAZON.NextIntent", "okay next"),
        ("ExerciseHowToIntent", "how do i do this"),
        ("ExerciseHowToIntent", "how does this one go"),
    ],
)
def test_built_in_and_slotless_samples_the_issue_names(language, intent, sample):
    assert sample in intent_named(language, intent)["samples"]


def test_slot_values_of_content_are_content_ids_with_every_alias(library, language):
    for name, records in (("EXERCISE", library.exercises), ("ROUTINE", library.routines)):
        values = slot_type(language, name)
        assert set(values) == set(records)
        for value_id, value in values.items():
            spoken = {value["name"]["value"], *value["name"]["synonyms"]}
            assert set(records[value_id].aliases) <= spoken


def test_every_equipment_an_exercise_needs_is_an_equipment_value(library, language):
    values = slot_type(language, "EQUIPMENT")
    said = {
        words
        for value in values.values()
        for words in (value["name"]["value"], *value["name"]["synonyms"])
    }
    for exercise in library.exercises.values():
        for equipment in exercise.equipment:  # an id ("band") or a name ("resistance band")
            assert equipment in {"none", *values, *said}, (exercise.id, equipment)


def test_every_area_an_exercise_helps_is_an_area_value(library, language):
    areas = set(slot_type(language, "AREA"))
    for exercise in library.exercises.values():
        assert {claim.area for claim in exercise.areas} <= areas, exercise.id


#: "one" is left out: "the quick one" names a routine with a pronoun, not a number.
TIME_OR_NUMBER = re.compile(
    r"\b(\d+|minutes?|hours?|seconds?|half|quarter|two|three|four|five|six|seven|eight"
    r"|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty)\b"
)


def test_routine_synonyms_are_names_not_times_numbers_equipment_or_statements(language):
    equipment = {
        words
        for value in slot_type(language, "EQUIPMENT").values()
        for words in (value["name"]["value"], *value["name"]["synonyms"])
    }
    for value in slot_type(language, "ROUTINE").values():
        for said in (value["name"]["value"], *value["name"]["synonyms"]):
            assert not TIME_OR_NUMBER.search(said), (value["id"], said)
            assert not any(re.search(rf"\b{re.escape(e)}\b", said) for e in equipment), said
            assert not re.match(r"i\b|i'm\b|i've\b", said), (value["id"], said)


def test_the_routine_test_catches_what_the_issue_found():
    assert TIME_OR_NUMBER.search("fifteen minutes")
    assert TIME_OR_NUMBER.search("the 5 minute routine")
    assert not TIME_OR_NUMBER.search("the quick routine")


# -- the checks themselves, on small models ------------------------------------------------


def tiny_model(intents, types=()):
    return {
        "interactionModel": {
            "languageModel": {"invocationName": "foot coach", "intents": intents, "types": types}
        }
    }


EQUIPMENT_TYPE = {
    "name": "EQUIPMENT",
    "values": [{"id": "band", "name": {"value": "band", "synonyms": ["resistance band"]}}],
}
ROUTINE_TYPE = {
    "name": "ROUTINE",
    "values": [{"id": "quick", "name": {"value": "quick", "synonyms": ["a resistance band"]}}],
}


def test_a_synonym_that_makes_two_intents_share_an_utterance_is_a_conflict():
    model = tiny_model(
        [
            {"name": "StartRoutineIntent", "slots": [{"name": "routine", "type": "ROUTINE"}],
             "samples": ["i have {routine}"]},
            {"name": "EquipmentIntent", "slots": [{"name": "have", "type": "EQUIPMENT"}],
             "samples": ["i have a {have}", "i have {have} now"]},
        ],
        [EQUIPMENT_TYPE, ROUTINE_TYPE],
    )  # fmt: skip
    conflicts = find_conflicts(model)
    assert [(c.utterance, c.intents) for c in conflicts] == [
        ("i have a resistance band", ("EquipmentIntent", "StartRoutineIntent"))
    ]


def test_built_in_slot_types_are_checked_with_typical_values():
    model = tiny_model(
        [
            {"name": "AMAZON.PauseIntent", "samples": ["just a minute"]},
            {"name": "PlanRoutineIntent", "slots": [{"name": "d", "type": "AMAZON.DURATION"}],
             "samples": ["just {d}"]},
        ]
    )  # fmt: skip
    assert [c.utterance for c in find_conflicts(model)] == ["just a minute"]


def test_apostrophes_do_not_make_two_utterances_different():
    model = tiny_model(
        [
            {"name": "AMAZON.NextIntent", "samples": ["lets go"]},
            {"name": "StartRoutineIntent", "samples": ["let's go"]},
        ]
    )
    assert len(find_conflicts(model)) == 1


@pytest.mark.parametrize(
    ("sample", "problem"),
    [
        ("do 5 minutes", "spelled-out numbers"),
        ("start the routine!", "spelled-out numbers"),
        ("Start", "lower-case"),
        ("start {routine} and {routine}", "used twice"),
        ("start {routine} {routine_two}", "side by side"),
        ("start {nothing}", "not declared"),
        ("start " + "very " * 25 + "slowly", "longer than"),
    ],
)
def test_a_sample_breaking_amazons_rules_is_reported(sample, problem):
    model = tiny_model(
        [
            {"name": "StartRoutineIntent",
             "slots": [{"name": "routine", "type": "ROUTINE"},
                       {"name": "routine_two", "type": "ROUTINE"}],
             "samples": [sample]},
        ],
        [ROUTINE_TYPE],
    )  # fmt: skip
    problems = check_limits(model)
    assert problems and any(problem in p for p in problems), problems


def test_too_many_samples_and_overlong_values_are_reported():
    long_value = {"id": "q", "name": {"value": "q " * 40, "synonyms": []}}
    model = tiny_model(
        [{"name": "SkipIntent", "samples": []}], [{"name": "X", "values": [long_value]}]
    )
    assert any("short lower-case phrase" in p for p in check_limits(model))
    words = ["skip", "drop", "miss", "pass", "leave"]
    many = [" ".join((a, b, c, d, e)) for a in words for b in words for c in words
            for d in words for e in words]  # fmt: skip
    model = tiny_model([{"name": "SkipIntent", "samples": many}])
    assert any("samples (keep to" in p for p in check_limits(model))


def write_grammar(root, locales, builtins, files):
    """A tiny grammar under ``root``: ``files`` maps "en/talk.json" to its intents."""
    grammar = root / "grammar"
    (grammar / "en").mkdir(parents=True)
    (grammar / "locales.json").write_text(json.dumps({"locales": locales}))
    skill = {"invocation_name": "foot coach", "builtin_intents": builtins}
    (grammar / "en" / "skill.json").write_text(json.dumps(skill))
    for name, intents in files.items():
        (grammar / name).parent.mkdir(exist_ok=True)
        (grammar / name).write_text(json.dumps({"intents": intents}))


def test_a_conflict_stops_generation_naming_the_utterance(library, tmp_path):
    talk = {
        "AMAZON.StopIntent": {"samples": ["[i'm] done"]},
        "SkipIntent": {"slots": {}, "samples": ["(done|skip) [it]"]},
    }
    write_grammar(tmp_path, ["en-US"], ["AMAZON.StopIntent"], {"en/talk.json": talk})
    with pytest.raises(
        ModelError, match=r"'done' is a sample of AMAZON\.StopIntent and SkipIntent"
    ):
        render_models(library, root=tmp_path)


def test_a_locale_folder_replaces_only_the_intents_it_names(tmp_path):
    talk = {"SkipIntent": {"samples": ["skip"]}, "HowLongIntent": {"samples": ["how long"]}}
    british = {"SkipIntent": {"samples": ["give this one a miss"]}}
    write_grammar(
        tmp_path, ["en-US", "en-GB"], [], {"en/talk.json": talk, "en-GB/talk.json": british}
    )
    us, gb = (load_grammar(locale, tmp_path) for locale in ("en-US", "en-GB"))
    assert us.intents["SkipIntent"].templates == ("skip",)
    assert gb.intents["SkipIntent"].templates == ("give this one a miss",)
    assert gb.intents["HowLongIntent"].templates == ("how long",)


def test_a_built_in_intent_the_skill_does_not_declare_is_refused(tmp_path):
    talk = {"AMAZON.StopIntent": {"samples": ["bye"]}}
    write_grammar(tmp_path, ["en-US"], [], {"en/talk.json": talk})
    with pytest.raises(ModelError, match=r"AMAZON\.StopIntent is not in skill\.json"):
        load_grammar("en-US", tmp_path)


@pytest.fixture
def content_copy(tmp_path, monkeypatch):
    root = tmp_path / "content"
    shutil.copytree(content_dir(), root)
    monkeypatch.setenv("FOOTCOACH_CONTENT", str(root))
    return root


def test_footcoach_check_passes_with_the_committed_models():
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 0, result.output
    assert "models: 5 locales, checked and up to date" in result.output


def test_footcoach_check_notices_models_content_no_longer_makes(content_copy):
    path = content_copy / "routines" / "quick.json"
    data = json.loads(path.read_text())
    data["aliases"].append("the speedy one")
    path.write_text(json.dumps(data))
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code != 0
    assert "out of date: run `footcoach models`" in result.output


def test_footcoach_check_and_models_refuse_a_grammar_that_gives_two_intents_one_utterance(
    content_copy,
):
    path = content_copy / "grammar" / "en" / "during.json"
    data = json.loads(path.read_text())
    data["intents"]["SkipIntent"]["samples"].append("what's next")
    path.write_text(json.dumps(data))
    for command in ("check", "models"):
        result = CliRunner().invoke(main, [command])
        assert result.exit_code != 0
        assert "'whats next' is a sample of SkipIntent and WhatsNextIntent" in result.output


#: What a left-out sample's slots are filled with to ask the console about it.
BUILT_IN_EXAMPLES = {
    "AMAZON.DURATION": "ten minutes",
    "AMAZON.NUMBER": "ten",
    "AMAZON.TIME": "nine am",
}


def left_out_by_politeness(library):
    """(intent, sample with slots filled) for every sample the politeness rule left out."""
    from skill.grammar import Grammar
    from skill.interaction_model import expanded_samples

    grammar = load_grammar("en-US")
    expander = Grammar(grammar.phrases)
    model = build_model(library, grammar)["interactionModel"]["languageModel"]
    first_value = {t["name"]: t["values"][0]["name"]["value"] for t in model["types"]}
    kept = {i["name"]: set(i.get("samples", [])) for i in model["intents"]}
    left_out = []
    for intent in grammar.intents.values():
        for sample in expanded_samples(expander, intent):
            if sample in kept[intent.name]:
                continue
            filled = re.sub(
                r"\{(\w+)\}",
                lambda m, i=intent: {**first_value, **BUILT_IN_EXAMPLES}[i.slots[m.group(1)]],
                sample,
            )
            left_out.append((intent.name, filled))
    return left_out


def test_a_sample_that_only_adds_okay_or_thanks_to_another_is_left_out(language):
    next_samples = set(intent_named(language, "AMAZON.NextIntent")["samples"])
    assert "i'm all set" in next_samples and "okay i'm all set" not in next_samples
    assert "sorted" in next_samples and "right sorted" not in next_samples
    # "please" stays: a longer sentence may hold the sample whole ("just count please, ...")
    assert any(s.endswith(" please") for s in next_samples)


def test_the_console_still_understands_every_sample_left_out_for_politeness(library):
    from skill.console.understanding import load_model

    console = load_model("en-US")
    left_out = left_out_by_politeness(library)
    assert len(left_out) > 100  # the rule is on: the grammar says many things politely
    wrong = [(i, s, console.understand(s).intent) for i, s in left_out]
    assert [w for w in wrong if w[0] != w[2]] == []


def test_politeness_leaves_a_sample_that_says_something_new():
    from skill.interaction_model import Politeness

    rule = Politeness(before=(("okay",), ("hang", "on")), after=(("thanks",),))
    samples = {"next", "hang on", "okay"}
    assert rule.adds_nothing("okay next", samples)
    assert rule.adds_nothing("hang on next", samples)
    assert rule.adds_nothing("next thanks", samples)
    assert not rule.adds_nothing("okay stop", samples)  # "stop" is not a sample of the intent
    assert not rule.adds_nothing("okay", samples)  # a filler alone is a sample in its own right
    assert not rule.adds_nothing("next please", samples)
