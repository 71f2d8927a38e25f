"""``footcoach build-lambda``, ``package``, ``icons`` and ``pages``: what a deploy uploads.

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
@click.option(
    "--base-url",
    help="Where /privacy and /terms are published, e.g. https://footcoach.example.org.",
)
@click.option("--endpoint", help="The skill's HTTPS endpoint, e.g. https://HOST/alexa.")
@click.option("--lambda-arn", help="Or the ARN of the skill's Lambda function.")
@click.option("--skill-id", help="The skill to update (amzn1.ask.skill.…); else ask creates one.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("dist") / "alexa",
    show_default=True,
    help="Where the complete package (and its ask-resources.json) is written.",
)
@click.option(
    "--check",
    is_flag=True,
    help="Run Amazon's certification checks on the package in --out; fail naming each problem.",
)
def package(
    base_url: str | None,
    endpoint: str | None,
    lambda_arn: str | None,
    skill_id: str | None,
    out: Path,
    check: bool,
) -> None:
    """Build the skill package for `ask deploy`, and check it as certification would.

    With no options, only refresh the models in deploy/skill-package/ (the package's source).
    With --base-url and --endpoint or --lambda-arn, write the complete package to --out.
    With --check, run the certification checks on --out (after building, if both are given).
    """
    from skill.packaging.skill_package import (
        BUILT_PACKAGE,
        Deployment,
        PackageError,
        build_package,
        copy_interaction_models,
    )

    try:
        written = copy_interaction_models()
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc)) from exc
    if base_url is None and (endpoint or lambda_arn or skill_id):
        raise click.UsageError("--endpoint, --lambda-arn and --skill-id need --base-url")
    if base_url is None and not check:
        for path in written:
            click.echo(f"wrote {path}")
        return
    if base_url is not None:
        try:
            deployment = Deployment(base_url, endpoint, lambda_arn, skill_id)
        except PackageError as exc:
            raise click.UsageError(str(exc)) from exc
        click.echo(f"wrote {build_package(deployment, out)}")
    if check:
        _check(out / BUILT_PACKAGE)


def _check(package_dir: Path) -> None:
    from skill.packaging.certification import check_package

    if not package_dir.is_dir():
        raise click.ClickException(
            f"no package in {package_dir}: build it with --base-url and --endpoint or --lambda-arn"
        )
    failures = check_package(package_dir)
    for failure in failures:
        click.echo(f"FAIL {failure}", err=True)
    if failures:
        raise click.ClickException(f"{len(failures)} certification checks failed")
    click.echo(f"ok: {package_dir} passes the certification checks")


@click.command("icons")
def icons() -> None:
    """Redraw the store icons (108 and 512 px PNG) into deploy/skill-package/assets/images/."""
    from skill.packaging.icons import write_icons
    from skill.packaging.skill_package import SKILL_PACKAGE_DIR

    for path in write_icons(SKILL_PACKAGE_DIR):
        click.echo(f"wrote {path}")


@click.command("pages")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("dist") / "pages",
    show_default=True,
    help="Folder to upload to a static host at the package's --base-url.",
)
def pages(out: Path) -> None:
    """Write the privacy policy and terms of use as static HTML (privacy/, terms/)."""
    from skill.legal import PageError, write_pages

    try:
        written = write_pages(out)
    except PageError as exc:
        raise click.ClickException(str(exc)) from exc
    for path in written:
        click.echo(f"wrote {path}")
