"""Plans, settings, pain and the rest of the conversation, through the real Flask endpoint.

The requests name the intent and the slot ids as Alexa's entity resolution hands them to
the skill (built-in AMAZON.DURATION and AMAZON.NUMBER slots carry only their value); the
tests in test_plan_sentences.py start from what people say instead.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from echo import Echo, Reply
from progress_db import query

from skill.library import base_routine_id, load_library
from skill.web.app import WebConfig, create_app
from skill.words import load_words

LIBRARY = load_library()
SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
RED_FLAGS = ("dizzy", "chest pain", "short of breath", "severe")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "progress.sqlite3"


@pytest.fixture
def echo(db: Path) -> Echo:
    app = create_app(WebConfig(db=str(db), skill_id=None, verify=False))
    device = Echo(app.test_client())
    device.launch()  # the first-time welcome and disclaimer, out of the way
    return device


def stored(db: Path) -> dict:
    rows = query(db, "SELECT attributes FROM progress")
    return json.loads(rows[0][0]) if rows else {}


def say(echo: Echo, intent: str, **slots: str | tuple[str, str]) -> Reply:
    """``slot=(spoken, id)`` for a custom slot type resolved to an id; ``slot=value`` for a
    built-in type (a number, an ISO 8601 duration)."""
    built = {}
    for name, value in slots.items():
        slot: dict = {"name": name, "confirmationStatus": "NONE", "source": "USER"}
        if isinstance(value, tuple):
            spoken, value_id = value
            slot["value"] = spoken
            slot["resolutions"] = {
                "resolutionsPerAuthority": [
                    {
                        "authority": f"amzn1.er-authority.echo-sdk.{SKILL_ID}.X",
                        "status": {"code": "ER_SUCCESS_MATCH"},
                        "values": [{"value": {"name": spoken, "id": value_id}}],
                    }
                ]
            }
        else:
            slot["value"] = value
        built[name] = slot
    request = {
        "type": "IntentRequest",
        "dialogState": "COMPLETED",
        "intent": {"name": intent, "confirmationStatus": "NONE", "slots": built},
    }
    return echo.post(echo.envelope(request))


def names_in(text: str) -> list[str]:
    return [e.name for e in LIBRARY.exercises.values() if e.name in text.lower()]


def minutes_said(text: str) -> float:
    """The length an offer says, in minutes: 'About 9 minutes.', 'About 8 and a half
    minutes.', 'About 90 seconds.'."""
    found = re.search(r"About (\d+)( and a half)? (minutes?|seconds)\.", text)
    number = int(found.group(1)) + (0.5 if found.group(2) else 0)
    return number / 60 if found.group(3) == "seconds" else number


def tomorrow(echo: Echo) -> None:
    echo.next_day()
    echo.launch()


def walk_to_the_end(echo: Echo) -> Reply:
    for _ in range(200):
        reply = say(echo, "AMAZON.NextIntent")
        if "That's the end of" in reply.text:
            return reply
    raise AssertionError("the routine never finished")


# -- plans ------------------------------------------------------------------------------


def test_i_have_ten_minutes_offers_a_plan_and_yes_plays_it_to_the_end(echo, db):
    offer = say(echo, "PlanRoutineIntent", minutes="10")
    assert offer.text.startswith("For your 10 minutes, here's a routine: ")
    assert offer.text.endswith("Ready?") and not offer.ended
    assert minutes_said(offer.text) <= 10
    offered = names_in(offer.text.split(":", 1)[1].split("About")[0])
    assert len(offered) >= 2
    start = say(echo, "AMAZON.YesIntent")
    assert start.text.startswith("Let's do your routine: ")
    assert start.pauses_ms, "the first exercise is coached with its silences"
    routine_id = echo.attributes["position"]["routine_id"]
    assert routine_id.startswith("plan:all:")
    end = walk_to_the_end(echo)
    assert "Great work" in end.text
    assert [c["routine_id"] for c in stored(db)["completions"]] == [routine_id]


@pytest.mark.parametrize(
    ("duration", "minutes", "spoken"),
    [
        ("PT5M", 5, "5 minutes"),
        ("PT15M", 15, "15 minutes"),
        ("PT30M", 30, "30 minutes"),
        ("PT1H", 60, "60 minutes"),
        ("PT7M30S", 7.5, "7 and a half minutes"),
    ],
)
def test_a_duration_is_the_minutes_asked(echo, duration, minutes, spoken):
    offer = say(echo, "PlanRoutineIntent", duration=duration)
    assert offer.text.startswith(f"For your {spoken}, here's a routine")
    assert minutes_said(offer.text) <= minutes


def test_knees_without_a_band_says_so_and_uses_no_band(echo):
    offer = say(
        echo,
        "PlanRoutineIntent",
        minutes="10",
        area=("my knees", "knees"),
        lack=("a band", "band"),
    )
    assert offer.text.startswith(
        "For your 10 minutes, here's a routine for your knees, no band needed: "
    )
    assert "ankle circles" in offer.text  # the articles say it of knees
    say(echo, "AMAZON.YesIntent")
    routine = LIBRARY.plan(echo.attributes["position"]["routine_id"])
    assert all("resistance band" not in i.exercise.equipment for i in routine.items)
    assert routine.name == "your routine for your knees"


def test_one_minute_offers_the_shortest_possible_and_yes_starts_it(echo):
    offer = say(echo, "PlanRoutineIntent", minutes="1")
    assert offer.text.startswith("One minute is too short for a whole exercise.")
    assert "Want to do that?" in offer.text
    start = say(echo, "AMAZON.YesIntent")
    assert start.pauses_ms and names_in(start.text)


def test_a_plan_answers_how_long_and_whats_next(echo):
    say(echo, "PlanRoutineIntent", minutes="10")
    say(echo, "AMAZON.YesIntent")
    routine = LIBRARY.plan(echo.attributes["position"]["routine_id"])
    how_long = echo.say("HowLongIntent")
    assert how_long.text.startswith("About ")
    assert how_long.text.endswith(" left in your routine. Say next when you're ready.")
    whats_next = echo.say("WhatsNextIntent")
    assert whats_next.text.startswith(f"Next is {routine.items[1].exercise.name}.")
    skipped = echo.say("SkipIntent")
    assert routine.items[1].exercise.name in skipped.text.lower()
    back = echo.say("AMAZON.PreviousIntent")
    assert routine.items[0].exercise.name in back.text.lower()


def test_how_long_to_an_offered_plan_says_that_plans_length_and_keeps_the_offer(echo):
    offer = say(echo, "PlanRoutineIntent", area=("knees", "knees"))
    assert offer.text.endswith("Ready?")
    how_long = echo.hear("how long does that take")
    planned = echo.attributes["offer"]["id"]
    from skill.engine.navigation import Coach

    coach = Coach(LIBRARY)
    minutes = coach.duration(coach.total_seconds(planned))
    assert minutes in how_long.text and minutes in offer.text
    assert LIBRARY.default_routine.name.lower() not in how_long.text.lower()
    assert load_words().say("replies.how_long_offer_reprompt") in how_long.reprompt
    started = echo.hear("yes please")
    assert echo.attributes["position"]["routine_id"] == planned and started.pauses_ms


def test_no_to_a_plan_drops_the_offer(echo):
    say(echo, "PlanRoutineIntent", minutes="10")
    say(echo, "AMAZON.NoIntent")
    assert "offer" not in echo.attributes
    assert "position" not in echo.attributes


def test_a_forged_plan_offer_is_not_started(echo):
    say(echo, "PlanRoutineIntent", minutes="10")
    echo.attributes["offer"] = {"kind": "plan", "id": "plan:all:no_such_exercise"}
    reply = say(echo, "AMAZON.YesIntent")
    assert reply.status == 200 and "What would you like to do?" in reply.text
    assert "position" not in echo.attributes


def test_a_plan_is_resumed_tomorrow(echo):
    say(echo, "PlanRoutineIntent", minutes="15")
    say(echo, "AMAZON.YesIntent")
    second = say(echo, "AMAZON.NextIntent")
    say(echo, "AMAZON.StopIntent")
    echo.next_day()
    welcome = echo.launch()
    assert "Say resume to continue" in welcome.text
    resumed = say(echo, "AMAZON.YesIntent")
    assert resumed.text.split(".")[0] == second.text.split(".")[0]


# -- equipment and level, remembered --------------------------------------------------


def test_i_have_a_band_now_is_remembered_and_used(echo, db):
    band_names = [e.name for e in LIBRARY.exercises.values() if "resistance band" in e.equipment]
    balance = ("for balance", "balance")
    before = say(echo, "PlanRoutineIntent", minutes="60", area=balance)
    assert not set(band_names) & set(names_in(before.text))
    reply = say(echo, "EquipmentIntent", have=("a resistance band", "band"))
    assert reply.text.startswith("Got it: you have a band. Here's a routine")
    assert "minute routine" not in reply.text, "no minutes asked, none said back"
    assert stored(db)["settings"]["have"] == ["band"]
    tomorrow(echo)
    after = say(echo, "PlanRoutineIntent", minutes="60", area=balance)
    assert "resistance band flexion" in after.text  # its article: balance


def test_i_dont_have_a_towel_is_remembered(echo, db):
    reply = say(echo, "EquipmentIntent", lack=("a towel", "towel"))
    assert reply.text.startswith("Got it, no towel.")
    assert stored(db)["settings"]["lack"] == ["towel"]
    tomorrow(echo)
    offer = say(echo, "PlanRoutineIntent", minutes="60")
    assert "no towel needed" in offer.text
    assert "towel" not in offer.text.split(":", 1)[1]


def test_can_i_use_a_pen_says_yes_for_the_pencil_and_remembers_it(echo, db):
    """A pen is a word for what toe pencil grasp needs: yes, and had, even though "I haven't
    got a pencil" came in the same breath."""
    reply = say(echo, "EquipmentIntent", lack=("a pencil", "pencil"), use=("a pen", "pencil"))
    assert reply.text.startswith("Yes, that will do for the pencil. Here's a routine"), reply.text
    assert stored(db)["settings"]["have"] == ["pencil"]
    assert stored(db)["settings"].get("lack", []) == []


def test_can_i_use_something_no_exercise_names_says_it_cannot_judge(echo, db):
    reply = echo.say("EquipmentIntent", use="a belt")  # Alexa resolves it to nothing
    assert reply.text.startswith("I can't say whether that will do"), reply.text
    assert "settings" not in stored(db) or not stored(db)["settings"].get("have")


def test_equipment_mid_routine_keeps_the_routine_going(echo):
    echo.say("StartRoutineIntent", routine="quick")
    reply = say(echo, "EquipmentIntent", lack=("no towel", "towel"))
    # the routine under way keeps its exercises: no promise to leave them out of it
    assert reply.text.startswith("Got it, no towel. If an exercise in this routine needs one")
    assert "I'll leave out exercises" not in reply.text
    assert reply.text.endswith("Say next when you're ready.")
    assert "offer" not in echo.attributes


def test_forget_my_settings_clears_them(echo, db):
    say(echo, "EquipmentIntent", have=("a band", "band"))
    say(echo, "LevelIntent", level=("easier", "gentle"))
    say(echo, "TalkSettingIntent", setting=("less talking", "concise"))
    reply = say(echo, "ForgetSettingsIntent")
    assert reply.text.startswith("Done. I've forgotten")
    assert "prosody" not in reply.ssml
    assert stored(db)["settings"] == {
        "have": [],
        "lack": [],
        "level": "standard",
        "exercise_levels": {},
        "slower": False,
        "concise": False,
    }


def test_something_easier_sets_the_level_and_offers_a_gentle_plan(echo, db):
    reply = say(echo, "LevelIntent", level=("something easier", "gentle"))
    assert reply.text.startswith("All right, I'll keep things gentle. Here's a gentle routine")
    assert stored(db)["settings"]["level"] == "gentle"
    say(echo, "AMAZON.YesIntent")
    routine_id = echo.attributes["position"]["routine_id"]
    assert routine_id.endswith("@g")  # every exercise gentle


def test_too_hard_mid_exercise_changes_it_from_the_next_turn_and_remembers(echo, db):
    curls = LIBRARY.exercises["towel_toe_curls"]
    first = say(echo, "DoExerciseIntent", exercise=("towel curls", "towel_toe_curls"))
    assert "10." in first.text
    reply = say(echo, "LevelIntent", level=("this is too hard", "gentle"))
    gentler = f"All right, {curls.name} will be gentler: 5 sets of 5 reps to my count"
    assert reply.text.startswith(gentler)
    assert LIBRARY.exercises["towel_toe_curls"].levels["gentle"].supported is None
    # what comes next falls in the gentler dose's first turn: resume plays it from there
    assert reply.text.endswith("Say resume when you're ready.") and not reply.pauses_ms
    following = echo.say("AMAZON.ResumeIntent")
    assert " 5." in following.text and " 6." not in following.text
    assert stored(db)["settings"]["exercise_levels"] == {"towel_toe_curls": "gentle"}
    # remembered for that exercise, in any later routine
    tomorrow(echo)
    again = say(echo, "DoExerciseIntent", exercise=("towel curls", "towel_toe_curls"))
    assert "5 sets of 5 reps to my count" in again.text and " 6." not in again.text


def test_too_hard_when_the_rest_would_merge_waits_to_resume_at_the_new_dose(echo):
    say(echo, "DoExerciseIntent", exercise=("pencil lift", "toe_pencil_grasp"))
    assert "5 reps" in echo.last.text
    reply = say(echo, "LevelIntent", level=("this is too hard", "gentle"))
    assert reply.text.startswith("All right, toe pencil grasp will be gentler: 3 reps")
    assert reply.text.endswith("Say resume when you're ready.")
    resumed = echo.say("AMAZON.ResumeIntent")
    assert "3, and hold." in resumed.text and "4, and hold." not in resumed.text


def test_too_easy_applies_from_the_next_turn_and_next_time(echo, db):
    echo.say("StartRoutineIntent", routine="classic")
    harder = say(echo, "LevelIntent", level=("too easy", "harder"))
    assert harder.text.startswith(
        "All right, toe press will be harder: 10 reps, holding each for 5"
    )
    assert harder.text.endswith("Say next when you're ready.") and not harder.pauses_ms
    following = say(echo, "AMAZON.NextIntent")
    assert "toe walking" in following.text.lower()
    tomorrow(echo)
    again = echo.say("StartRoutineIntent", routine="quick")
    assert "holding each for 5 seconds" in again.text  # toe press, remembered as harder


def test_too_easy_then_too_hard_steps_back_to_normal(echo, db):
    echo.say("StartRoutineIntent", routine="classic")
    harder = say(echo, "LevelIntent", level=("too easy", "harder"))
    assert "will be harder: 10 reps, holding each for 5 seconds" in harder.text
    normal = say(echo, "LevelIntent", level=("too hard", "gentle"))
    assert "back to the normal level for" in normal.text
    assert stored(db)["settings"]["exercise_levels"] == {}


def test_a_new_dose_is_said_mid_sentence(echo):
    say(echo, "DoExerciseIntent", exercise=("hip rotations", "hip_rotations"))
    gentler = say(echo, "LevelIntent", level=("too hard", "gentle"))
    # easier by support alone (no gentler dose in the articles): the support, then the same dose
    assert gentler.text.startswith("All right, to make hip rotations easier: Make the circles")
    assert "Still one round of 30 seconds" in gentler.text


def test_already_at_the_top_says_so(echo):
    say(echo, "DoExerciseIntent", exercise=("pencil lift", "toe_pencil_grasp"))
    reply = say(echo, "LevelIntent", level=("too easy", "harder"))
    assert reply.text.startswith("That's already the hardest version I have of toe pencil grasp.")


# -- pain and safety --------------------------------------------------------------------


def test_pain_mid_exercise_stops_gives_red_flags_and_offers_skip_or_end(echo):
    echo.say("StartRoutineIntent", routine="classic")
    reply = say(echo, "PainIntent", area=("my back", "back"))
    assert reply.text.startswith("Stop that exercise now, and rest.")
    assert all(flag in reply.text for flag in RED_FLAGS)
    assert "say skip" in reply.text and "stop to end for today" in reply.text
    assert not reply.pauses_ms, "nothing more is coached"
    skipped = say(echo, "SkipIntent")
    assert LIBRARY.routines["classic"].items[1].exercise.name in skipped.text.lower()


def test_my_back_hurts_outside_a_routine_offers_a_gentle_plan_not_named_for_the_back(echo, db):
    reply = say(echo, "PainIntent", area=("my back", "back"))
    assert all(flag in reply.text for flag in RED_FLAGS)
    assert reply.text.endswith("I can make a gentle routine for your back. Want that?")
    start = say(echo, "AMAZON.YesIntent")
    assert start.text.startswith("Let's do your routine:")
    routine_id = stored(db)["position"]["routine_id"]
    assert routine_id.startswith("plan:all:") and routine_id.endswith("@g")


def test_dizzy_outside_a_routine_offers_no_exercise(echo):
    reply = say(echo, "PainIntent")
    assert all(flag in reply.text for flag in RED_FLAGS)
    assert "When you feel well again, say start." in reply.text
    assert "offer" not in echo.attributes


def _session(db: Path, caplog, with_pain: bool, now: datetime) -> tuple[dict, list[str]]:
    app = create_app(WebConfig(db=str(db), skill_id=None, verify=False))
    device = Echo(app.test_client(), now=now)  # the same clock: a position keeps its end time
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        device.launch()
        device.say("StartRoutineIntent", routine="quick")
        if with_pain:
            say(device, "PainIntent", area=("my knee", "knees"))
            say(device, "PainIntent")
        device.say("AMAZON.NextIntent")
        device.end_session()  # logged: the logs are really captured
    record = stored(db)
    logs = [r.getMessage() for r in caplog.records]
    return record, logs


def test_nothing_said_about_pain_is_stored_or_logged(tmp_path, caplog):
    now = datetime.now(UTC)
    with_pain, logs_with = _session(tmp_path / "a.sqlite3", caplog, with_pain=True, now=now)
    without, logs_without = _session(tmp_path / "b.sqlite3", caplog, with_pain=False, now=now)
    assert with_pain == without
    assert logs_with == logs_without
    assert any("session ended" in line for line in logs_with)
    assert not any(re.search(r"knee|pain|hurt|dizzy", line, re.I) for line in logs_with)


# -- where was I, talk settings -------------------------------------------------------


def test_where_was_i_in_a_routine(echo, library):
    echo.say("StartRoutineIntent", routine="classic")
    say(echo, "AMAZON.NextIntent")
    routine = library.routines["classic"]
    reply = say(echo, "WhereWasIIntent")
    assert reply.text == (
        f"You're on exercise 2 of {len(routine.items)}, {routine.items[1].exercise.name}, "
        f"in {routine.name}. Say next when you're ready."
    )


def test_where_was_i_after_an_exercise_heard_to_its_end_says_it_is_done(echo, library):
    started = echo.say("StartRoutineIntent", routine="quick")
    routine = library.routines["quick"]
    done, coming = (i.exercise.name for i in routine.items[:2])
    assert f"Next up: {coming}" in started.text  # toe press is one part: it announces the next
    echo.listen_to_end()
    reply = say(echo, "WhereWasIIntent")
    assert reply.text.startswith(f"You've just finished {done}, exercise 1 of 4"), reply.text
    assert f"Next is {coming}" in reply.text
    moved_on = say(echo, "AMAZON.NextIntent")
    assert moved_on.text.startswith(f"Exercise 2 of 4: {coming}")


def test_where_was_i_next_day_offers_the_unfinished_routine(echo, library):
    echo.say("StartRoutineIntent", routine="classic")
    say(echo, "AMAZON.StopIntent")
    tomorrow(echo)
    reply = say(echo, "WhereWasIIntent")
    first = library.routines["classic"].items[0].exercise.name
    assert reply.text.startswith(f"You were on {first} in the back pain routine.")
    resumed = say(echo, "AMAZON.YesIntent")
    assert first in resumed.text.lower() and resumed.pauses_ms


def test_where_was_i_with_nothing_under_way(echo):
    reply = say(echo, "WhereWasIIntent")
    assert reply.text.startswith("You haven't got a routine under way.")


def test_slow_down_is_remembered_and_slows_every_answer(echo, db):
    welcome = echo.last.text
    reply = say(echo, "TalkSettingIntent", setting=("slow down", "slower"))
    # too fast to follow: a word, and what was said (the welcome) again, more slowly
    lead = load_words().say("conversation.talk_slower_again")
    assert reply.ssml.startswith(f'<speak><prosody rate="85%">{lead} Welcome')
    assert reply.text == f"{lead} {welcome}"
    step = echo.say("StartRoutineIntent", routine="quick")
    assert step.ssml.startswith('<speak><prosody rate="85%">') and step.pauses_ms
    assert '<prosody rate="85%">' in step.reprompt
    again = say(echo, "AMAZON.RepeatIntent")
    assert again.ssml.count("<prosody") == 1
    echo.next_day()
    assert echo.launch().ssml.startswith('<speak><prosody rate="85%">')
    normal = say(echo, "TalkSettingIntent", setting=("normal speed", "normal_speed"))
    assert "prosody" not in normal.ssml
    assert stored(db)["settings"]["slower"] is False


def test_less_talking_gives_the_cue_and_more_detail_the_instructions(echo, library):
    say(echo, "TalkSettingIntent", setting=("less talking", "concise"))
    first = library.routines["quick"].items[0].exercise
    concise = echo.say("StartRoutineIntent", routine="quick")
    assert first.cue in concise.text and "Here's how." not in concise.text
    say(echo, "TalkSettingIntent", setting=("more detail", "detailed"))
    detailed = say(echo, "AMAZON.NextIntent")
    assert "Here's how." in detailed.text


# -- repeat, and a session that stays small ------------------------------------------


@pytest.mark.parametrize(
    ("intent", "slots"),
    [
        ("PlanRoutineIntent", {"minutes": "10", "area": ("my knees", "knees")}),
        ("EquipmentIntent", {"have": ("a band", "band"), "lack": ("a towel", "towel")}),
        ("LevelIntent", {"level": ("easier", "gentle")}),
        ("PainIntent", {"area": ("my back", "back")}),
        ("WhereWasIIntent", {}),
        ("TalkSettingIntent", {"setting": ("less talking", "concise")}),
        ("ForgetSettingsIntent", {}),
    ],
)
def test_repeat_says_every_answer_again_exactly(echo, intent, slots):
    said = say(echo, intent, **slots)
    again = echo.say("AMAZON.RepeatIntent")
    assert (again.ssml, again.reprompt) == (said.ssml, said.reprompt)


def test_repeat_after_a_level_change_in_a_routine(echo):
    echo.say("StartRoutineIntent", routine="classic")
    said = say(echo, "LevelIntent", level=("too easy", "harder"))
    assert echo.say("AMAZON.RepeatIntent").ssml == said.ssml


SESSION_BYTES = 512  # issue 12: the session attributes at any turn


def session_bytes(echo: Echo) -> int:
    return len(json.dumps(echo.attributes, separators=(",", ":")).encode())


@pytest.mark.parametrize("minutes", ["10", "30", "60"])
def test_a_plan_keeps_the_session_small_at_every_turn(echo, minutes):
    say(echo, "EquipmentIntent", have=("a band", "band"))
    say(echo, "TalkSettingIntent", setting=("less talking", "concise"))
    say(echo, "PlanRoutineIntent", minutes=minutes, level=("gentle", "gentle"))
    largest = session_bytes(echo)
    say(echo, "AMAZON.YesIntent")
    for _ in range(100):
        largest = max(largest, session_bytes(echo))
        say(echo, "LevelIntent", level=("too easy", "harder"))
        largest = max(largest, session_bytes(echo))
        say(echo, "PlanRoutineIntent", minutes="60", lack=("a towel", "towel"))
        largest = max(largest, session_bytes(echo))
        say(echo, "AMAZON.NoIntent")
        if "That's the end" in say(echo, "AMAZON.NextIntent").text:
            break
    assert largest <= SESSION_BYTES


def length_said(text: str) -> str:
    """'8 and a half minutes' from '... About 8 and a half minutes. Ready?' or '... about ...'."""
    found = re.search(r"[Aa]bout ([\w ]+?(?:seconds|minutes|minute))\b", text)
    assert found, text
    return found.group(1)


@pytest.mark.parametrize(
    "slots",
    [
        {"minutes": "10"},
        {"duration": "PT5M"},
        {"duration": "PT20M", "area": ("my back", "back")},
        {"duration": "PT15M", "lack": ("band", "band")},
        {"duration": "PT30M"},
    ],
)
@pytest.mark.parametrize("who", ["new", "returning", "concise"])
def test_the_length_offered_is_the_length_the_routine_announces(echo, slots, who):
    """'About 9 minutes. Ready?' then 'Let's do your routine: ... about 8 and a half
    minutes' is two answers to one question: a listener hears both, seconds apart."""
    if who == "returning":  # has done every exercise of a long routine before
        echo.say("StartRoutineIntent", routine="stretching")
        for _ in range(40):
            if "Great work" in echo.say("AMAZON.NextIntent").text:
                break
    if who == "concise":
        say(echo, "TalkSettingIntent", setting=("less talking", "concise"))
    offer = say(echo, "PlanRoutineIntent", **slots)
    start = say(echo, "AMAZON.YesIntent")
    assert start.text.startswith("Let's do your routine")
    assert length_said(offer.text) == length_said(start.text)


def _finish_a_knee_plan(echo: Echo) -> str:
    """Plan for the knees, do it to its end; the plan's id without levels."""
    say(echo, "PlanRoutineIntent", area=("knees", "knees"))
    planned = base_routine_id(echo.attributes["offer"]["id"])
    say(echo, "AMAZON.YesIntent")
    echo.finish_routine()
    return planned


def test_start_after_a_finished_plan_starts_that_plan_again(echo):
    planned = _finish_a_knee_plan(echo)
    echo.next_day()
    echo.launch()
    echo.hear("start")
    assert base_routine_id(echo.attributes["position"]["routine_id"]) == planned


def test_the_next_day_welcome_offers_the_plan_done_last_time(echo):
    planned = _finish_a_knee_plan(echo)
    echo.next_day()
    welcome = echo.launch()
    assert load_words().say("plans.routine_name_knees") in welcome.text
    assert LIBRARY.default_routine.name not in welcome.text
    echo.hear("yes")
    assert base_routine_id(echo.attributes["position"]["routine_id"]) == planned


def test_a_question_about_an_exercise_in_the_plan_on_offer_keeps_the_offer(echo):
    """'How many reps of toe press will I do?' to a plan with toe press in it: the plan's
    dose, its question again, and 'yes' starts the plan, not toe press alone."""
    say(echo, "EquipmentIntent", lack=("a band", "band"))
    offer = say(echo, "PlanRoutineIntent", minutes="10")
    planned = echo.attributes["offer"]
    routine = LIBRARY.plan(planned["id"])
    item = routine.items[0]
    reply = say(echo, "DoseIntent", exercise=(item.exercise.name, item.exercise.id))
    from skill.engine.coaching import dose_summary

    dose = dose_summary(item.timing, item.exercise, load_words())
    assert dose[:-1].lower() in reply.text.lower(), reply.text
    assert reply.text.endswith(load_words().say("replies.how_long_offer_reprompt"))
    assert echo.attributes["offer"] == planned and offer.text.endswith("Ready?")
    say(echo, "AMAZON.YesIntent")
    assert echo.attributes["position"]["routine_id"] == planned["id"]
