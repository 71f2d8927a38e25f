"""Issue 10's conversations through the real Flask endpoint, with real Alexa request JSON.

Pause after a part was heard and resume goes on; a name two exercises share is asked about;
the streak is said one way; the next day's welcome offers yesterday's routine; what was
taught stays taught across sessions; "how do I do this" mid-exercise gives the whole how-to.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from echo import Echo

from skill.engine.coaching import dose_summary
from skill.web.app import WebConfig, create_app
from skill.words import load_words

WORDS = load_words()


@pytest.fixture
def echo(tmp_path: Path) -> Echo:
    app = create_app(WebConfig(db=str(tmp_path / "progress.sqlite3"), skill_id=None, verify=False))
    return Echo(app.test_client())


def place(echo: Echo) -> tuple[int, int]:
    return echo.attributes["position"]["item"], echo.attributes["position"]["part"]


def played_seconds(echo: Echo) -> float:
    """How long the last reply plays: its words at a slow pace plus every break."""
    words = len(echo.last.text.split())
    return words * 60 / 140 + sum(echo.last.pauses_ms) / 1000


def test_pause_after_a_part_was_heard_then_resume_goes_on_to_the_next_part(echo):
    echo.say("StartRoutineIntent", routine="classic")
    assert place(echo) == (0, 0)
    echo.wait(played_seconds(echo) + 5)  # the whole toe press played; then "pause"
    paused = echo.say("AMAZON.PauseIntent")
    assert "Paused" in paused.text
    echo.wait(120)
    resumed = echo.say("AMAZON.ResumeIntent")
    assert place(echo) == (1, 0)
    assert "toe walking" in resumed.text.lower()
    assert "Grip the floor" not in resumed.text  # not the 90 seconds just done, again


def test_pause_that_cuts_a_part_short_then_resume_does_that_part_again(echo):
    echo.say("StartRoutineIntent", routine="classic")
    echo.wait(20)  # "Alexa, pause" while the holds are still being counted
    echo.say("AMAZON.PauseIntent")
    echo.wait(60)
    resumed = echo.say("AMAZON.ResumeIntent")
    assert place(echo) == (0, 0)
    assert "toe press" in resumed.text.lower()


def test_resume_after_the_last_part_finishes_and_counts_the_routine(echo, library):
    routine = library.routines["quick"]
    last = (len(routine.items) - 1, len(echo_parts(library, routine)) - 1)
    echo.say("StartRoutineIntent", routine="quick")
    while True:
        echo.wait(played_seconds(echo) + 2)
        if place(echo) == last:
            break
        echo.say("AMAZON.NextIntent")
    echo.say("AMAZON.PauseIntent")
    finished = echo.say("AMAZON.ResumeIntent")
    assert "That's the end of the quick routine" in finished.text
    assert WORDS.say("replies.streak_today_one") in finished.text
    assert "1 day" not in finished.text, "one day is not 'in a row'"
    assert "finished 1 routine" in echo.say("ProgressIntent").text


def echo_parts(library, routine):
    from skill.engine.navigation import Coach

    return Coach(library).parts(routine, len(routine.items) - 1)


def test_a_first_routine_and_how_am_i_doing_say_the_streak_the_same_way(echo):
    reply = echo.say("StartRoutineIntent", routine="quick")
    while "great work" not in reply.text.lower():
        reply = echo.say("AMAZON.NextIntent")
    said = WORDS.say("replies.streak_today_one")
    assert said in reply.text
    assert said in echo.say("ProgressIntent").text
    assert "start a streak" not in reply.text


def test_a_name_two_exercises_share_is_asked_about_naming_both(echo, library):
    reply = echo.say("ExerciseHowToIntent", exercise="the towel exercise")
    curls = library.exercises["towel_toe_curls"].name
    stretch = library.exercises["lying_towel_leg_stretch"].name
    assert curls in reply.text.lower() and stretch in reply.text.lower()
    assert "Which one" in reply.text
    assert "don't know" not in reply.text
    assert not reply.ended
    chosen = echo.say("ExerciseHowToIntent", exercise="towel toe curls")
    assert library.exercises["towel_toe_curls"].instructions[0] in chosen.text
    doing = echo.say("DoExerciseIntent", exercise="the towel exercise")
    assert "Which one" in doing.text and "position" not in echo.attributes


def test_the_next_day_welcome_offers_yesterdays_routine_and_the_streak(echo):
    echo.launch()
    reply = echo.say("StartRoutineIntent", routine="gentle")
    while "great work" not in reply.text.lower():
        reply = echo.say("AMAZON.NextIntent")
    echo.say("AMAZON.StopIntent")
    echo.next_day()
    welcome = echo.launch()
    assert "the gentle routine" in welcome.text
    assert WORDS.say("replies.streak_yesterday_one") in welcome.text
    assert "1 day" not in welcome.text, "one day is not 'in a row'"
    again = echo.say("AMAZON.YesIntent")
    assert echo.attributes["position"]["routine_id"] == "gentle"
    assert "Let's do the gentle routine" in again.text


def test_back_the_same_day_the_welcome_does_not_say_come_back_tomorrow(echo):
    echo.launch()
    echo.say("StartRoutineIntent", routine="quick")
    echo.finish_routine()
    echo.say("AMAZON.StopIntent")
    echo.wait(3600)
    echo.end_session()
    welcome = echo.launch()
    assert "the quick routine" in welcome.text
    assert WORDS.say("replies.streak_done_today") in welcome.text
    assert "tomorrow" not in welcome.text


def test_what_was_taught_stays_taught_the_next_day(echo, library):
    exercise = library.exercises["toe_press"]
    first = echo.say("DoExerciseIntent", exercise="toe press")
    assert exercise.instructions[1] in first.text
    echo.say("AMAZON.StopIntent")
    echo.next_day()
    again = echo.say("DoExerciseIntent", exercise="toe press")
    assert exercise.cue in again.text
    assert exercise.instructions[1] not in again.text


def test_how_do_i_do_this_mid_exercise_gives_the_whole_how_to(echo, library):
    echo.say("StartRoutineIntent", routine="quick")
    echo.say("AMAZON.NextIntent")  # toe walking, taught in full
    echo.say("AMAZON.StopIntent")
    echo.next_day()
    echo.launch()
    resumed = echo.say("AMAZON.YesIntent")
    exercise = library.routines["quick"].items[place(echo)[0]].exercise
    assert exercise.instructions[0] not in resumed.text  # taught: the cue
    how = echo.say("ExerciseHowToIntent")
    assert all(line in how.text for line in exercise.instructions)
    item = library.routines["quick"].items[place(echo)[0]]
    assert dose_summary(item.timing, item.exercise, WORDS) in how.text  # this routine's dose
    assert "resume" in how.text and not how.ended


def test_the_first_use_disclaimer_warns_about_balance_before_starting(echo):
    first = echo.launch()
    assert "balance" in first.text and "before starting" in first.text


def test_next_or_resume_after_the_end_says_it_is_done_without_counting_it_again(echo):
    echo.say("StartRoutineIntent", routine="quick")
    ending = echo.finish_routine()
    assert "great work" in ending.text.lower()
    done = WORDS.say("replies.finished_already", routine="the quick routine")
    for intent in ("AMAZON.NextIntent", "AMAZON.ResumeIntent"):
        again = echo.say(intent)
        assert again.text == done and not again.ended
    assert "finished 1 routine" in echo.say("ProgressIntent").text


def test_hang_on_with_nothing_under_way_keeps_no_place(echo):
    echo.say("StartRoutineIntent", routine="quick")
    echo.finish_routine()
    paused = echo.say("AMAZON.PauseIntent")
    assert paused.text.startswith(WORDS.say("replies.pause_nothing_under_way", what_now="")[:40])
    assert "keep your place" not in paused.text
    assert not echo.attributes["position"].get("paused")


def test_one_exercise_done_alone_after_a_routine_says_no_streak(echo):
    echo.say("StartRoutineIntent", routine="quick")
    assert WORDS.say("replies.streak_today_one") in echo.finish_routine().text
    echo.say("DoExerciseIntent", exercise="toe press")
    ending = echo.finish_routine()
    assert "toe press" in ending.text
    assert WORDS.say("replies.streak_today_one") not in ending.text
    assert "finished 1 routine" in echo.say("ProgressIntent").text
