"""The skill package in the ASK CLI layout: the manifest plus one interaction model per locale.

    deploy/skill-package/skill.json                              the manifest (kept by hand)
    deploy/skill-package/interactionModels/custom/<locale>.json  copies of interaction_models/

``ask deploy`` uploads this folder as it is. The models are copies, not a second source: they
are generated from content into ``interaction_models/`` (``footcoach models``) and copied here
by ``footcoach package``, and a test fails when the copies fall behind.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from skill.interaction_model import MODELS_DIR

PROJECT_DIR = MODELS_DIR.parent
SKILL_PACKAGE_DIR = PROJECT_DIR / "deploy" / "skill-package"
MANIFEST_NAME = "skill.json"
MODELS_SUBDIR = Path("interactionModels") / "custom"


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
