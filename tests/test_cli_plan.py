"""`footcoach plan` and `footcoach say PLAN-ID`: a plan a person can read without an Echo."""

from __future__ import annotations

import re

from click.testing import CliRunner

from skill.cli import main
from skill.library import load_library

LIBRARY = load_library()


def test_plan_prints_the_offer_then_every_turn():
    result = CliRunner().invoke(
        main, ["plan", "--minutes", "10", "--without", "band", "--area", "knees"]
    )
    assert result.exit_code == 0, result.output
    offer, id_line, *turns = result.output.splitlines()
    assert offer.startswith(
        "For your 10 minutes, here's a routine for your knees, no band needed: "
    )
    routine_id = re.match(r"# routine id: (\S+) ", id_line).group(1)
    routine = LIBRARY.plan(routine_id)
    assert all("resistance band" not in item.exercise.equipment for item in routine.items)
    ssml = [line for line in turns if line.startswith("<speak>")]
    assert ssml[0].startswith("<speak>Let's do your routine for your knees: ")
    assert "That's the end of your routine for your knees" in ssml[-1]


def test_say_prints_a_plan_by_its_id():
    summary = CliRunner().invoke(main, ["plan", "--minutes", "5", "--summary"])
    routine_id = re.search(r"# routine id: (\S+) ", summary.output).group(1)
    said = CliRunner().invoke(main, ["say", routine_id])
    assert said.exit_code == 0, said.output
    assert said.output.count("<speak>") == len(LIBRARY.plan(routine_id).items) + 1


def test_unknown_equipment_area_or_plan_is_a_usage_error():
    runner = CliRunner()
    assert runner.invoke(main, ["plan", "--without", "piano"]).exit_code == 2
    assert runner.invoke(main, ["plan", "--area", "elbows"]).exit_code == 2
    assert runner.invoke(main, ["say", "plan:knees:no_such"]).exit_code == 2
