"""Amazon's certification checks for custom skills, run on a built skill package.

Amazon's certification team tests a submitted skill by hand against its published checklist
("Certification Requirements for Custom Skills": policy, security, functional tests, voice
interface and user experience tests). The rules that can be decided from the package and by
talking to the skill are checked here, so ``footcoach package --check`` and the test suite
fail before a submission does:

- the manifest (``skill.json``) reads with Amazon's own SMAPI classes and has every field the
  developer console requires before submission, in every locale;
- the icons are PNG files of exactly 108 x 108 and 512 x 512 pixels;
- the invocation name and every sample utterance follow Amazon's rules;
- every example phrase is a supported launch phrase with one of the model's own samples;
- and, in ``certification_dialogs``, what the skill says: help, stop, cancel, fallback,
  repeat, reprompts and one-shot requests.

Each check returns a list of ``Failure`` naming the rule, where it failed and why; an empty
list is a pass. Sources (Amazon developer documentation, en-US):

- CHECKLIST: /docs/alexa/custom-skills/certification-requirements-for-custom-skills.html
- FUNCTIONAL: /docs/alexa/custom-skills/functional-testing-for-a-custom-skill.html
- VUI: /docs/alexa/custom-skills/voice-interface-and-user-experience-testing-for-a-custom-skill.html
- INVOCATION: /docs/alexa/custom-skills/choose-the-invocation-name-for-a-custom-skill.html
- MODEL: /docs/alexa/custom-skills/create-the-interaction-model-for-your-skill.html
- MANIFEST: /docs/alexa/smapi/skill-manifest.html
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from skill.console.understanding import (
    FALLBACK,
    LAUNCH_VERBS,
    ONE_SHOT_CONNECTORS,
    InteractionModel,
    key,
    words,
)
from skill.packaging.icons import ICON_SIZES
from skill.packaging.skill_package import LAMBDA_ARN, MANIFEST_NAME, MODELS_SUBDIR
from skill.values import Value, value_class

AMAZON_DOCS = "https://developer.amazon.com/en-US/docs/alexa"


@value_class
class Failure(Value):
    """One certification rule broken: which rule, where (locale, intent, file), and how."""

    rule: str
    where: str
    problem: str

    def __str__(self) -> str:
        return f"{self.rule} [{self.where}]: {self.problem}"


# -- reading a package ----------------------------------------------------------------------


@value_class
class Package(Value):
    """A built skill package: its manifest and one interaction model per locale."""

    root: Path
    manifest: dict[str, Any]
    models: dict[str, dict[str, Any]]

    @classmethod
    def read(cls, root: Path) -> Package:
        manifest = json.loads((root / MANIFEST_NAME).read_text(encoding="utf-8"))
        models = {
            path.stem: json.loads(path.read_text(encoding="utf-8"))
            for path in sorted((root / MODELS_SUBDIR).glob("*.json"))
        }
        return cls(root, manifest, models)

    @property
    def body(self) -> dict[str, Any]:
        return self.manifest.get("manifest", {})

    @property
    def published(self) -> dict[str, dict[str, Any]]:
        return self.body.get("publishingInformation", {}).get("locales", {})


def language_model(model: dict[str, Any]) -> dict[str, Any]:
    return model["interactionModel"]["languageModel"]


# -- the manifest ---------------------------------------------------------------------------

#: Per-locale store fields the console requires, with Amazon's length limits (MANIFEST).
LOCALE_TEXT_LIMITS = {"name": 50, "summary": 160, "description": 4000}
MAX_EXAMPLE_PHRASES = 3
COMPLIANCE_FLAGS = (
    "allowsPurchases",
    "usesPersonalInfo",
    "isChildDirected",
    "isExportCompliant",
    "containsAds",
)
SSL_CERTIFICATE_TYPES = {"Trusted", "Wildcard", "SelfSigned"}
#: Amazon's marks may appear in a URL's path but not in its domain (policy requirements),
#: except in the domains AWS itself gives a site (an S3 website, say).
AMAZON_MARKS = ("amazon", "alexa")
AMAZON_WORDS = ("aws", "echo")
AWS_HOSTED = (".amazonaws.com",)


def check_manifest(package: Package) -> list[Failure]:
    """The manifest reads unchanged through ask-smapi-model and is complete for submission.

    MANIFEST and CHECKLIST: name, summary, description, example phrases, keywords, icons,
    category, testing instructions, distribution, the five privacy and compliance answers,
    a privacy policy and terms of use link per locale, and the endpoint.
    """
    from ask_sdk_model_runtime.serializer import DefaultSerializer
    from ask_smapi_model.v1.skill.manifest.skill_manifest_envelope import (
        SkillManifestEnvelope,
    )

    rule = "skill manifest"
    failures: list[Failure] = []
    serializer = DefaultSerializer()
    try:
        envelope = serializer.deserialize(json.dumps(package.manifest), SkillManifestEnvelope)
        if serializer.serialize(envelope) != package.manifest:
            failures.append(
                Failure(rule, MANIFEST_NAME, "a field is misspelt or misplaced: Amazon drops it")
            )
    except Exception as exc:  # the SDK raises several types for shapes it cannot map
        failures.append(Failure(rule, MANIFEST_NAME, f"Amazon's classes cannot read it: {exc}"))
    body = package.body
    publishing = body.get("publishingInformation", {})
    for field in ("category", "testingInstructions"):
        if not publishing.get(field):
            failures.append(Failure(rule, "publishingInformation", f"{field} is missing"))
    if not (publishing.get("isAvailableWorldwide") or publishing.get("distributionCountries")):
        failures.append(Failure(rule, "publishingInformation", "no country to distribute in"))
    compliance = body.get("privacyAndCompliance", {})
    for flag in COMPLIANCE_FLAGS:
        if not isinstance(compliance.get(flag), bool):
            failures.append(Failure(rule, "privacyAndCompliance", f"{flag} is not answered"))
    locales = set(package.models)
    if set(package.published) != locales:
        failures.append(
            Failure(rule, "publishingInformation", f"locales differ from the models: {locales}")
        )
    for locale, published in sorted(package.published.items()):
        failures += _check_store_text(locale, published)
        links = compliance.get("locales", {}).get(locale, {})
        for field in ("privacyPolicyUrl", "termsOfUseUrl"):
            problem = _url_problem(links.get(field))
            if problem:
                failures.append(Failure(rule, f"{locale} {field}", problem))
    failures += _check_endpoint(body.get("apis", {}).get("custom", {}).get("endpoint"))
    failures += _check_skill_disabled(body.get("events"))
    return failures


def _check_skill_disabled(events: Any) -> list[Failure]:
    """The privacy policy promises that disabling the skill deletes the person's data, and
    Alexa sends AlexaSkillEvent.SkillDisabled only to a skill whose manifest subscribes to
    SKILL_DISABLED with an endpoint (docs/alexa/smapi/skill-events-in-alexa-skills.html)."""
    events = events if isinstance(events, dict) else {}
    names = {s.get("eventName") for s in events.get("subscriptions", []) if isinstance(s, dict)}
    if "SKILL_DISABLED" not in names:
        return [
            Failure(
                "skill manifest",
                "events",
                "no SKILL_DISABLED subscription: disabling "
                "the skill would not delete the person's data, as the policy says",
            )
        ]
    return [
        Failure(f.rule, "events.endpoint", f.problem)
        for f in _check_endpoint(events.get("endpoint"))
    ]


def _check_store_text(locale: str, published: dict[str, Any]) -> list[Failure]:
    failures = []
    for field, limit in LOCALE_TEXT_LIMITS.items():
        text = published.get(field)
        if not isinstance(text, str) or not text.strip():
            failures.append(Failure("skill manifest", f"{locale} {field}", "missing"))
        elif len(text) > limit:
            failures.append(
                Failure("skill manifest", f"{locale} {field}", f"longer than {limit} characters")
            )
    phrases = published.get("examplePhrases") or []
    if not 1 <= len(phrases) <= MAX_EXAMPLE_PHRASES:
        failures.append(
            Failure("skill manifest", f"{locale} examplePhrases", "give one to three phrases")
        )
    if not published.get("keywords"):
        failures.append(Failure("skill manifest", f"{locale} keywords", "missing"))
    for field in ICON_SIZES:
        if not published.get(field):
            failures.append(Failure("skill manifest", f"{locale} {field}", "no icon"))
    return failures


def _url_problem(url: Any) -> str | None:
    if not isinstance(url, str) or not url:
        return "missing"
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return f"{url!r} is not an https:// link"
    host = parts.hostname.lower()
    labels = re.split(r"[.-]", host)
    if not host.endswith(AWS_HOSTED) and (
        any(mark in host for mark in AMAZON_MARKS) or set(labels) & set(AMAZON_WORDS)
    ):
        return f"{url!r} names Amazon or Alexa in its domain (allowed only in the path)"
    return None


def _check_endpoint(endpoint: Any) -> list[Failure]:
    where = "apis.custom.endpoint"
    if not isinstance(endpoint, dict) or not endpoint.get("uri"):
        return [Failure("skill manifest", where, "none: build with --endpoint or --lambda-arn")]
    uri = endpoint["uri"]
    if uri.startswith("arn:"):
        if not LAMBDA_ARN.fullmatch(uri):
            return [Failure("skill manifest", where, f"{uri!r} is not a Lambda function ARN")]
        return []
    if urlsplit(uri).scheme != "https":
        return [Failure("skill manifest", where, f"{uri!r} is neither https:// nor a Lambda ARN")]
    if endpoint.get("sslCertificateType") not in SSL_CERTIFICATE_TYPES:
        return [Failure("skill manifest", where, "an https endpoint needs sslCertificateType")]
    return []


# -- icons ----------------------------------------------------------------------------------


def check_icons(package: Package) -> list[Failure]:
    """Each locale's icons are PNG files of exactly 108 x 108 and 512 x 512 pixels.

    MANIFEST: "All images referenced in a skill manifest must be in PNG format"; the console
    rejects any other size ("Expected dimensions: [512 x 512, 108 x 108]").
    """
    from PIL import Image, UnidentifiedImageError

    failures = []
    for locale, published in sorted(package.published.items()):
        for field, size in ICON_SIZES.items():
            uri = published.get(field)
            where = f"{locale} {field}"
            if not isinstance(uri, str):
                continue  # reported by check_manifest
            if uri.startswith("https://"):
                continue  # hosted elsewhere: the console measures it on upload
            if not uri.startswith("file://"):
                failures.append(Failure("icons", where, f"{uri!r} is neither file:// nor https://"))
                continue
            path = package.root / uri.removeprefix("file://")
            try:
                with Image.open(path) as image:
                    found = (image.format, image.size)
            except (OSError, UnidentifiedImageError) as exc:
                failures.append(Failure("icons", where, f"cannot read {path.name}: {exc}"))
                continue
            if found != ("PNG", (size, size)):
                failures.append(
                    Failure("icons", where, f"{path.name} is {found}, not PNG {size} x {size}")
                )
    return failures


# -- the invocation name --------------------------------------------------------------------

#: INVOCATION: words an invocation name must not contain.
WAKE_WORDS = ("alexa", "amazon", "echo", "computer")
LAUNCH_AND_CONNECTING_WORDS = (
    "launch", "ask", "tell", "load", "begin", "enable", "open", "start", "play", "run", "use",
    "to", "from", "by", "if", "and", "whether",
)  # fmt: skip
PLATFORM_WORDS = ("skill", "app")
ARTICLES_AND_PREPOSITIONS = ("the", "a", "an", "for", "to", "of", "my")


def invocation_name_problems(name: str) -> list[str]:
    """What breaks Amazon's invocation name requirements (INVOCATION), if anything."""
    problems = []
    if not re.fullmatch(r"[a-z][a-z'.]*(?: [a-z][a-z'.]*)*", name):
        problems.append(
            "use only lower-case letters, single spaces, possessive apostrophes and periods"
        )
    tokens = name.replace(".", " ").split()
    if len(tokens) < 2:
        problems.append("one-word names are only for brands you own")
    if len(tokens) == 2 and set(tokens) & set(ARTICLES_AND_PREPOSITIONS):
        problems.append("a two-word name cannot include an article, pronoun or preposition")
    for group, what in (
        (WAKE_WORDS, "a wake word"),
        (LAUNCH_AND_CONNECTING_WORDS, "a launch phrase or connecting word"),
        (PLATFORM_WORDS, "'skill' or 'app'"),
    ):
        found = sorted(set(tokens) & set(group))
        if found:
            problems.append(f"contains {what}: {', '.join(found)}")
    return problems


def check_invocation_name(package: Package) -> list[Failure]:
    """Every locale's invocation name meets Amazon's requirements (INVOCATION)."""
    return [
        Failure("invocation name", locale, problem)
        for locale, model in sorted(package.models.items())
        for problem in invocation_name_problems(language_model(model)["invocationName"])
    ]


# -- sample utterances ----------------------------------------------------------------------

#: MODEL: a sample's words are letters (any alphabet) with periods for abbreviations,
#: possessive apostrophes and hyphens; slots are {name} in curly brackets; numbers are
#: spelled out. (The console: "Each token must consist only of unicode characters, spaces
#: and valid punctuation marks.")
SAMPLE_TOKEN = re.compile(r"\{[A-Za-z][A-Za-z0-9_]*\}|[^\W\d_]+(?:[.'\-][^\W\d_]*)*\.?")


#: Slot types whose samples need words around the slot (a "carrier phrase").
PHRASE_SLOT_TYPES = {"AMAZON.SearchQuery"}


def sample_problems(
    sample: str, slot_types: dict[str, str] | set[str], *, dialog: bool = False
) -> list[str]:
    """What breaks Amazon's sample utterance rules in one sample, if anything.

    ``slot_types`` maps the intent's slots to their types. A sample that is only slots is
    refused when the model has a dialog model, or for a phrase slot (AMAZON.SearchQuery).
    """
    declared_slots = set(slot_types)
    types = slot_types if isinstance(slot_types, dict) else {}
    problems = []
    if sample != sample.strip() or "  " in sample or not sample:
        problems.append("stray spaces")
    for token in sample.split():
        if not SAMPLE_TOKEN.fullmatch(token):
            problems.append(f"{token!r}: special characters or digits")
    slots = re.findall(r"\{([^{}]*)\}", sample)
    if sample.count("{") != len(slots) or sample.count("}") != len(slots):
        problems.append("unbalanced curly brackets")
    undeclared = sorted(set(slots) - declared_slots)
    if undeclared:
        problems.append(f"slot {', '.join(undeclared)} is not declared by the intent")
    only_slots = slots and not re.sub(r"\{[^{}]*\}", "", sample).strip()
    if only_slots and (dialog or any(types.get(slot) in PHRASE_SLOT_TYPES for slot in slots)):
        problems.append("a sample cannot be only slots (it needs a carrier phrase)")
    return problems


def check_sample_utterances(package: Package) -> list[Failure]:
    """Every sample follows the rules, and no sample appears twice in a model (MODEL).

    A sample listed under two intents (or twice under one) is a build error or a coin
    toss between intents; case and spacing do not make two samples different.
    """
    failures = []
    for locale, model in sorted(package.models.items()):
        seen: dict[str, str] = {}
        dialog = bool(model["interactionModel"].get("dialog"))
        for intent in language_model(model)["intents"]:
            declared = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
            for sample in intent.get("samples", []):
                where = f"{locale} {intent['name']} {sample!r}"
                for problem in sample_problems(sample, declared, dialog=dialog):
                    failures.append(Failure("sample utterances", where, problem))
                said = " ".join(sample.lower().split())
                if said in seen:
                    failures.append(
                        Failure("sample utterances", where, f"duplicate of {seen[said]}'s sample")
                    )
                seen.setdefault(said, intent["name"])
    return failures


# -- example phrases ------------------------------------------------------------------------

#: FUNCTIONAL: "[Wake word], [launch word] [invocation name] [connecting word] [utterance]".
WAKE_WORD = "alexa"
ASK_WORDS = ("ask", "tell", "open", "start", "launch", "begin", "talk to", "use", "load")


class Samples:
    """A model's samples as patterns spoken words can match, compiled per intent on demand.

    A custom slot matches its type's values and synonyms; a built-in slot (AMAZON.NUMBER,
    AMAZON.DURATION ...) matches any words: Amazon resolves those itself.
    """

    def __init__(self, model: dict[str, Any]) -> None:
        language = language_model(model)
        self.values: dict[str, set[str]] = {}
        for slot_type in language.get("types", []):
            spoken = self.values.setdefault(slot_type["name"], set())
            for value in slot_type.get("values", []):
                for said in (value["name"]["value"], *value["name"].get("synonyms", [])):
                    spoken.add(key(words(said)))
        self.intents = {intent["name"]: intent for intent in language["intents"]}
        self._patterns: dict[str, list[tuple[re.Pattern[str], list[str]]]] = {}

    def patterns(self, intent: str) -> list[tuple[re.Pattern[str], list[str]]]:
        """Each sample's pattern, with the slot type of each of its groups."""
        if intent not in self._patterns:
            found = self.intents.get(intent, {})
            types = {slot["name"]: slot["type"] for slot in found.get("slots", [])}
            compiled = []
            for sample in found.get("samples", []):
                parts, kinds = [], []
                for slot, word in re.findall(r"\{(\w+)\}|([^\s{}]+)", sample):
                    if word:
                        parts.append(re.escape(key(words(word))))
                    else:
                        parts.append(r"([^\W\d_]+(?: [^\W\d_]+)*?)")
                        kinds.append(types.get(slot, ""))
                compiled.append((re.compile(" ".join(p for p in parts if p)), kinds))
            self._patterns[intent] = compiled
        return self._patterns[intent]

    def matches(self, intent: str, utterance: str) -> bool:
        for pattern, kinds in self.patterns(intent):
            match = pattern.fullmatch(utterance)
            if match and all(
                kind not in self.values or said in self.values[kind]
                for kind, said in zip(kinds, match.groups(), strict=True)
            ):
                return True
        return False


def _either(options: list[str]) -> str:
    return "|".join(re.escape(o) for o in sorted(set(options), key=len, reverse=True))


def example_phrase_problem(
    phrase: str, position: int, understanding: InteractionModel, samples: Samples
) -> str | None:
    """Why ``phrase`` is not a certifiable example phrase, or None.

    FUNCTIONAL: phrases start with the wake word; the first is only the wake word, a launch
    phrase and the invocation name; every other one adds, after a connecting word, an
    utterance that is one of the model's own samples, heard as that sample's intent.
    """
    invocation = understanding.invocation_name
    if not phrase.strip().lower().startswith(f"{WAKE_WORD},"):
        return "must start with 'Alexa,'"
    rest = key(words(phrase)).removeprefix(WAKE_WORD).strip()
    if position == 0:
        if not re.fullmatch(rf"(?:{_either(list(LAUNCH_VERBS))}) {re.escape(invocation)}", rest):
            return "the first phrase is 'Alexa, open <invocation name>' and nothing else"
        return None
    asked = re.fullmatch(
        rf"(?:{_either(list(ASK_WORDS))}) {re.escape(invocation)}"
        rf"(?: (?P<connector>{_either(list(ONE_SHOT_CONNECTORS))}))? (?P<utterance>.+)",
        rest,
    )
    if asked is None:
        return "must be 'Alexa, ask <invocation name> ...' with a request"
    understood = understanding.understand(phrase).intent
    said = [asked["utterance"]]
    if asked["connector"]:
        said.append(f"{asked['connector']} {asked['utterance']}")
    if (
        understood is None
        or understood == FALLBACK
        or not any(samples.matches(understood, utterance) for utterance in said)
    ):
        return f"{asked['utterance']!r} is not one of the model's sample utterances"
    return None


def check_example_phrases(package: Package) -> list[Failure]:
    """Every locale's example phrases are supported phrases built from its own samples."""
    failures = []
    for locale, published in sorted(package.published.items()):
        model = package.models.get(locale)
        if model is None:
            continue  # reported by check_manifest
        understanding, samples = InteractionModel(model), Samples(model)
        for position, phrase in enumerate(published.get("examplePhrases") or []):
            problem = example_phrase_problem(phrase, position, understanding, samples)
            if problem:
                failures.append(Failure("example phrases", f"{locale} {phrase!r}", problem))
    return failures


def check_description_phrases(package: Package) -> list[Failure]:
    """Every phrase the store description quotes is something the model understands.

    FUNCTIONAL: the skill's functionality must match its description, and anything the
    skill tells people to say must work ("say \"I have ten minutes\"" is a promise).
    """
    failures = []
    for locale, published in sorted(package.published.items()):
        model = package.models.get(locale)
        if model is None:
            continue
        understanding = InteractionModel(model)
        description = published.get("description", "")
        for phrase in re.findall(r"[\"\u201c]([^\"\u201d]+)[\"\u201d]", description):
            if understanding.intent_for(words(phrase)).intent in (None, FALLBACK):
                where = f"{locale} {phrase!r}"
                failures.append(Failure("store description", where, "the model does not know it"))
    return failures


# -- everything -----------------------------------------------------------------------------

STATIC_CHECKS = (
    check_manifest,
    check_icons,
    check_invocation_name,
    check_sample_utterances,
    check_example_phrases,
    check_description_phrases,
)


def check_package(root: Path, *, dialogs: bool = True) -> list[Failure]:
    """Every certification check on the built package at ``root``."""
    try:
        package = Package.read(root)
    except (OSError, ValueError, KeyError) as exc:
        return [Failure("skill package", str(root), f"cannot read it: {exc}")]
    failures = [failure for check in STATIC_CHECKS for failure in check(package)]
    if dialogs:
        from skill.packaging.certification_dialogs import check_dialogs

        failures += check_dialogs(package)
    return failures
