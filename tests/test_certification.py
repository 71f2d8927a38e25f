"""Amazon's certification checklist for custom skills, as tests on the built skill package.

Every check is derived from what the package holds (its manifest, every locale's interaction
model, every intent and sample in it) and from the skill's own answers, so it keeps checking
as intents, samples and handlers are added. Each rule is proven twice: the real package passes,
and a package or skill broken in just that way fails with the rule named. The rules and their
sources are in skill/packaging/certification.py; the checklist itself is
https://developer.amazon.com/en-US/docs/alexa/custom-skills/certification-requirements-for-custom-skills.html
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from skill.console.transport import InProcessSkill
from skill.interaction_model import load_locales
from skill.packaging import certification as cert
from skill.packaging.certification import Failure, Package
from skill.packaging.certification_dialogs import Certifier, check_dialogs
from skill.packaging.skill_package import Deployment, build_package

LOCALES = load_locales()
ARN = "arn:aws:lambda:eu-west-1:123456789012:function:footcoach"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("alexa")
    return build_package(Deployment("https://footcoach.example.org", lambda_arn=ARN), out)


@pytest.fixture(scope="module")
def package(built: Path) -> Package:
    return Package.read(built)


def edited(package: Package, change) -> Package:
    """A copy of the package with its manifest (and models) changed by ``change``."""
    other = Package(package.root, copy.deepcopy(package.manifest), copy.deepcopy(package.models))
    change(other)
    return other


def rules(failures: list[Failure]) -> set[str]:
    return {failure.rule for failure in failures}


def text(failures: list[Failure]) -> str:
    return "\n".join(map(str, failures))


# -- the manifest (MANIFEST, CHECKLIST) ------------------------------------------------------


def test_the_built_manifest_is_complete_for_submission(package):
    """Console: every locale has store text, icons and policy links; the endpoint is set."""
    assert cert.check_manifest(package) == []
    assert set(package.published) == set(LOCALES) == set(package.models)


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda p: p.published["en-GB"].pop("summary"), "en-GB summary"),
        (lambda p: p.published["en-US"].update(sumary="typo"), "misspelt"),
        (lambda p: p.published["en-AU"].update(description="x" * 4001), "4000"),
        (lambda p: p.published["en-IN"].update(examplePhrases=[]), "examplePhrases"),
        (lambda p: p.published["en-CA"].pop("largeIconUri"), "en-CA largeIconUri"),
        (
            lambda p: p.body["privacyAndCompliance"]["locales"]["en-US"].pop("termsOfUseUrl"),
            "en-US termsOfUseUrl",
        ),
        (
            lambda p: p.body["privacyAndCompliance"]["locales"]["en-GB"].update(
                privacyPolicyUrl="http://footcoach.example.org/privacy"
            ),
            "not an https",
        ),
        (
            lambda p: p.body["privacyAndCompliance"]["locales"]["en-GB"].update(
                privacyPolicyUrl="https://alexa.footcoach.org/privacy"
            ),
            "Amazon or Alexa in its domain",
        ),
        (lambda p: p.body["privacyAndCompliance"].pop("containsAds"), "containsAds"),
        (lambda p: p.body["apis"]["custom"].pop("endpoint"), "apis.custom.endpoint"),
        (
            lambda p: p.body["apis"]["custom"].update(endpoint={"uri": "https://h/alexa"}),
            "sslCertificateType",
        ),
        (lambda p: p.body["publishingInformation"].pop("testingInstructions"), "testing"),
        (lambda p: p.body.pop("events"), "SKILL_DISABLED"),
        (lambda p: p.body["events"].pop("endpoint"), "events.endpoint"),
        (lambda p: p.published.pop("en-IN"), "locales differ"),
    ],
)
def test_an_incomplete_manifest_is_named(package, change, named):
    failures = cert.check_manifest(edited(package, change))
    assert failures, "the broken manifest passed"
    assert named in text(failures)
    assert rules(failures) == {"skill manifest"}


# -- icons ------------------------------------------------------------------------------------


def test_the_icons_are_png_at_108_and_512_pixels(package):
    assert cert.check_icons(package) == []
    for field, size in {"smallIconUri": 108, "largeIconUri": 512}.items():
        uri = package.published["en-US"][field]
        with Image.open(package.root / uri.removeprefix("file://")) as icon:
            assert (icon.format, icon.size) == ("PNG", (size, size))


@pytest.mark.parametrize(("size", "fmt"), [((100, 100), "PNG"), ((108, 108), "JPEG")])
def test_a_wrong_icon_is_named(built, tmp_path, size, fmt):
    root = tmp_path / "package"
    shutil.copytree(built, root)
    path = root / Package.read(root).published["en-US"]["smallIconUri"].removeprefix("file://")
    Image.new("RGB", size, (0, 0, 0)).save(path, format=fmt)
    failures = cert.check_icons(Package.read(root))
    assert rules(failures) == {"icons"}
    assert "smallIconUri" in text(failures)


# -- the invocation name (INVOCATION) ----------------------------------------------------------


def test_every_locales_invocation_name_follows_the_rules(package):
    assert cert.check_invocation_name(package) == []


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("coach", "one-word"),
        ("the coach", "two-word"),
        ("Foot Coach", "lower-case"),
        ("foot coach 2", "lower-case"),
        ("foot-coach app", "lower-case"),
        ("alexa foot coach", "wake word"),
        ("ask foot coach", "launch phrase"),
        ("foot coach skill", "'skill' or 'app'"),
    ],
)
def test_a_bad_invocation_name_is_named(name, problem):
    assert any(problem in found for found in cert.invocation_name_problems(name))


@pytest.mark.parametrize("name", ["foot coach", "sam's foot coach", "a. b. c. foot drills"])
def test_good_invocation_names_pass(name):
    assert cert.invocation_name_problems(name) == []


# -- sample utterances (MODEL) -----------------------------------------------------------------


def test_every_sample_of_every_model_follows_the_rules(package):
    failures = cert.check_sample_utterances(package)
    assert failures == [], text(failures)


@pytest.mark.parametrize(
    ("sample", "problem"),
    [
        ("start 5 minutes", "digits"),
        ("what's next?", "special characters"),
        ("start & go", "special characters"),
        ("start {routine", "curly brackets"),
        ("do {nothing}", "not declared"),
        ("start  now", "stray spaces"),
    ],
)
def test_a_bad_sample_is_named(sample, problem):
    assert any(problem in found for found in cert.sample_problems(sample, {"routine"}))


def test_a_sample_that_is_only_a_slot_needs_words_where_amazon_requires_them():
    """MODEL: a phrase slot (AMAZON.SearchQuery), or any slot under a dialog model."""
    assert "only slots" in cert.sample_problems("{query}", {"query": "AMAZON.SearchQuery"})[0]
    assert "only slots" in cert.sample_problems("{routine}", {"routine": "R"}, dialog=True)[0]
    assert cert.sample_problems("{routine}", {"routine": "R"}) == []


@pytest.mark.parametrize(
    "sample", ["let's do the {routine}", "i've got a. b. c. exercises", "a warm-up please"]
)
def test_good_samples_pass(sample):
    assert cert.sample_problems(sample, {"routine"}) == []


def test_a_sample_under_two_intents_is_a_duplicate(package):
    def duplicate(p: Package) -> None:
        intents = cert.language_model(p.models["en-CA"])["intents"]
        with_samples = [i for i in intents if i.get("samples")]
        with_samples[1]["samples"].append(with_samples[0]["samples"][0].upper())

    failures = cert.check_sample_utterances(edited(package, duplicate))
    assert [f.rule for f in failures] == ["sample utterances"]
    assert "duplicate" in failures[0].problem and "en-CA" in failures[0].where


# -- example phrases (FUNCTIONAL) -------------------------------------------------------------


def test_every_example_phrase_is_a_launch_phrase_and_a_sample_in_every_locale(package):
    assert cert.check_example_phrases(package) == []
    for locale in LOCALES:
        first = package.published[locale]["examplePhrases"][0]
        assert first.lower().rstrip(".") == "alexa, open foot coach"


@pytest.mark.parametrize(
    ("position", "phrase", "problem"),
    [
        (0, "Alexa, ask foot coach to start", "first phrase"),
        (0, "open foot coach", "Alexa,"),
        (1, "Alexa, ask foot coach to sing me a song", "not one of the model's sample"),
        (1, "Alexa, open foot coach", "with a request"),
        (1, "Alexa, ask foot coach how do I do the moonwalk", "not one of the model's sample"),
    ],
)
def test_a_bad_example_phrase_is_named(package, position, phrase, problem):
    def change(p: Package) -> None:
        p.published["en-AU"]["examplePhrases"][position] = phrase

    failures = cert.check_example_phrases(edited(package, change))
    assert len(failures) == 1 and failures[0].where.startswith("en-AU")
    assert problem in failures[0].problem


def test_every_phrase_the_description_quotes_is_understood(package):
    assert cert.check_description_phrases(package) == []
    quoted = package.published["en-US"]["description"].count('"') // 2
    assert quoted >= 5  # the description does teach phrases


def test_a_description_promising_a_phrase_the_model_lacks_is_named(package):
    def change(p: Package) -> None:
        p.published["en-IN"]["description"] += ' Say "order me a pizza" for lunch.'

    failures = cert.check_description_phrases(edited(package, change))
    assert [str(f) for f in failures] == [
        "store description [en-IN 'order me a pizza']: the model does not know it"
    ]


# -- what the skill says (VUI) ----------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_help_stop_cancel_fallback_repeat_and_reprompts_after_every_request(package, locale):
    """VUI session management, help, stop/cancel, fallback, repeat and one-shot, per locale."""
    failures = check_dialogs(package, [locale])
    assert failures == [], text(failures)


class Broken:
    """The real skill with one kind of answer broken, as a careless change might break it."""

    def __init__(self, db: Path, intent: str, breakage) -> None:
        self.skill = InProcessSkill(db)
        self.intent = intent
        self.breakage = breakage

    def send(self, envelope: dict[str, Any]) -> Any:
        body = self.skill.send(envelope)
        request = envelope["request"]
        if self.intent in (request["type"], request.get("intent", {}).get("name")):
            self.breakage(body["response"])
        return body


def _say(text: str):
    def change(response: dict[str, Any]) -> None:
        response["outputSpeech"] = {"type": "SSML", "ssml": f"<speak>{text}</speak>"}

    return change


@pytest.mark.parametrize(
    ("intent", "breakage", "rule"),
    [
        ("AMAZON.HelpIntent", lambda r: r.update(shouldEndSession=True), "help"),
        ("AMAZON.FallbackIntent", lambda r: r.update(shouldEndSession=True), "fallback"),
        ("AMAZON.StopIntent", lambda r: r.update(shouldEndSession=False), "stop and cancel"),
        ("AMAZON.CancelIntent", lambda r: r.update(shouldEndSession=False), "stop and cancel"),
        ("AMAZON.RepeatIntent", _say("Something else entirely. What now?"), "repeat"),
        ("AMAZON.HelpIntent", lambda r: r.pop("reprompt"), "session management"),
        ("ListRoutinesIntent", _say("We have three routines."), "session management"),
        ("AMAZON.HelpIntent", lambda r: r.update(outputSpeech={"type": "SSML"}), "skill response"),
        ("Connections.Response", lambda r: r.pop("reprompt", None), "session management"),
        ("SessionEndedRequest", _say("Bye now."), "session management"),
    ],
)
def test_a_skill_that_breaks_a_rule_is_named(package, tmp_path, intent, breakage, rule):
    skill = Broken(tmp_path / "progress.sqlite3", intent, breakage)
    failures = Certifier("en-US", package.models["en-US"], skill).run()
    assert rule in rules(failures), text(failures)
    # knock-on effects only: a session left open without a reprompt breaks session
    # management, and a goodbye kept open leaves no prompt for repeat
    assert rules(failures) <= {rule, "session management", "repeat"}, text(failures)


def test_a_custom_intent_nothing_reaches_fails_the_one_shot_check(package, tmp_path):
    model = copy.deepcopy(package.models["en-US"])
    for intent in cert.language_model(model)["intents"]:
        if intent["name"] == "ListRoutinesIntent":
            intent["samples"] = []
    failures = Certifier("en-US", model, InProcessSkill(tmp_path / "db.sqlite3")).run()
    assert [str(f) for f in failures] == [
        "one-shot [en-US ListRoutinesIntent]: no sample or standard phrase reaches this intent"
    ]


# -- everything at once ------------------------------------------------------------------------


def test_the_whole_built_package_passes(built):
    assert cert.check_package(built, dialogs=False) == []


def test_an_unreadable_package_is_named(tmp_path):
    failures = cert.check_package(tmp_path / "nothing")
    assert rules(failures) == {"skill package"}


def test_package_reads_every_locale_model(package):
    assert sorted(package.models) == sorted(LOCALES)
    assert json.dumps(package.manifest)
