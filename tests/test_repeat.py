"""'Repeat' says again exactly what was said, rebuilt from a small descriptor, never replayed.

Session attributes come back through the client, so they must carry no speech (issue 11,
finding 9: a forged prompt's ``<audio>`` tag was played back word for word) and stay small
(issue 12: at most 512 bytes at any position of any routine).
"""

from __future__ import annotations

import json

import pytest
from echo import Echo
from test_dialogs import assert_playable

from skill.web.app import WebConfig, create_app

MAX_SESSION_ATTRIBUTE_BYTES = 512
FORGED_AUDIO = '<speak><audio src="https://attacker.example/a.mp3"/>Hello</speak>'


@pytest.fixture
def echo(tmp_path) -> Echo:
    app = create_app(WebConfig(db=str(tmp_path / "progress.sqlite3"), verify=False))
    return Echo(app.test_client())


def attribute_bytes(echo: Echo) -> int:
    """The session attributes as the response carries them (compact JSON, UTF-8)."""
    return len(json.dumps(echo.attributes, separators=(",", ":")).encode())


def assert_repeats(echo: Echo, said) -> None:
    again = echo.say("AMAZON.RepeatIntent")
    assert_playable(again)
    assert again.ssml == said.ssml, "repeat must say exactly what was said"
    assert again.reprompt == said.reprompt


# -- finding 9: nothing the client sends back is spoken ---------------------------------


def test_a_forged_prompt_in_the_session_is_never_played(echo):
    """On the old main, "repeat" played the session's prompt, <audio> tag and all."""
    said = echo.say("StartRoutineIntent", routine="quick")
    echo.attributes["prompt"] = {"ssml": FORGED_AUDIO, "reprompt": FORGED_AUDIO}
    again = echo.say("AMAZON.RepeatIntent")
    assert_playable(again)
    assert "<audio" not in again.raw.decode()
    assert "attacker.example" not in again.raw.decode()
    assert again.ssml == said.ssml


def test_the_session_carries_no_speech(echo):
    echo.launch()
    echo.say("ExerciseHowToIntent", exercise="ankle circles")
    how_to = echo.last
    for intent in ["AMAZON.YesIntent", "AMAZON.NextIntent", "AMAZON.HelpIntent"]:
        reply = echo.say(intent)
        carried = json.dumps(echo.attributes)
        assert "<speak" not in carried
        words = reply.text.split()
        phrases = {" ".join(words[i : i + 3]) for i in range(len(words) - 2)}
        assert phrases and not any(p in carried for p in phrases), carried
    assert how_to.text[:40] not in json.dumps(echo.attributes)


FORGED_LAST = {
    "words in an argument": {"reply": "how_to", "exercise": FORGED_AUDIO},
    "unknown kind": {"reply": "audio", "src": "https://attacker.example/a.mp3"},
    "a kind with an argument it does not take": {"reply": "welcome_back", "ssml": "x"},
    "a reply kind missing its argument": {"reply": "how_to"},
    "not an object": "<speak>hi</speak>",
    "a list": [{"reply": "welcome_back"}],
    "nested junk": {"reply": "progress", "completed": {"a": [1]}, "streak": 1},
    "a huge number": {"reply": "progress", "completed": 10**400, "streak": 1},
    "a float": {"reply": "progress", "completed": 1.5, "streak": 1},
    "a long string": {"reply": "how_to", "exercise": "x" * 5000},
    "a step with an unknown move": {"reply": "step", "move": "__class__"},
    "a step from outside the routine": {"reply": "step", "move": "next", "from": {"item": 99}},
    "a step with a bad start": {"reply": "step", "move": "next", "from": {"routine_id": "x"}},
    "a step with a bad coached count": {"reply": "step", "move": "repeat", "coached": 50},
    "a step that does not lead here": {"reply": "step", "move": "skip"},
    "a step with a forged remark": {
        "reply": "step",
        "move": "repeat",
        "remark": {"reply": "how_to", "exercise": FORGED_AUDIO},
    },
}


@pytest.mark.parametrize("last", FORGED_LAST.values(), ids=FORGED_LAST)
def test_a_forged_last_reply_is_nothing_to_repeat(echo, last):
    echo.say("StartRoutineIntent", routine="classic")
    echo.attributes["last"] = last
    reply = echo.say("AMAZON.RepeatIntent")
    assert_playable(reply)
    assert "attacker.example" not in reply.raw.decode()
    assert "<audio" not in reply.ssml
    assert "nothing to repeat" in reply.text


def test_a_forged_but_well_formed_last_reply_can_only_say_the_skills_own_words(echo):
    echo.launch()
    welcome_back = echo.say("AMAZON.HelpIntent")
    echo.attributes["last"] = {"reply": "help"}
    assert echo.say("AMAZON.RepeatIntent").ssml == welcome_back.ssml


# -- repeat is exact, for every kind of reply -------------------------------------------

CONVERSATIONS = {
    "first welcome": [("launch",)],
    "how-to": [("ExerciseHowToIntent", {"exercise": "ankle circles"})],
    "unknown exercise": [("ExerciseHowToIntent", {"exercise": "moonwalk"})],
    "unknown routine": [("StartRoutineIntent", {"routine": "marathon"})],
    "no": [("ExerciseHowToIntent", {"exercise": "ankle circles"}), ("AMAZON.NoIntent", {})],
    "yes to an exercise": [
        ("ExerciseHowToIntent", {"exercise": "ankle circles"}),
        ("AMAZON.YesIntent", {}),
    ],
    "yes to nothing": [("launch",), ("AMAZON.YesIntent", {})],
    "not in a routine": [("launch",), ("AMAZON.NextIntent", {})],
    "first step with the disclaimer": [("StartRoutineIntent", {"routine": "quick"})],
    "one exercise": [("DoExerciseIntent", {"exercise": "ankle circles"})],
    "help outside a routine": [("launch",), ("AMAZON.HelpIntent", {})],
    "help in a routine": [("StartRoutineIntent", {"routine": "quick"}), ("AMAZON.HelpIntent", {})],
    "not understood": [("launch",), ("AMAZON.FallbackIntent", {})],
    "not understood in a routine": [
        ("StartRoutineIntent", {"routine": "quick"}),
        ("AMAZON.FallbackIntent", {}),
    ],
    "progress": [("launch",), ("ProgressIntent", {})],
    **{
        intent: [("StartRoutineIntent", {"routine": "classic"}), (intent, {})]
        for intent in [
            "WhatsNextIntent",
            "HowLongIntent",
            "ExercisesLeftIntent",
            "ListRoutinesIntent",
            "ListExercisesIntent",
            "AMAZON.PauseIntent",
            "AMAZON.ResumeIntent",
            "AMAZON.PreviousIntent",
            "SkipIntent",
            "AMAZON.StartOverIntent",
        ]
    },
    "start over mid-routine": [
        ("StartRoutineIntent", {"routine": "classic"}),
        ("AMAZON.NextIntent", {}),
        ("AMAZON.NextIntent", {}),
        ("AMAZON.StartOverIntent", {}),
    ],
}


@pytest.mark.parametrize("turns", CONVERSATIONS.values(), ids=CONVERSATIONS)
def test_repeat_says_the_last_reply_exactly(echo, turns):
    for turn in turns:
        said = echo.launch() if turn == ("launch",) else echo.say(turn[0], **turn[1])
    assert_repeats(echo, said)
    assert_repeats(echo, said)  # and again: repeating changes nothing


def test_repeat_after_a_new_session_resumes_the_offer_exactly(echo):
    echo.say("StartRoutineIntent", routine="classic")
    echo.say("AMAZON.NextIntent")
    echo.end_session()
    offer = echo.launch()
    assert "Say resume to continue" in offer.text
    assert_repeats(echo, offer)
    resumed = echo.say("AMAZON.YesIntent")
    assert_repeats(echo, resumed)


def test_repeat_of_the_finish_keeps_the_praise(echo):
    said = echo.say("StartRoutineIntent", routine="quick")
    while not echo.attributes["position"]["finished"]:
        said = echo.say("AMAZON.NextIntent")
    assert "Come back tomorrow" in said.text or "days in a row" in said.text
    assert_repeats(echo, said)


def routine_ids() -> list[str]:
    from skill.library import load_library

    library = load_library()
    return [*library.routines, *(f"exercise:{e}" for e in library.exercises)]


@pytest.mark.parametrize("routine_id", routine_ids())
def test_every_position_of_every_routine_repeats_exactly_in_512_bytes(echo, routine_id):
    """Next through the whole routine; at every position try each move, repeat it, and
    weigh what the session carries."""
    if routine_id.startswith("exercise:"):
        said = echo.say("DoExerciseIntent", exercise=spoken(echo, routine_id.split(":")[1]))
    else:
        said = echo.say("StartRoutineIntent", routine=spoken(echo, routine_id))
    assert echo.attributes["position"]["routine_id"] == routine_id
    largest = 0
    while True:
        largest = max(largest, attribute_bytes(echo))
        assert_repeats(echo, said)
        if echo.attributes["position"]["finished"]:
            break
        where = place(echo)
        for intent in ["AMAZON.PauseIntent", "AMAZON.ResumeIntent", "AMAZON.PreviousIntent"]:
            moved = echo.say(intent)
            largest = max(largest, attribute_bytes(echo))
            assert_repeats(echo, moved)
        if place(echo) != where:
            echo.say("AMAZON.NextIntent")  # back where we were after 'previous'
        said = echo.say("AMAZON.NextIntent")
    assert largest <= MAX_SESSION_ATTRIBUTE_BYTES, f"{routine_id}: {largest} bytes"


def spoken(echo: Echo, value_id: str) -> str:
    """A phrase that entity resolution maps to ``value_id``."""
    return next(s for v in echo.catalogue.values() for s, (i, _) in v.items() if i == value_id)


def place(echo: Echo) -> tuple[int, int]:
    return echo.attributes["position"]["item"], echo.attributes["position"]["part"]
