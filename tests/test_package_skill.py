"""The skill package: its source (deploy/skill-package/) and the package `footcoach package` builds.

Amazon's own SMAPI model classes read the manifest and every model; reading them back out must
give the same JSON, so a misspelt key (which the classes would silently drop) or a value
outside Amazon's enums fails here rather than in the developer console.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_model_runtime.serializer import DefaultSerializer
from ask_smapi_model.v1.skill.interaction_model.interaction_model_data import (
    InteractionModelData,
)
from ask_smapi_model.v1.skill.manifest.skill_manifest_envelope import SkillManifestEnvelope
from click.testing import CliRunner

from skill.cli import main
from skill.interaction_model import MODELS_DIR, load_locales
from skill.packaging import skill_package
from skill.packaging.skill_package import SKILL_PACKAGE_DIR, copy_interaction_models

MANIFEST_PATH = SKILL_PACKAGE_DIR / "skill.json"
LOCALES = load_locales()
serializer = DefaultSerializer()


def read_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def manifest_json() -> dict[str, Any]:
    return read_json(MANIFEST_PATH)


@pytest.fixture(scope="module")
def manifest(manifest_json: dict[str, Any]) -> Any:
    return serializer.deserialize(json.dumps(manifest_json), SkillManifestEnvelope).manifest


@pytest.fixture(scope="module")
def model() -> dict[str, Any]:
    return read_json(MODELS_DIR / "en-US.json")


# -- the manifest -----------------------------------------------------------------------------


def test_the_manifest_reads_back_unchanged_through_amazons_classes(manifest_json):
    envelope = serializer.deserialize(json.dumps(manifest_json), SkillManifestEnvelope)
    assert serializer.serialize(envelope) == manifest_json


def test_the_manifest_is_published_in_every_locale_the_models_cover(manifest):
    assert set(manifest.publishing_information.locales) == set(LOCALES)
    for locale in LOCALES:
        published = manifest.publishing_information.locales[locale]
        assert published.name == "Foot Coach"
        assert 0 < len(published.summary) <= 160
        assert len(published.description) <= 4000
        assert 1 <= len(published.example_phrases) <= 3
        assert published.keywords
        assert published.small_icon_uri == "file://assets/images/footcoach-108.png"
        assert published.large_icon_uri == "file://assets/images/footcoach-512.png"


def test_the_source_holds_no_deployment_and_no_placeholder(manifest_json):
    """Links and endpoint differ per deployment: `package --base-url` fills them in."""
    body = manifest_json["manifest"]
    assert "locales" not in body["privacyAndCompliance"]
    assert "endpoint" not in body["apis"]["custom"]
    text = MANIFEST_PATH.read_text(encoding="utf-8")
    assert not re.search(r"example\.(com|org|net)|TODO|<[a-z-]+>|YOUR_", text), text


@pytest.mark.parametrize(
    "warning",
    [
        "not medical advice",
        "Stop if anything hurts",
        "chronic or severe pain",
        "physical therapist",
    ],
)
def test_every_description_carries_the_health_disclaimer(manifest, warning):
    for locale in LOCALES:
        assert warning in manifest.publishing_information.locales[locale].description


def test_the_manifest_declares_a_plain_health_skill(manifest):
    assert manifest.manifest_version.value == "1.0"
    assert manifest.publishing_information.category == "HEALTH_AND_FITNESS"
    compliance = manifest.privacy_and_compliance
    assert compliance.allows_purchases is False
    assert compliance.uses_personal_info is False
    assert compliance.is_child_directed is False
    assert compliance.is_export_compliant is True
    assert compliance.contains_ads is False


# -- the example phrases, heard by the model ---------------------------------------------------


def slot_values(model: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Slot type -> anything a person may say for a value -> the value's id."""
    types = model["interactionModel"]["languageModel"]["types"]
    return {
        slot_type["name"]: {
            spoken: value["id"]
            for value in slot_type["values"]
            for spoken in (value["name"]["value"], *value["name"].get("synonyms", []))
        }
        for slot_type in types
    }


def resolve(utterance: str, model: dict[str, Any]) -> tuple[str, dict[str, str]] | None:
    """The intent and slot ids a sample utterance of ``model`` gives ``utterance``, if any."""
    values = slot_values(model)
    for intent in model["interactionModel"]["languageModel"]["intents"]:
        slot_types = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
        for sample in intent["samples"]:
            pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>.+)", re.escape(sample))
            match = re.fullmatch(pattern, utterance)
            if match and all(
                said in values.get(slot_types[slot], {}) for slot, said in match.groupdict().items()
            ):
                slots = {
                    slot: values[slot_types[slot]][said] for slot, said in match.groupdict().items()
                }
                return intent["name"], slots
    return None


def spoken(phrase: str, invocation: str) -> tuple[str, str | None]:
    """("launch", None) for "Alexa, open <invocation>"; ("ask", utterance) for "Alexa, ask …"."""
    text = re.sub(r"[.?!]+$", "", phrase.strip().lower())
    name = re.escape(invocation)
    if re.fullmatch(rf"alexa, (?:open|start|launch) {name}", text):
        return "launch", None
    asked = re.fullmatch(rf"alexa, (?:ask|tell) {name} (?:to )?(?P<utterance>.+)", text)
    assert asked, f"{phrase!r} neither opens nor asks {invocation!r}"
    return "ask", asked["utterance"]


EXPECTED = {
    "Alexa, open foot coach": None,
    "Alexa, ask foot coach to start the quick routine": (
        "StartRoutineIntent",
        {"routine": "quick"},
    ),
    "Alexa, ask foot coach how do I do ankle circles": (
        "ExerciseHowToIntent",
        {"exercise": "ankle_circles"},
    ),
}


def test_the_example_phrases_are_the_ones_we_resolve(manifest):
    for locale in LOCALES:
        assert manifest.publishing_information.locales[locale].example_phrases == list(EXPECTED)


@pytest.mark.parametrize("phrase", list(EXPECTED))
def test_each_example_phrase_reaches_its_intent(phrase, model):
    invocation = model["interactionModel"]["languageModel"]["invocationName"]
    kind, utterance = spoken(phrase, invocation)
    if EXPECTED[phrase] is None:
        assert kind == "launch"
    else:
        assert resolve(utterance, model) == EXPECTED[phrase]


def test_an_utterance_outside_the_model_resolves_to_nothing(model):
    assert resolve("how do i do the moonwalk", model) is None
    assert resolve("order me a pizza", model) is None


# -- the interaction models -------------------------------------------------------------------


def test_the_package_holds_exactly_the_generated_models():
    packaged = skill_package.package_models_dir()
    assert sorted(p.name for p in packaged.glob("*.json")) == sorted(
        f"{loc}.json" for loc in LOCALES
    )
    for locale in LOCALES:
        name = f"{locale}.json"
        assert (packaged / name).read_bytes() == (MODELS_DIR / name).read_bytes(), (
            f"{name} is stale: run `footcoach package`"
        )


@pytest.mark.parametrize("locale", LOCALES)
def test_each_model_reads_back_unchanged_through_amazons_classes(locale):
    text = (skill_package.package_models_dir() / f"{locale}.json").read_text(encoding="utf-8")
    data = serializer.deserialize(text, InteractionModelData)
    assert serializer.serialize(data) == json.loads(text)
    assert data.interaction_model.language_model.invocation_name == "foot coach"


def test_packaging_copies_every_model_and_drops_a_retired_locale(tmp_path):
    retired = tmp_path / "interactionModels" / "custom" / "fr-FR.json"
    retired.parent.mkdir(parents=True)
    retired.write_text("{}")
    written = copy_interaction_models(tmp_path)
    assert sorted(p.name for p in written) == sorted(f"{loc}.json" for loc in LOCALES)
    assert not retired.exists()
    assert (tmp_path / "interactionModels" / "custom" / "en-GB.json").read_bytes() == (
        MODELS_DIR / "en-GB.json"
    ).read_bytes()


def test_the_package_command_writes_the_models(tmp_path, monkeypatch):
    monkeypatch.setattr(skill_package, "SKILL_PACKAGE_DIR", tmp_path)
    result = CliRunner().invoke(main, ["package"])
    assert result.exit_code == 0, result.output
    assert result.output.count("wrote ") == len(LOCALES)
    assert (tmp_path / "interactionModels" / "custom" / "en-US.json").exists()


def test_packaging_without_models_says_how_to_make_them(tmp_path):
    with pytest.raises(FileNotFoundError, match="footcoach models"):
        copy_interaction_models(tmp_path / "package", models_dir=tmp_path / "empty")
