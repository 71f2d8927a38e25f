"""Conversations through the real Flask endpoint with real Alexa request JSON.

Each test reads like a conversation: what the person says (an intent, with slot values as
spoken) and what they hear.
"""

from __future__ import annotations

import json
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from ask_sdk_core.exceptions import PersistenceException
from echo import Echo, Reply
from progress_db import query

from skill.alexa.skill_builder import build_skill
from skill.progress import merge
from skill.replies import DISCLAIMER
from skill.storage.sqlite import SQLitePersistenceAdapter
from skill.web.app import WebConfig, create_app

MAX_RESPONSE_BYTES = 24 * 1024


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "progress.sqlite3"


@pytest.fixture
def app(db: Path):
    return create_app(WebConfig(db=str(db), skill_id=None, verify=False))


@pytest.fixture
def echo(app) -> Echo:
    return Echo(app.test_client())


def stored(db: Path) -> dict:
    rows = query(db, "SELECT attributes FROM progress")
    return json.loads(rows[0][0]) if rows else {}


def assert_playable(reply: Reply) -> None:
    """Alexa would accept and play this response."""
    assert reply.status == 200, reply.raw
    assert len(reply.raw) <= MAX_RESPONSE_BYTES
    assert len(reply.ssml) <= 8000
    ET.fromstring(reply.ssml)
    assert all(ms <= 10_000 for ms in reply.pauses_ms)
    if not reply.ended:
        assert reply.reprompt, "an open session always has a reprompt"


def test_first_launch_welcomes_with_the_disclaimer_then_not_again(echo):
    first = echo.launch()
    assert_playable(first)
    assert "Welcome to Foot Coach" in first.text
    assert "not medical advice" in first.text and "Stop if anything hurts" in first.text
    assert not first.ended
    echo.end_session()
    second = echo.launch()
    assert "not medical advice" not in second.text
    assert "Welcome back" in second.text


def test_one_shot_start_on_first_use_gives_the_disclaimer_before_coaching(echo):
    reply = echo.say("StartRoutineIntent", routine="a quick one")
    assert reply.text.startswith(DISCLAIMER.split(":")[0])
    assert "quick routine" in reply.text


ROUTINE_NAMES = {
    "classic": "classic",
    "daily": "the daily routine",
    "strength": "strength",
    "gentle": "gentle routine",
    "stretching": "stretching",
    "quick": "quick",
    "no_equipment": "without equipment",
}


@pytest.mark.parametrize("routine_id", sorted(ROUTINE_NAMES))
def test_a_whole_routine_walked_by_next(echo, library, db, routine_id):
    echo.launch()
    reply = echo.say("StartRoutineIntent", routine=ROUTINE_NAMES[routine_id])
    routine = library.routines[routine_id]
    assert routine.name in reply.text
    heard = [reply]
    while "great work" not in reply.text.lower():
        assert_playable(reply)
        assert len(heard) < 80, "the routine ends"
        reply = echo.say("AMAZON.NextIntent")
        heard.append(reply)
    assert_playable(reply)
    for item in routine.items:
        assert any(item.exercise.name in r.text.lower() for r in heard)
    assert "come back tomorrow" in reply.text.lower()
    assert reply.text.endswith("Say start over to go again, or stop to finish.")
    assert [c["routine_id"] for c in stored(db)["completions"]] == [routine_id]
    progress = echo.say("ProgressIntent")
    assert "finished 1 routine" in progress.text


def every_alias(library):
    return [(e.id, alias) for e in library.exercises.values() for alias in (e.name, *e.aliases)]


def test_how_to_for_every_exercise_under_every_alias(echo, library):
    echo.launch()
    for exercise_id, alias in every_alias(library):
        exercise = library.exercises[exercise_id]
        reply = echo.say("ExerciseHowToIntent", exercise=alias)
        assert_playable(reply)
        assert exercise.instructions[0] in reply.text, alias
        assert reply.text.endswith("Want to do it now?")


def test_how_to_then_yes_starts_that_exercise(echo, library):
    echo.launch()
    echo.say("ExerciseHowToIntent", exercise="ballerina walk")
    reply = echo.say("AMAZON.YesIntent")
    exercise = library.exercises["toe_walking"]
    assert exercise.name.capitalize() in reply.text
    assert reply.pauses_ms, "the exercise is coached with timed pauses"
    assert echo.attributes["position"]["routine_id"] == "exercise:toe_walking"


def test_do_exercise_by_alias(echo, library):
    reply = echo.say("DoExerciseIntent", exercise="pencil lift")
    assert library.exercises["toe_pencil_grasp"].name.capitalize() in reply.text


def test_unknown_exercise_keeps_the_session_open(echo):
    echo.launch()
    reply = echo.say("ExerciseHowToIntent", exercise="moonwalk")
    assert "I don't know that one yet" in reply.text
    assert not reply.ended


def test_unknown_routine_names_the_known_ones(echo, library):
    reply = echo.say("StartRoutineIntent", routine="marathon")
    assert "I don't know that routine" in reply.text
    assert library.default_routine.name in reply.text


def test_start_without_a_name_uses_the_last_routine(echo):
    echo.say("StartRoutineIntent", routine="gentle")
    echo.say("AMAZON.StopIntent")
    reply = echo.say("StartRoutineIntent")
    assert "gentle routine" in reply.text


def test_resume_after_the_session_ends(echo, library):
    echo.launch()
    echo.say("StartRoutineIntent", routine="classic")
    echo.say("AMAZON.NextIntent")
    position = echo.attributes["position"]
    echo.end_session("EXCEEDED_MAX_REPROMPTS")
    welcome = echo.launch()
    exercise = library.routines["classic"].items[position["item"]].exercise
    assert f"You were on {exercise.name} in the back pain routine" in welcome.text
    assert "Say resume to continue" in welcome.text
    resumed = echo.say("AMAZON.ResumeIntent")
    assert echo.attributes["position"]["item"] == position["item"]
    assert echo.attributes["position"]["part"] == position["part"]
    # what was taught stays taught, across sessions: the one-line cue, not the whole how-to
    assert exercise.cue in resumed.text
    assert exercise.instructions[0] not in resumed.text


def test_yes_to_the_resume_offer_resumes(echo):
    echo.say("StartRoutineIntent", routine="classic")
    echo.say("AMAZON.NextIntent")
    echo.end_session()
    echo.launch()
    echo.say("AMAZON.YesIntent")
    assert echo.attributes["position"]["item"] == 1


def test_repeat_says_the_last_prompt_exactly(echo):
    echo.say("StartRoutineIntent", routine="quick")
    before = echo.say("AMAZON.NextIntent")
    again = echo.say("AMAZON.RepeatIntent")
    assert again.ssml == before.ssml
    assert again.reprompt == before.reprompt
    how_to = echo.say("ExerciseHowToIntent", exercise="ankle circles")
    assert echo.say("AMAZON.RepeatIntent").ssml == how_to.ssml


@pytest.mark.parametrize(
    "intent", ["AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.NavigateHomeIntent"]
)
def test_stop_and_cancel_end_the_session_and_save_the_place(echo, db, intent):
    echo.say("StartRoutineIntent", routine="classic")
    echo.say("AMAZON.NextIntent")
    reply = echo.say(intent)
    assert reply.ended
    assert "Goodbye" in reply.text and "saved your place" in reply.text
    assert stored(db)["position"]["item"] == 1


def test_navigation_in_a_routine(echo, library):
    routine = library.routines["classic"]
    echo.say("StartRoutineIntent", routine="classic")
    skipped = echo.say("SkipIntent")
    assert routine.items[1].exercise.name in skipped.text.lower()
    back = echo.say("AMAZON.PreviousIntent")
    assert routine.items[0].exercise.name in back.text.lower()
    paused = echo.say("AMAZON.PauseIntent")
    assert "Say resume" in paused.text and echo.attributes["position"]["paused"]
    assert "Next is" in echo.say("WhatsNextIntent").text
    assert "to go" in echo.say("ExercisesLeftIntent").text
    assert "minutes left" in echo.say("HowLongIntent").text
    again = echo.say("AMAZON.StartOverIntent")
    assert echo.attributes["position"]["item"] == 0
    assert "Let's do the back pain routine" in again.text


def test_help_is_contextual(echo):
    outside = echo.say("AMAZON.HelpIntent")
    assert "You can say start" in outside.text
    echo.say("StartRoutineIntent", routine="classic")
    inside = echo.say("AMAZON.HelpIntent")
    assert "You're doing toe press in the back pain routine" in inside.text
    assert "Say next to go on" in inside.text


def test_fallback_says_what_works_here(echo):
    assert "You can say start" in echo.say("AMAZON.FallbackIntent").text
    echo.say("StartRoutineIntent", routine="quick")
    assert "Say next to go on" in echo.say("AMAZON.FallbackIntent").text


def test_navigation_outside_a_routine_is_answered(echo):
    for intent in [
        "AMAZON.NextIntent",
        "AMAZON.PreviousIntent",
        "AMAZON.PauseIntent",
        "SkipIntent",
    ]:
        echo.end_session()  # a new session: no offer made by the answer before
        reply = echo.say(intent)
        assert_playable(reply)
        assert "not in a routine" in reply.text


def test_skip_said_to_an_offer_declines_it(echo):
    """ "I'll pass" to "Here's a routine... Ready?": no thanks, and yes no longer starts it."""
    echo.say("PlanRoutineIntent", duration="PT10M")
    assert echo.attributes["offer"]["kind"] == "plan"
    reply = echo.say("SkipIntent")
    assert_playable(reply)
    assert "offer" not in echo.attributes
    assert "not in a routine" not in reply.text
    echo.say("AMAZON.YesIntent")
    assert "position" not in echo.attributes


def test_streak_after_two_days_in_a_row(echo):
    for day in range(2):
        echo.say("StartRoutineIntent", routine="quick")
        reply = echo.last
        while "great work" not in reply.text.lower():
            reply = echo.say("AMAZON.NextIntent")
        if day == 0:
            echo.next_day()
    assert "That's 2 days in a row." in reply.text
    # one rule, said the same way: finishing and "how am I doing" agree
    assert "That's 2 days in a row." in echo.say("ProgressIntent").text


def test_skill_disabled_deletes_the_users_data(echo, db):
    echo.say("StartRoutineIntent", routine="quick")
    assert stored(db)
    reply = echo.event("AlexaSkillEvent.SkillDisabled")
    assert reply.status == 200
    assert stored(db) == {}
    assert "not medical advice" in echo.launch().text


def test_session_ended_saves_the_place_without_speaking(echo, db):
    echo.say("StartRoutineIntent", routine="classic")
    echo.say("AMAZON.NextIntent")
    reply = echo.end_session("ERROR")
    assert reply.status == 200 and not reply.ssml
    assert stored(db)["position"]["item"] == 1


def test_two_devices_finishing_at_once_both_count(app, db):
    """Two turns for one user at the same moment never lose a completed routine."""
    first = Echo(app.test_client())
    second = first.copy(app.test_client())
    for device in (first, second):
        device.say("StartRoutineIntent", routine="quick")
        while "last exercise" not in device.last.text:
            device.say("AMAZON.NextIntent")
    barrier = threading.Barrier(2)

    def finish(device: Echo) -> None:
        barrier.wait()
        device.say("AMAZON.NextIntent")

    threads = [threading.Thread(target=finish, args=(d,)) for d in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all("great work" in d.last.text.lower() for d in (first, second))
    assert len(stored(db)["completions"]) == 2


class BrokenStorage(SQLitePersistenceAdapter):
    """Storage whose reads or writes fail, as a locked or unreachable database would."""

    def __init__(self, path: Path, fail_on: str) -> None:
        super().__init__(path, merge=merge)
        self.fail_on = fail_on

    def get_attributes(self, request_envelope):
        if self.fail_on == "load":
            raise PersistenceException("database is locked")
        return super().get_attributes(request_envelope)

    def save_attributes(self, request_envelope, attributes):
        if self.fail_on == "save":
            raise PersistenceException("database is locked")
        return super().save_attributes(request_envelope, attributes)


@pytest.mark.parametrize(
    ("fail_on", "apology"),
    [("load", "can't reach your saved progress"), ("save", "couldn't save your progress")],
)
def test_storage_failure_still_speaks_the_step(db, fail_on, apology):
    healthy = Echo(create_app(WebConfig(db=str(db), verify=False)).test_client())
    healthy.say("StartRoutineIntent", routine="classic")
    before = stored(db)
    skill = build_skill(BrokenStorage(db, fail_on))
    echo = Echo(create_app(WebConfig(verify=False), skill=skill).test_client())
    reply = echo.say("StartRoutineIntent", routine="quick")
    assert reply.status == 200
    assert reply.text.startswith("Sorry, I " + apology.split()[0]) and apology in reply.text
    assert reply.pauses_ms, "the step itself is still spoken"
    assert stored(db) == before, "what was stored is untouched"


@pytest.mark.parametrize(
    "event", ["AlexaSkillEvent.SkillEnabled", "AlexaSkillEvent.SkillPermissionAccepted"]
)
def test_an_event_for_someone_never_seen_stores_nothing(echo, db, event):
    """Enabling the skill is not using it: no record is made for a person who never spoke."""
    reply = echo.event(event)
    assert reply.status == 200
    assert query(db, "SELECT count(*) FROM progress") == [(0,)]


def test_turns_that_change_nothing_do_not_write(echo, db):
    def updated_at() -> str:
        return query(db, "SELECT updated_at FROM progress")[0][0]

    echo.launch()
    written = updated_at()
    for intent, slots in [
        ("ExerciseHowToIntent", {"exercise": "ankle circles"}),
        ("ListRoutinesIntent", {}),
        ("ProgressIntent", {}),
        ("AMAZON.HelpIntent", {}),
    ]:
        echo.say(intent, **slots)
        assert updated_at() == written, intent
    echo.say("StartRoutineIntent", routine="quick")
    assert updated_at() != written
