"""``footcoach screen``: the README's way to see a screen without an Echo Show."""

from __future__ import annotations

import json

import pytest
from apl import MISSING, PARSE_DIRECTIVE
from click.testing import CliRunner

from skill.console.screen import screen


def run(*arguments: str):
    return CliRunner().invoke(screen, list(arguments))


def test_it_prints_the_directives_a_coaching_turn_sends() -> None:
    result = run("coaching", "quick", "--item", "2")
    assert result.exit_code == 0, result.output
    render, pacing = json.loads(result.output)
    assert render["type"] == "Alexa.Presentation.APL.RenderDocument"
    assert render["datasources"]["screen"]["title"] == "Exercise 2 of 4: toe walking"
    assert pacing["type"] == "Alexa.Presentation.APL.ExecuteCommands"


@pytest.mark.parametrize(
    ("arguments", "title"),
    [
        (["how-to", "ankle_circles"], "Ankle circles"),
        (["routines"], "Foot Coach routines"),
        (["exercises"], "Foot Coach exercises"),
        (["plan", "gentle"], "The gentle routine"),
    ],
)
def test_it_prints_every_other_screen(arguments: list[str], title: str) -> None:
    result = run(*arguments)
    assert result.exit_code == 0, result.output
    [render] = json.loads(result.output)
    assert render["datasources"]["list"]["title"] == title


def test_a_name_that_is_nothing_is_a_clear_error() -> None:
    result = run("coaching", "no_such_routine")
    assert result.exit_code == 2 and "no routine or exercise 'no_such_routine'" in result.output
    assert run("coaching", "quick", "--item", "9").exit_code == 2


@pytest.mark.skipif(PARSE_DIRECTIVE is None, reason=MISSING)
def test_with_inflate_it_prints_amazons_inflated_tree() -> None:
    result = run("coaching", "quick", "--inflate", "480x480", "--round")
    assert result.exit_code == 0, result.output
    tree = json.loads(result.output[result.output.index("\n{") :])
    assert tree["type"] == "Frame" and "Exercise 1 of 4: toe press" in result.output


def test_update_prints_the_set_value_a_spoken_turn_sends_a_shown_document() -> None:
    result = run("coaching", "quick", "--item", "2", "--update")
    assert result.exit_code == 0, result.output
    [execute] = json.loads(result.output)
    assert execute["type"] == "Alexa.Presentation.APL.ExecuteCommands"
    assert execute["token"] == "coaching"
    values = {c["property"]: c["value"] for c in execute["commands"] if c["type"] == "SetValue"}
    assert values["title"] == "Exercise 2 of 4: toe walking" and values["paused"] is False
    assert run("routines", "--update").exit_code == 2


@pytest.mark.skipif(PARSE_DIRECTIVE is None, reason=MISSING)
def test_update_with_inflate_prints_the_screen_the_update_leaves() -> None:
    result = run("coaching", "quick", "--item", "2", "--paused", "--update", "--inflate", "960x480")
    assert result.exit_code == 0, result.output
    tree = result.output[result.output.index("\n{") :]
    assert "Exercise 2 of 4: toe walking" in tree and "Exercise 1 of 4" not in tree
    assert not [line for line in result.output.splitlines() if line.startswith("E ")]
