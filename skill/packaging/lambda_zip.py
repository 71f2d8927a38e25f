"""Build the AWS Lambda deployment zip: runtime dependencies, the ``skill`` package and content.

Lambda unpacks the zip into its code directory and puts that directory on ``sys.path``, so the
zip's top level holds the installed dependencies, ``skill/`` and, beside it, ``content/`` —
where ``skill.library`` finds content by default (``../content`` from the package).

Dependencies are installed by pip for Lambda's platform (manylinux wheels for the function's
architecture and Python), not copied from the local environment, so a build on any machine
gives the function the binary wheels it can load. The code directory is read-only, so Python
could never write bytecode there and would compile every module again on each cold start; when
the building Python is the runtime's version the zip carries the bytecode, hash-checked so it
stays valid whatever timestamps the unpacking gives the sources.
"""

from __future__ import annotations

import compileall
import os
import py_compile
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path

import skill
from skill.library import content_dir, load_library, record_validated

#: The runtime deploy/template.yaml declares; the wheels and bytecode are built for it.
LAMBDA_PYTHON = (3, 11)
#: Lambda architecture -> the manylinux platform tag pip installs wheels for.
PLATFORMS = {
    "x86_64": "manylinux2014_x86_64",
    "arm64": "manylinux2014_aarch64",
}
PACKAGE_DIR = Path(skill.__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
DEFAULT_OUT = Path("dist") / "footcoach-lambda.zip"
#: Runtime dependencies the function never imports, left out of the zip, and why. Everything
#: else in pyproject.toml ships, so a new dependency reaches Lambda unless it is listed here.
NOT_FOR_LAMBDA = {
    "flask": "the web endpoint's framework (skill.web); Lambda calls the skill directly",
    "gunicorn": "the web endpoint's server",
    "rapidfuzz": (
        "only `footcoach chat` uses it, and its wheels need glibc 2.27, newer than the"
        " Amazon Linux 2 that Lambda's python3.11 runs on"
    ),
    "click": "the `footcoach` command line's; the function has no command line",
    "cryptography": "request verification (skill.web); the Alexa trigger stands in for it",
    "ask-sdk-webservice-support": "request verification too (with oscrypto and asn1crypto)",
    "boto3": "in Lambda's Python runtime already (see PROVIDED_BY_LAMBDA)",
    "markdown-it-py": "the privacy and terms pages are served by the web app or a static host",
    "pillow": "only `footcoach icons` and `footcoach package --check` draw or measure icons",
    "ask-smapi-model": "only `footcoach package --check` reads the skill package",
}
#: Distributions Lambda's Python runtime already has, removed after pip brings them in as
#: dependencies (the DynamoDB adapter requires boto3): 20 MB the function would carry twice.
PROVIDED_BY_LAMBDA = ("boto3", "botocore", "s3transfer")
#: A fixed time for every zip entry, so the same sources give the same zip, byte for byte, and
#: a redeploy of unchanged code changes nothing. (The earliest time a zip can hold.)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
SKIPPED_DIRS = {"__pycache__"}
SKIPPED_SUFFIXES = {".pyc", ".pyo"}


class BuildError(RuntimeError):
    """The zip could not be built; the message says which step failed and why."""


def requirement_name(requirement: str) -> str:
    """The normalised distribution name of a requirement (``Foo_Bar[x]==1`` -> ``foo-bar``)."""
    match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement.strip())
    if match is None:
        raise BuildError(f"cannot read the requirement {requirement!r}")
    return re.sub(r"[-_.]+", "-", match.group()).lower()


def lambda_requirements(pyproject: Path = PROJECT_DIR / "pyproject.toml") -> list[str]:
    """The project's runtime dependencies as pyproject.toml pins them, less NOT_FOR_LAMBDA."""
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise BuildError(f"cannot read the dependencies from {pyproject}: {exc}") from exc
    return [
        requirement
        for requirement in data["project"]["dependencies"]
        if requirement_name(requirement) not in NOT_FOR_LAMBDA
    ]


def pip_install_command(
    requirements: list[str], target: Path, architecture: str = "x86_64"
) -> list[str]:
    """The pip command that installs ``requirements`` for Lambda into ``target``."""
    if architecture not in PLATFORMS:
        known = ", ".join(PLATFORMS)
        raise BuildError(f"unknown Lambda architecture {architecture!r}; known: {known}")
    major, minor = LAMBDA_PYTHON
    return [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-warn-conflicts",  # the target is judged alone, not against this environment
        "--no-compile",  # bytecode is written once, below, for the runtime's Python
        "--target",
        str(target),
        "--platform",
        PLATFORMS[architecture],
        "--implementation",
        "cp",
        "--python-version",
        f"{major}.{minor}",
        "--only-binary=:all:",
        *requirements,
    ]


def remove_distributions(target: Path, names: tuple[str, ...]) -> None:
    """Delete installed distributions from a ``pip --target`` directory, by their RECORD."""
    for info in sorted(target.glob("*.dist-info")):
        if requirement_name(info.name.removesuffix(".dist-info").rsplit("-", 1)[0]) not in names:
            continue
        record = info / "RECORD"
        try:
            lines = record.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise BuildError(f"cannot read {record} to remove {info.name}: {exc}") from exc
        for line in lines:
            relative = line.rsplit(",", 2)[0]
            path = (target / relative).resolve()
            if path.is_relative_to(target.resolve()) and path.is_file():
                path.unlink()
        shutil.rmtree(info, ignore_errors=True)
    for directory in sorted((p for p in target.rglob("*") if p.is_dir()), reverse=True):
        if not any(directory.iterdir()):
            directory.rmdir()


def _source_files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if SKIPPED_DIRS.intersection(relative.parts) or path.suffix in SKIPPED_SUFFIXES:
            continue
        if path.is_file():
            yield path


def _copy_tree(source: Path, destination: Path) -> None:
    for path in _source_files(source):
        target = destination / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)


def _compile(staging: Path) -> None:
    """Write hash-checked bytecode beside every module (for Lambda's Python only)."""
    if sys.version_info[:2] != LAMBDA_PYTHON:
        return  # bytecode of another version would be ignored: Lambda compiles at start-up
    compiled = compileall.compile_dir(
        staging,
        quiet=1,
        workers=0,
        invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH,
    )
    if not compiled:
        raise BuildError("some modules could not be compiled to bytecode")


def _write_zip(staging: Path, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in staging.rglob("*") if p.is_file()):
            entry = zipfile.ZipInfo(path.relative_to(staging).as_posix(), ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            executable = os.access(path, os.X_OK)
            entry.external_attr = ((0o100755 if executable else 0o100644) & 0xFFFF) << 16
            archive.writestr(entry, path.read_bytes())
    partial.replace(out)


def build_lambda_zip(
    out: Path = DEFAULT_OUT,
    *,
    architecture: str = "x86_64",
    requirements: list[str] | None = None,
) -> Path:
    """Build the deployment zip at ``out`` and return its path.

    Content is loaded and checked in full first: a zip is never built around content the skill
    would refuse to start with, and it carries the fingerprint of that checked content.
    """
    content = content_dir()
    load_library(content, full=True)  # raises ContentError naming the broken file and field
    requirements = lambda_requirements() if requirements is None else requirements
    with tempfile.TemporaryDirectory(prefix="footcoach-lambda-") as temporary:
        staging = Path(temporary)
        command = pip_install_command(requirements, staging, architecture)
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise BuildError(f"pip could not install the dependencies:\n{result.stderr.strip()}")
        shutil.rmtree(staging / "bin", ignore_errors=True)  # console scripts: useless in Lambda
        remove_distributions(staging, PROVIDED_BY_LAMBDA)
        _copy_tree(PACKAGE_DIR, staging / "skill")
        _copy_tree(content, staging / "content")
        record_validated(content, into=staging / "content")  # start-up skips the schema checks
        _compile(staging)
        _write_zip(staging, out)
    return out
