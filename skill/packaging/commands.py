"""``footcoach build-lambda`` and ``footcoach package``: the two artefacts a deploy uploads.

The heavy work is imported when a command runs, so ``footcoach --help`` stays quick.
"""

from __future__ import annotations

from pathlib import Path

import click


@click.command("build-lambda")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("dist") / "footcoach-lambda.zip",
    show_default=True,
    help="Where to write the zip.",
)
@click.option(
    "--arch",
    type=click.Choice(["x86_64", "arm64"]),
    default="x86_64",
    show_default=True,
    help="The function's architecture (as in deploy/template.yaml).",
)
def build_lambda(out: Path, arch: str) -> None:
    """Build the AWS Lambda deployment zip: dependencies, skill/ and content/.

    pip installs the runtime dependencies for Lambda's platform, so this needs the package index.
    """
    from skill.library import ContentError
    from skill.packaging.lambda_zip import BuildError, build_lambda_zip

    try:
        path = build_lambda_zip(out, architecture=arch)
    except (BuildError, ContentError) as exc:
        raise click.ClickException(str(exc)) from exc
    size_mib = path.stat().st_size / 2**20
    click.echo(f"wrote {path} ({size_mib:.1f} MiB); handler skill.lambda_function.handler")


@click.command("package")
def package() -> None:
    """Copy the interaction models into deploy/skill-package/ for `ask deploy`."""
    from skill.packaging.skill_package import copy_interaction_models

    try:
        written = copy_interaction_models()
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc)) from exc
    for path in written:
        click.echo(f"wrote {path}")
