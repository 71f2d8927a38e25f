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
from skill.console.understanding import InteractionModel
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


#: Each example phrase, and what Alexa must make of it: the intent and each slot, as the
#: value id entity resolution gives (custom slots) or the words said (Amazon's own slots).
EXPECTED = {
    "Alexa, open foot coach": None,
    "Alexa, ask foot coach for a ten minute routine for my knees": (
        "PlanRoutineIntent",
        {"minutes": "ten", "area": "knees"},
    ),
    "Alexa, ask foot coach how do I do ankle circles": (
        "ExerciseHowToIntent",
        {"exercise": "ankle_circles"},
    ),
}


def heard(phrase: str, model: dict[str, Any]) -> tuple[str, dict[str, str]] | None:
    """What the console's understanding (as `footcoach chat`) makes of an example phrase."""
    understood = InteractionModel(model).understand(phrase)
    assert understood.invoked, f"{phrase!r} does not name the skill"
    if understood.is_launch:
        return None
    slots = {
        slot.name: slot.resolved[0].id if slot.resolved else slot.spoken
        for slot in understood.slots
        if slot.spoken is not None
    }
    return understood.intent, slots


def test_the_example_phrases_are_the_ones_we_expect(manifest):
    for locale in LOCALES:
        assert manifest.publishing_information.locales[locale].example_phrases == list(EXPECTED)


@pytest.mark.parametrize("phrase", list(EXPECTED))
@pytest.mark.parametrize("locale", LOCALES)
def test_each_example_phrase_reaches_its_intent_and_values(phrase, locale):
    model = read_json(MODELS_DIR / f"{locale}.json")
    assert heard(phrase, model) == EXPECTED[phrase]


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
