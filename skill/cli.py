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
from pathlib import Path

import click

from skill.console.command import chat
from skill.console.screen import screen
from skill.engine.navigation import Coach, Step
from skill.engine.parts import ExerciseTooLongError
from skill.engine.ssml import SpeechLimitError, check_limits
from skill.interaction_model import ModelError, write_models
from skill.library import (
    LEVELS,
    ContentError,
    Library,
    Routine,
    load_library,
    record_validated,
)
from skill.packaging.commands import build_lambda, icons, package, pages


def _load(full: bool = False) -> Library:
    try:
        return load_library(full=full)
    except ContentError as exc:
        raise click.ClickException(f"content error: {exc}") from exc


def _find_routine(library: Library, name: str) -> Routine:
    if ":" in name:  # a routine id: "plan:knees:toe_press,ankle_circles", "exercise:toe_press"
        try:
            return library.plan(name.strip())
        except KeyError:
            raise click.BadParameter(f"no routine {name!r}", param_hint="ROUTINE") from None
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
            for level in LEVELS:  # every exercise at every level a plan may ask for
                levelled = library.with_levels(f"exercise:{exercise_id}", {exercise_id: level})
                for _ in checked_steps(coach, levelled):
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
    _check_models(library)
    click.echo(f"ok: {len(library.exercises)} exercises, {len(library.routines)} routines")
    try:
        record_validated()
    except OSError as exc:
        click.echo(f"note: could not record the content's fingerprint: {exc}", err=True)


def _check_models(library: Library) -> None:
    """The grammar makes valid models, and the committed ones are what it makes."""
    from skill.interaction_model import MODELS_DIR, render_models

    try:
        rendered = render_models(library)
    except ModelError as exc:
        raise click.ClickException(f"grammar error: {exc}") from exc
    for name, text in rendered.items():
        path = MODELS_DIR / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            raise click.ClickException(f"{path} is out of date: run `footcoach models`")
    click.echo(f"models: {len(rendered)} locales, checked and up to date")


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
    _print_turns(Coach(library), found, exercise_number)


def _print_turns(coach: Coach, found: Routine, exercise_number: int | None = None) -> None:
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
@click.option("--minutes", type=click.FloatRange(0, 180), help="Time available (default 10).")
@click.option("--with", "have", multiple=True, help="Equipment at hand, e.g. band (repeatable).")
@click.option("--without", "lack", multiple=True, help="Equipment lacking (repeatable).")
@click.option("--area", help="A body area: back, hips, knees, feet, ankles or balance.")
@click.option("--level", type=click.Choice(LEVELS), default="standard", show_default=True)
@click.option("--summary", is_flag=True, help="Only what the skill says before starting.")
def plan(
    minutes: float | None,
    have: tuple[str, ...],
    lack: tuple[str, ...],
    area: str | None,
    level: str,
    summary: bool,
) -> None:
    """Plan a routine as the skill would, print its offer, then the SSML of every turn."""
    from skill import plan_replies
    from skill.engine.planning import Planner, PlanRequest

    library = _load()
    catalogue = library.catalogue
    known = sorted(e.id for e in catalogue.equipment)
    for option, values in (("--with", have), ("--without", lack)):
        for value in values:
            if value not in known:
                raise click.BadParameter(f"{value!r}; known: {', '.join(known)}", param_hint=option)
    if area is not None and area not in catalogue.areas:
        known_areas = ", ".join(catalogue.areas)
        raise click.BadParameter(f"{area!r}; known: {known_areas}", param_hint="--area")
    coach = Coach(library)
    request = PlanRequest(minutes, frozenset(have), frozenset(lack), area, level)
    made = Planner(coach).plan(request)
    if made is None:
        click.echo(plan_replies.nothing_possible(request, coach.words))
        return
    text, _ = plan_replies.offer(library, made, request, coach.words)
    click.echo(text)
    click.echo(f"# routine id: {made.routine_id} ({made.seconds / 60:.1f} min)")
    if not summary:
        _print_turns(coach, library.plan(made.routine_id))


@main.command()
def models() -> None:
    """Regenerate interaction_models/<locale>.json from content and the grammar, and the skill
    package's copies; fails, changing nothing, if a sample breaks Amazon's rules or belongs to
    two intents."""
    from skill.packaging.skill_package import copy_interaction_models

    try:
        written = write_models(_load())
    except ModelError as exc:
        raise click.ClickException(str(exc)) from exc
    for path in [*written, *copy_interaction_models()]:
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
    # debug=False: FLASK_DEBUG=1 in the environment (or a .env file) turned on werkzeug's
    # debugger, which shows any visitor a traceback with source and values for any error.
    app.run(host=host, port=port, threaded=True, debug=False, load_dotenv=False)


@main.command()
@click.argument("corpus", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--locale", default="en-US", show_default=True, help="Whose model understands.")
@click.option(
    "--fail-under",
    type=click.FloatRange(0, 100),
    default=None,
    help="Exit non-zero when fewer than this percentage are understood right.",
)
def nlu(corpus: Path, locale: str, fail_under: float | None) -> None:
    """Run a CORPUS of utterances through the console's understanding: accuracy per intent
    and every miss (file format: tests/nlu/corpus.txt)."""
    from skill.console.nlu import CorpusError, accuracy, evaluate, read_corpus, report
    from skill.console.understanding import load_model, locales

    if locale not in locales():
        raise click.BadParameter(f"no model for {locale}; known: {', '.join(locales())}")
    try:
        cases = read_corpus(corpus.read_text(encoding="utf-8"))
    except CorpusError as exc:
        raise click.ClickException(f"{corpus}: {exc}") from exc
    results = evaluate(load_model(locale), cases)
    for line in report(results):
        click.echo(line)
    if fail_under is not None and accuracy(results) * 100 < fail_under:
        raise click.ClickException(f"understood {accuracy(results):.1%}, under {fail_under}%")


main.add_command(build_lambda)
main.add_command(package)
main.add_command(icons)
main.add_command(pages)
main.add_command(chat)
main.add_command(screen)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
