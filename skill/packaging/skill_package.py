"""The skill package in the ASK CLI layout: the manifest, one interaction model per locale, icons.

    deploy/skill-package/skill.json                              the manifest (kept by hand)
    deploy/skill-package/interactionModels/custom/<locale>.json  copies of interaction_models/
    deploy/skill-package/assets/images/footcoach-<size>.png      the icons (``footcoach icons``)

That folder is the package's source and holds nothing that differs between deployments: the
models are copies, generated from content into ``interaction_models/`` (``footcoach models``)
and copied here by ``footcoach package``, and a test fails when the copies fall behind.
What does differ, where the policies are published and where the skill runs, is filled in by
``footcoach package --base-url URL --endpoint URL|--lambda-arn ARN``, which writes the
complete package, with an ``ask-resources.json`` beside it, to ``dist/alexa/`` for
``ask deploy --target skill-metadata``. So no placeholder is ever committed, or uploaded.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from skill.interaction_model import MODELS_DIR
from skill.packaging.icons import ICON_FILES, icon_uri
from skill.values import Value, value_class

PROJECT_DIR = MODELS_DIR.parent
SKILL_PACKAGE_DIR = PROJECT_DIR / "deploy" / "skill-package"
MANIFEST_NAME = "skill.json"
MODELS_SUBDIR = Path("interactionModels") / "custom"
#: Where ``footcoach package --base-url`` writes the complete package by default.
DEFAULT_BUILD_DIR = Path("dist") / "alexa"
BUILT_PACKAGE = "skill-package"
#: The ASK CLI project file: ``ask deploy --target skill-metadata`` uploads skill-package/.
ASK_RESOURCES = {
    "askcliResourcesVersion": "2020-03-31",
    "profiles": {"default": {"skillMetadata": {"src": f"./{BUILT_PACKAGE}"}}},
}
#: The ASK CLI's record of which skill ``ask deploy`` updates (instead of creating a new one).
ASK_STATES = Path(".ask") / "ask-states.json"
SKILL_ID = re.compile(r"amzn1\.ask\.skill\.[0-9a-f-]{36}")
LAMBDA_ARN = re.compile(
    r"arn:aws:lambda:[a-z]{2}(?:-[a-z]+)+-\d:\d{12}:function:[A-Za-z0-9_-]{1,64}"
    r"(?::[A-Za-z0-9_$-]{1,128})?"
)


class PackageError(ValueError):
    """The package cannot be built from these settings; the message says which and why."""


def package_models_dir(package_dir: Path | None = None) -> Path:
    return (package_dir or SKILL_PACKAGE_DIR) / MODELS_SUBDIR


def copy_interaction_models(
    package_dir: Path | None = None, models_dir: Path | None = None
) -> list[Path]:
    """Copy every ``<locale>.json`` model into the package, dropping locales no longer built.

    A stale model left behind for a locale content no longer lists would still be deployed, so
    the package's model folder ends up holding exactly the generated models.
    """
    models_dir = models_dir or MODELS_DIR
    sources = sorted(models_dir.glob("*.json"))
    if not sources:
        raise FileNotFoundError(f"no interaction models in {models_dir}: run `footcoach models`")
    destination = package_models_dir(package_dir)
    destination.mkdir(parents=True, exist_ok=True)
    wanted = {source.name for source in sources}
    for stale in destination.glob("*.json"):
        if stale.name not in wanted:
            stale.unlink()
    written = []
    for source in sources:
        target = destination / source.name
        shutil.copyfile(source, target)
        written.append(target)
    return written


@value_class
class Deployment(Value):
    """What differs between deployments: where the policies live and where the skill runs."""

    base_url: str
    endpoint: str | None = None
    lambda_arn: str | None = None
    skill_id: str | None = None

    def __post_init__(self) -> None:
        if (self.endpoint is None) == (self.lambda_arn is None):
            raise PackageError("give exactly one of --endpoint (HTTPS URL) or --lambda-arn")
        _https_url(self.base_url, "--base-url", allow_path=True)
        if self.endpoint is not None:
            _https_url(self.endpoint, "--endpoint", allow_path=True)
        if self.lambda_arn is not None and not LAMBDA_ARN.fullmatch(self.lambda_arn):
            raise PackageError(
                f"--lambda-arn {self.lambda_arn!r} is not a Lambda function ARN"
                " (arn:aws:lambda:REGION:ACCOUNT:function:NAME)"
            )
        if self.skill_id is not None and not SKILL_ID.fullmatch(self.skill_id):
            raise PackageError(f"--skill-id {self.skill_id!r} is not amzn1.ask.skill.<uuid>")

    def page_url(self, name: str) -> str:
        return f"{self.base_url.rstrip('/')}/{name}"

    def endpoint_json(self) -> dict[str, str]:
        if self.lambda_arn is not None:
            return {"uri": self.lambda_arn}
        assert self.endpoint is not None
        # A web service needs a certificate from a trusted authority (see the README).
        return {"uri": self.endpoint, "sslCertificateType": "Trusted"}


def _https_url(url: str, option: str, *, allow_path: bool) -> None:
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise PackageError(f"{option} must be an https:// URL, not {url!r}")
    if parts.query or parts.fragment or (parts.path not in ("", "/") and not allow_path):
        raise PackageError(f"{option} must not carry a query or fragment: {url!r}")


def read_manifest(package_dir: Path) -> dict[str, Any]:
    return json.loads((package_dir / MANIFEST_NAME).read_text(encoding="utf-8"))


def complete_manifest(manifest: dict[str, Any], deployment: Deployment) -> dict[str, Any]:
    """The source manifest with the policy links, icons and endpoint of one deployment."""
    manifest = json.loads(json.dumps(manifest))  # a deep copy of plain JSON
    body = manifest["manifest"]
    locales = body["publishingInformation"]["locales"]
    for published in locales.values():
        for field in ICON_FILES:
            published[field] = icon_uri(field)
    body["privacyAndCompliance"]["locales"] = {
        locale: {
            "privacyPolicyUrl": deployment.page_url("privacy"),  # skill.legal.PAGES
            "termsOfUseUrl": deployment.page_url("terms"),
        }
        for locale in locales
    }
    body.setdefault("apis", {}).setdefault("custom", {})["endpoint"] = deployment.endpoint_json()
    if "events" in body:  # skill events (SKILL_DISABLED) go to the same endpoint
        body["events"]["endpoint"] = deployment.endpoint_json()
    return manifest


def build_package(
    deployment: Deployment,
    out_dir: Path = DEFAULT_BUILD_DIR,
    source_dir: Path | None = None,
) -> Path:
    """Write the complete skill package for ``deployment``; returns the package folder.

    ``out_dir`` gets ``ask-resources.json`` and ``skill-package/``: the source folder's
    models and icons, and its manifest completed with this deployment's links and endpoint;
    with a skill id, ``.ask/ask-states.json`` too, so ``ask deploy`` updates that skill.
    An old build there is replaced, so nothing stale is uploaded.
    """
    source_dir = source_dir or SKILL_PACKAGE_DIR
    manifest = complete_manifest(read_manifest(source_dir), deployment)
    package_dir = out_dir / BUILT_PACKAGE
    if package_dir.exists():
        shutil.rmtree(package_dir)
    shutil.copytree(source_dir, package_dir)
    (package_dir / MANIFEST_NAME).write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (out_dir / "ask-resources.json").write_text(
        json.dumps(ASK_RESOURCES, indent=2) + "\n", encoding="utf-8"
    )
    if deployment.skill_id is not None:  # else `ask deploy` creates the skill and writes this
        states = {
            "askcliStatesVersion": "2020-03-31",
            "profiles": {"default": {"skillId": deployment.skill_id}},
        }
        (out_dir / ASK_STATES).parent.mkdir(parents=True, exist_ok=True)
        (out_dir / ASK_STATES).write_text(json.dumps(states, indent=2) + "\n", encoding="utf-8")
    return package_dir
