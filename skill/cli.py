"""The ``footcoach`` command: check content, read turns as SSML, generate models, serve.

Each command exists so a person can see what the skill will do without an Echo: ``check``
proves every routine is playable within Alexa's limits, ``say`` prints exactly the SSML
Alexa would speak, ``models`` regenerates the interaction models from content, and
``serve`` runs the web endpoint locally (the development server; production is gunicorn
behind nginx, see deploy/).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator

import click

from skill.console.command import chat
from skill.engine.navigation import Coach, Step
from skill.engine.parts import ExerciseTooLongError
from skill.engine.ssml import SpeechLimitError, check_limits
from skill.interaction_model import write_models
from skill.library import ContentError, Library, Routine, load_library, record_validated
from skill.packaging.commands import build_lambda, icons, package, pages


def _load(full: bool = False) -> Library:
    try:
        return load_library(full=full)
    except ContentError as exc:
        raise click.ClickException(f"content error: {exc}") from exc


def _find_routine(library: Library, name: str) -> Routine:
    wanted = name.strip().lower()
    for routine in library.routines.values():
        if wanted in (routine.id, routine.name.lower(), *routine.aliases):
            return routine
    known = ", ".join(sorted(library.routines))
    raise click.BadParameter(f"no routine {name!r}; known: {known}", param_hint="ROUTINE")


def checked_steps(coach: Coach, routine_id: str) -> Iterator[tuple[Step, str]]:
    """Walk a routine by 'next', yielding each step with its SSML checked against limits."""
    for step in coach.walk(routine_id):
        try:
            yield step, check_limits(step.turn)
        except SpeechLimitError as exc:
            where = f"exercise {step.position.item + 1}, part {step.position.part + 1}"
            raise click.ClickException(f"routine {routine_id}, {where}: {exc}") from exc


@click.group()
def main() -> None:
    """Foot Coach: an Alexa skill that coaches foot exercises with real timed pauses."""


@main.command()
def check() -> None:
    """Validate all content and print each routine with its computed length.

    Content that passes is fingerprinted (content/.validated), so the skill's start-up can
    skip the schema checks for exactly this content.
    """
    library = _load(full=True)
    coach = Coach(library)
    try:
        for exercise_id in library.exercises:
            for _ in checked_steps(coach, f"exercise:{exercise_id}"):
                pass
        for routine in library.routines.values():
            for _ in checked_steps(coach, routine.id):
                pass
            minutes = coach.total_seconds(routine.id) / 60
            click.echo(
                f"{routine.id:<14} {routine.name:<28} {len(routine.items):>2} exercises"
                f"  {minutes:5.1f} min"
            )
    except ExerciseTooLongError as exc:
        raise click.ClickException(f"content error: {exc}") from exc
    click.echo(f"ok: {len(library.exercises)} exercises, {len(library.routines)} routines")
    try:
        record_validated()
    except OSError as exc:
        click.echo(f"note: could not record the content's fingerprint: {exc}", err=True)


@main.command()
@click.argument("routine")
@click.option("--exercise", "exercise_number", type=int, help="Only this exercise (1-based).")
def say(routine: str, exercise_number: int | None) -> None:
    """Print the SSML of each turn of ROUTINE, as Alexa would receive it."""
    library = _load()
    found = _find_routine(library, routine)
    if exercise_number is not None and not 1 <= exercise_number <= len(found.items):
        raise click.BadParameter(
            f"{found.name} has exercises 1 to {len(found.items)}", param_hint="--exercise"
        )
    coach = Coach(library)
    for step, ssml in checked_steps(coach, found.id):
        position = step.position
        if exercise_number is not None and (
            position.finished or position.item + 1 != exercise_number
        ):
            continue
        label = (
            "finished"
            if position.finished
            else f"exercise {position.item + 1}, part {position.part + 1}"
        )
        click.echo(f"# {found.id}: {label} (about {step.turn.estimated_seconds:.0f} s)")
        click.echo(ssml)


@main.command()
def models() -> None:
    """Regenerate interaction_models/<locale>.json from content, and the skill package's copies."""
    from skill.packaging.skill_package import copy_interaction_models

    for path in [*write_models(_load()), *copy_interaction_models()]:
        click.echo(f"wrote {path}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--db", help="Progress storage: a SQLite file path (default var/footcoach.sqlite3).")
@click.option(
    "--skill-id",
    help="Only accept requests for this Alexa skill id (default FOOTCOACH_SKILL_ID);"
    " required unless --no-verify.",
)
@click.option(
    "--no-verify", is_flag=True, help="Skip Alexa request verification (local testing only)."
)
def serve(host: str, port: int, db: str | None, skill_id: str | None, no_verify: bool) -> None:
    """Run the Alexa endpoint locally (POST /alexa, GET /health): the development server.

    One process, no TLS, no protection against slow or many connections: for trying the skill
    on this machine. In production run gunicorn (deploy/gunicorn.conf.py) behind the nginx
    configuration in deploy/nginx/, as the README's deployment section describes.
    """
    from skill.web.app import MissingSkillId, WebConfig, create_app
    from skill.web.logs import log_to_stderr

    _load()  # broken content stops start-up here, with the file and field named
    config = WebConfig()
    if db:
        config.db = db
    if skill_id:
        config.skill_id = skill_id
    if no_verify:
        config.verify = False
        click.secho(
            "WARNING: request verification is off. Use --no-verify only for local testing;"
            " never expose this server to the internet.",
            fg="yellow",
            err=True,
        )
    try:
        app = create_app(config)
    except MissingSkillId as exc:
        raise click.ClickException(f"{exc} (here: --skill-id or --no-verify)") from exc
    click.echo(f"Foot Coach listening on http://{host}:{port}/alexa (progress in {config.db})")
    log_to_stderr()
    # werkzeug's own banner and request lines (colours, a two-line banner) keep its handler.
    werkzeug_log = logging.getLogger("werkzeug")
    werkzeug_log.addHandler(logging.StreamHandler())
    werkzeug_log.propagate = False
    app.run(host=host, port=port, threaded=True)


main.add_command(build_lambda)
main.add_command(package)
main.add_command(icons)
main.add_command(pages)
main.add_command(chat)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
