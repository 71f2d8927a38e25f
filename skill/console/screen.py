"""``footcoach screen``: print a screen the skill sends, or Amazon's engine's inflated tree of it.

Every APL screen is a RenderDocument directive built from content; this prints one as JSON
(what an Echo Show receives), or, with ``--inflate``, runs Amazon's APL engine
(``parseDirective``, see shared/tools/apl/README.md) on it for a viewport and prints the
component tree with its bounds and text, to see a screen without a device.

``--update`` prints what a coaching turn sends when the coaching document is already on the
screen and Alexa speaks the turn (not hands-free): one ExecuteCommands of SetValue. With
``--inflate`` the engine renders the turn before and runs those commands as it mounts, so
the tree is the screen the update leaves.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import click
from ask_sdk_core.serialize import DefaultSerializer

from skill.alexa.screens import CoachingScreen, ListScreens
from skill.engine.navigation import Coach, Position, Step
from skill.engine.ssml import to_ssml
from skill.library import load_library
from skill.words import load_words

ENGINE_ENV = "FOOTCOACH_APL_ENGINE"
KINDS = ("coaching", "how-to", "routines", "exercises", "plan")


def find_engine() -> Path | None:
    """parseDirective: $FOOTCOACH_APL_ENGINE, else shared/tools/apl/ beside the checkout."""
    if os.environ.get(ENGINE_ENV):
        return Path(os.environ[ENGINE_ENV])
    for folder in Path(__file__).resolve().parents:
        candidate = folder / "shared" / "tools" / "apl" / "parseDirective"
        if candidate.is_file():
            return candidate
    return None


def _coaching_step(coach: Coach, name: str, item: int, part: int, paused: bool) -> Step:
    routine_id = name if name in coach.library.routines else f"exercise:{name}"
    try:
        routine = coach.library.plan(routine_id)
    except KeyError as exc:
        raise click.BadParameter(f"no routine or exercise {name!r}") from exc
    if not 1 <= item <= len(routine.items):
        raise click.BadParameter(f"{routine.name} has exercises 1 to {len(routine.items)}")
    parts = coach.parts(routine, item - 1)
    if not 1 <= part <= len(parts):
        raise click.BadParameter(f"that exercise has parts 1 to {len(parts)}")
    step = coach.repeat(Position(routine_id, item - 1, part - 1))
    return coach.pause(step.position) if paused else step


def _before(coach: Coach, step: Step) -> Step:
    """The turn shown before this one: the part before it (or the same part, at the start)."""
    if step.position.paused:
        return coach.repeat(step.position)
    return coach.previous(step.position)


def update_of(name: str | None, item: int, part: int, paused: bool) -> tuple[Any, Any]:
    """(the document shown before, the ExecuteCommands that change it to this turn)."""
    if name is None:
        raise click.BadParameter("the coaching screen needs a routine or exercise name")
    coach = Coach(load_library())
    screen = CoachingScreen(coach, load_words())
    step = _coaching_step(coach, name, item, part, paused)
    before = _before(coach, step)
    [shown] = screen.directives(before, to_ssml(before.turn), hands_free=False)
    [execute] = screen.directives(step, to_ssml(step.turn), hands_free=False, showing=True)
    return shown, execute


def directives(kind: str, name: str | None, item: int, part: int, paused: bool) -> list[Any]:
    coach = Coach(load_library())
    words = load_words()
    lists = ListScreens(coach, words)
    if kind == "routines":
        return [lists.routines()]
    if kind == "exercises":
        return [lists.exercises()]
    if name is None:
        raise click.BadParameter(f"the {kind} screen needs a routine or exercise name")
    if kind == "how-to":
        exercise = coach.library.exercises.get(name)
        if exercise is None:
            raise click.BadParameter(f"no exercise {name!r}")
        return [lists.how_to(exercise)]
    if kind == "plan":
        if name not in coach.library.routines:
            raise click.BadParameter(f"no routine {name!r}")
        return [lists.plan(coach.library.routines[name])]
    step = _coaching_step(coach, name, item, part, paused)
    return CoachingScreen(coach, words).directives(step, to_ssml(step.turn), hands_free=True)


@click.command()
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("name", required=False)
@click.option("--item", default=1, show_default=True, help="Coaching: the exercise (1-based).")
@click.option("--part", default=1, show_default=True, help="Coaching: the part (1-based).")
@click.option("--paused", is_flag=True, help="Coaching: the screen after 'pause'.")
@click.option(
    "--update",
    is_flag=True,
    help="Coaching: the SetValue update sent when the coaching document is already shown.",
)
@click.option("--inflate", metavar="WxH", help="Run Amazon's APL engine for this viewport.")
@click.option("--round", "round_screen", is_flag=True, help="With --inflate: a round screen.")
def screen(
    kind: str,
    name: str | None,
    item: int,
    part: int,
    paused: bool,
    update: bool,
    inflate: str | None,
    round_screen: bool,
) -> None:
    """Print a screen: KIND is coaching, how-to, routines, exercises or plan; NAME a routine
    (coaching, plan) or an exercise (how-to, or coaching one exercise)."""
    serializer = DefaultSerializer()
    if update and kind != "coaching":
        raise click.BadParameter("--update is for the coaching screen")
    if update:
        shown, execute = (serializer.serialize(d) for d in update_of(name, item, part, paused))
        built = [execute]
        # the engine runs the update on the document shown before, as that document mounts
        inflated = {**shown, "document": {**shown["document"], "onMount": execute["commands"]}}
    else:
        built = [serializer.serialize(d) for d in directives(kind, name, item, part, paused)]
        inflated = built[0]
    if not inflate:
        click.echo(json.dumps(built, indent=2, ensure_ascii=False))
        return
    engine = find_engine()
    if engine is None:
        raise click.ClickException(f"Amazon's APL engine was not found: set {ENGINE_ENV}")
    with tempfile.NamedTemporaryFile("w", suffix=".json") as file:
        json.dump(inflated, file)
        file.flush()
        command = [str(engine), "-s", inflate, "-d", "160", *(["-r"] if round_screen else [])]
        result = subprocess.run([*command, "-f", file.name], capture_output=True, text=True)
    sys.stdout.write(result.stdout)
    if result.returncode:
        raise click.ClickException(f"parseDirective failed: {result.stderr.strip()}")
