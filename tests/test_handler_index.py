"""The indexed request mapper picks the handler the SDK's own mapper would, asking fewer.

Every request of tests/test_every_request.py's kinds (each intent of the model in each state of
a session, plans offered and taken, the other request types) goes through the skill with a
mapper that also asks the SDK's ``GenericRequestMapper`` over the same handlers and records
whether both chose the same one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_runtime.dispatch_components.request_components import GenericRequestMapper
from echo import Echo

from skill.alexa import handler_index
from skill.alexa.handler_index import IndexedRequestMapper
from skill.alexa.skill_builder import build_skill
from skill.storage import open_storage
from skill.web.app import WebConfig, create_app

MODEL = Path(__file__).resolve().parent.parent / "interaction_models" / "en-US.json"
INTENTS = [
    i["name"] for i in json.loads(MODEL.read_text())["interactionModel"]["languageModel"]["intents"]
]
SLOT_VALUES = {"routine": "quick", "exercise": "ankle circles", "minutes": "5"}


class SideBySide(IndexedRequestMapper):
    """Chooses as the skill does, and notes what the SDK's mapper would have chosen."""

    def __init__(self, chains: list[Any]) -> None:
        super().__init__(chains)
        self.choices: list[tuple[str, str, str]] = []
        self.asked = 0

    def get_request_handler_chain(self, handler_input: Any) -> Any:
        asked = []
        for chain in self.request_handler_chains:
            handler = chain.request_handler
            original = handler.can_handle
            handler.can_handle = lambda *a, _o=original, _h=handler, **k: (
                asked.append(_h) or _o(*a, **k)
            )
        try:
            chosen = super().get_request_handler_chain(handler_input)
        finally:
            for chain in self.request_handler_chains:
                del chain.request_handler.can_handle
        self.asked += len(asked)
        expected = GenericRequestMapper(self.request_handler_chains).get_request_handler_chain(
            handler_input
        )
        request = handler_input.request_envelope.request
        what = getattr(getattr(request, "intent", None), "name", None) or request.object_type
        self.choices.append(
            (what, type(chosen.request_handler).__name__, type(expected.request_handler).__name__)
        )
        return chosen


@pytest.fixture
def skill(tmp_path: Path) -> Any:
    return build_skill(open_storage(str(tmp_path / "progress.sqlite3")))


@pytest.fixture
def side_by_side(skill: Any) -> SideBySide:
    dispatcher = skill.request_dispatcher
    (mapper,) = dispatcher.request_mappers
    watched = SideBySide(mapper.request_handler_chains)
    dispatcher.request_mappers = [watched]
    return watched


@pytest.fixture
def echo(skill: Any, side_by_side: SideBySide, tmp_path: Path) -> Echo:
    app = create_app(WebConfig(db=str(tmp_path / "unused.sqlite3"), verify=False), skill=skill)
    return Echo(app.test_client())


def test_the_skill_is_built_with_the_indexed_mapper(skill: Any) -> None:
    (mapper,) = skill.request_dispatcher.request_mappers
    assert isinstance(mapper, IndexedRequestMapper)
    assert len(mapper.request_handler_chains) > 15


STATES = {
    "no routine": [],
    "in a routine": [("StartRoutineIntent", {"routine": "quick"})],
    "paused": [("StartRoutineIntent", {"routine": "quick"}), ("AMAZON.PauseIntent", {})],
    "after a how-to": [("ExerciseHowToIntent", {"exercise": "toe press"})],
    "a plan offered": [("PlanRoutineIntent", {"minutes": "5"})],
}


@pytest.mark.parametrize("state", STATES)
def test_every_intent_goes_to_the_handler_the_sdk_would_choose(
    echo: Echo, side_by_side: SideBySide, state: str
) -> None:
    for intent in INTENTS:
        echo.session_id = None  # each intent from a new session in this state
        echo.launch()
        for said, slots in STATES[state]:
            if said in INTENTS:
                echo.say(said, **slots)
        echo.say(intent, **SLOT_VALUES)
    differing = [c for c in side_by_side.choices if c[1] != c[2]]
    assert side_by_side.choices and not differing
    # and the point of it: far fewer handlers asked than one per handler per request
    handlers = len(side_by_side.request_handler_chains)
    assert side_by_side.asked < len(side_by_side.choices) * handlers / 3


@pytest.mark.parametrize(
    "request_type",
    ["SessionEndedRequest", "System.ExceptionEncountered", "AudioPlayer.PlaybackStarted"],
)
def test_other_request_types_go_where_the_sdk_would_send_them(
    echo: Echo, side_by_side: SideBySide, request_type: str
) -> None:
    echo.say("StartRoutineIntent", routine="quick")
    data = echo.envelope({"type": request_type})
    if request_type == "System.ExceptionEncountered":
        data["request"]["error"] = {"type": "INVALID_RESPONSE", "message": "x"}
        data["request"]["cause"] = {"requestId": "r"}
    assert echo.post(data).status == 200
    assert side_by_side.choices[-1][0] == request_type
    assert side_by_side.choices[-1][1] == side_by_side.choices[-1][2]


def test_made_up_intent_names_share_one_entry(echo: Echo, skill: Any) -> None:
    """Intent names come from the request: keyed by name, forged ones would grow the index."""
    (mapper,) = skill.request_dispatcher.request_mappers
    echo.say("AMAZON.HelpIntent")
    known = len(mapper._candidates)
    for number in range(50):
        echo.say(f"MadeUpIntent{number}")
    assert len(mapper._candidates) <= known + 1
    assert len({c[1] for c in mapper.choices if c[0].startswith("MadeUp")}) == 1


def test_the_index_stops_growing_at_its_bound(monkeypatch: pytest.MonkeyPatch, skill: Any) -> None:
    monkeypatch.setattr(handler_index, "MAX_KEYS", 2)
    chains = [c for m in skill.request_dispatcher.request_mappers for c in m.request_handler_chains]
    mapper = IndexedRequestMapper(chains)
    app = create_app(WebConfig(db="unused", verify=False), skill=skill)
    skill.request_dispatcher.request_mappers = [mapper]
    echo = Echo(app.test_client())
    for intent in ("AMAZON.HelpIntent", "AMAZON.NextIntent", "AMAZON.RepeatIntent"):
        assert echo.say(intent).status == 200
    assert len(mapper._candidates) == 2
