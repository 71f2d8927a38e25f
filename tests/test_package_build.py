"""`footcoach package --base-url URL --endpoint URL|--lambda-arn ARN --check`: what is submitted.

The built package must hold no placeholder: the policy links come from --base-url, the
endpoint from --endpoint or --lambda-arn, and --check runs the certification checks on what
was built, failing with each broken rule named.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from skill.cli import main
from skill.interaction_model import MODELS_DIR, load_locales
from skill.packaging.skill_package import (
    SKILL_PACKAGE_DIR,
    Deployment,
    PackageError,
    build_package,
)

LOCALES = load_locales()
ARN = "arn:aws:lambda:us-east-1:123456789012:function:footcoach-SkillFunction-AbC123"


def run(*args: str):
    return CliRunner().invoke(main, ["package", *args])


def manifest_of(out: Path) -> dict:
    return json.loads((out / "skill-package" / "skill.json").read_text(encoding="utf-8"))


def test_a_lambda_build_links_the_pages_and_names_the_function(tmp_path):
    result = run("--base-url", "https://example.org", "--lambda-arn", ARN, "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    body = manifest_of(tmp_path)["manifest"]
    for locale in LOCALES:
        assert body["privacyAndCompliance"]["locales"][locale] == {
            "privacyPolicyUrl": "https://example.org/privacy",
            "termsOfUseUrl": "https://example.org/terms",
        }
    assert body["apis"]["custom"]["endpoint"] == {"uri": ARN}
    # disabling the skill must reach it, to delete the person's data (privacy policy)
    assert body["events"]["subscriptions"] == [{"eventName": "SKILL_DISABLED"}]
    assert body["events"]["endpoint"] == {"uri": ARN}


def test_a_web_service_build_uses_the_endpoint_with_a_trusted_certificate(tmp_path):
    result = run(
        "--base-url", "https://coach.example.net/foot/",
        "--endpoint", "https://coach.example.net/alexa",
        "--out", str(tmp_path),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    body = manifest_of(tmp_path)["manifest"]
    assert body["apis"]["custom"]["endpoint"] == {
        "uri": "https://coach.example.net/alexa",
        "sslCertificateType": "Trusted",
    }
    links = body["privacyAndCompliance"]["locales"]["en-GB"]
    assert links["termsOfUseUrl"] == "https://coach.example.net/foot/terms"


def test_the_build_is_complete_for_ask_deploy(tmp_path):
    package = build_package(Deployment("https://example.org", lambda_arn=ARN), tmp_path)
    resources = json.loads((tmp_path / "ask-resources.json").read_text())
    assert resources["profiles"]["default"]["skillMetadata"]["src"] == "./skill-package"
    assert package == tmp_path / "skill-package"
    for locale in LOCALES:
        model = package / "interactionModels" / "custom" / f"{locale}.json"
        assert model.read_bytes() == (MODELS_DIR / f"{locale}.json").read_bytes()
    for name in ("footcoach-108.png", "footcoach-512.png"):
        assert (package / "assets" / "images" / name).read_bytes() == (
            SKILL_PACKAGE_DIR / "assets" / "images" / name
        ).read_bytes()
    text = (package / "skill.json").read_text()
    assert "footcoach.example.com" not in text  # the old committed placeholder
    assert not re.search(r"TODO|YOUR_|<[a-z-]+>", text)


def test_a_skill_id_makes_ask_deploy_update_that_skill(tmp_path):
    skill_id = "amzn1.ask.skill.12345678-90ab-cdef-1234-567890abcdef"
    result = run(
        "--base-url", "https://example.org", "--lambda-arn", ARN,
        "--skill-id", skill_id, "--out", str(tmp_path),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    states = json.loads((tmp_path / ".ask" / "ask-states.json").read_text())
    assert states["profiles"]["default"]["skillId"] == skill_id


def test_a_rebuild_replaces_the_old_package(tmp_path):
    stale = tmp_path / "skill-package" / "interactionModels" / "custom" / "fr-FR.json"
    stale.parent.mkdir(parents=True)
    stale.write_text("{}")
    build_package(Deployment("https://example.org", lambda_arn=ARN), tmp_path)
    assert not stale.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--base-url", "http://example.org", "--lambda-arn", ARN], "https://"),
        (["--base-url", "https://example.org?x=1", "--lambda-arn", ARN], "query"),
        (["--base-url", "https://example.org"], "exactly one of"),
        (
            ["--base-url", "https://example.org", "--lambda-arn", ARN, "--endpoint", "https://h/a"],
            "exactly one of",
        ),
        (["--base-url", "https://example.org", "--lambda-arn", "footcoach"], "Lambda function ARN"),
        (["--base-url", "https://example.org", "--endpoint", "http://h/alexa"], "https://"),
        (["--lambda-arn", ARN], "need --base-url"),
        (["--base-url", "https://e.org", "--lambda-arn", ARN, "--skill-id", "x"], "amzn1.ask"),
    ],
)
def test_bad_settings_build_nothing_and_say_why(tmp_path, args, message):
    result = run(*args, "--out", str(tmp_path))
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "skill-package").exists()


def test_deployment_refuses_a_missing_endpoint():
    with pytest.raises(PackageError, match="exactly one"):
        Deployment("https://example.org")


def test_build_and_check_in_one_command(tmp_path):
    result = run(
        "--base-url", "https://example.org", "--lambda-arn", ARN,
        "--out", str(tmp_path), "--check",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "passes the certification checks" in result.output


def test_check_names_each_failure_and_exits_non_zero(tmp_path):
    assert run("--base-url", "https://example.org", "--lambda-arn", ARN, "--out", str(tmp_path))
    path = tmp_path / "skill-package" / "skill.json"
    manifest = json.loads(path.read_text())
    published = manifest["manifest"]["publishingInformation"]["locales"]
    published["en-GB"]["examplePhrases"][0] = "Alexa, ask foot coach to dance"
    del manifest["manifest"]["privacyAndCompliance"]["locales"]["en-IN"]["termsOfUseUrl"]
    path.write_text(json.dumps(manifest))
    result = run("--check", "--out", str(tmp_path))
    assert result.exit_code == 1
    assert "FAIL example phrases [en-GB 'Alexa, ask foot coach to dance']" in result.output
    assert "FAIL skill manifest [en-IN termsOfUseUrl]: missing" in result.output
    assert "2 certification checks failed" in result.output


def test_check_without_a_build_says_how_to_make_one(tmp_path):
    result = run("--check", "--out", str(tmp_path / "none"))
    assert result.exit_code == 1
    assert "build it with --base-url" in result.output
