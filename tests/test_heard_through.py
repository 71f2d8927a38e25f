"""A turn heard to its end, or cut short: what "okay", "resume" and "skip" then mean.

Alexa opens the microphone only when its speech ends, so an answer to "Next up: toe walking.
Say next when you're ready." comes after the whole turn played, at whatever speed Alexa's
voice spoke it. "Okay", "yes" or "I'm back" then mean go on, not "play toe press again", and
"skip that one" means the exercise just announced, not the one done. Only a request sooner
than the voice could have finished ("Alexa, pause" mid-exercise) cut the turn short. The
speeds here are the voice's, measured from the reply's words and silences, not the skill's
own estimate, so these tests fail if the skill times turns by a slower voice than Alexa's.
"""

from __future__ import annotations

import re

import pytest
from echo import Echo, Reply

from skill.library import load_library

LIBRARY = load_library()
QUICK = LIBRARY.routines["quick"]

#: Alexa's default voice speaks at about 150-160 words a minute.
ALEXAS_WORDS_PER_MINUTE = 155


def played_seconds(reply: Reply, words_per_minute: float = ALEXAS_WORDS_PER_MINUTE) -> float:
    """How long Alexa plays the reply: its words at the voice's speed, and its silences."""
    words = len(re.findall(r"[\w']+", reply.text))
    return words * 60 / words_per_minute + sum(reply.pauses_ms) / 1000


def _first_exercise_heard_through(echo: Echo) -> Reply:
    reply = echo.hear("start the quick routine")
    assert echo.attributes["position"]["item"] == 0
    echo.wait(played_seconds(reply) + 2)  # the person answers two seconds after it ends
    return reply


@pytest.mark.parametrize("said", ["okay", "yes", "alright then", "go on then", "yes please"])
def test_agreeing_after_a_turn_heard_through_goes_on_to_the_exercise_announced(echo, said) -> None:
    _first_exercise_heard_through(echo)
    reply = echo.hear(said)
    assert echo.attributes["position"]["item"] == 1, reply.text
    assert QUICK.items[1].exercise.name in reply.text


def test_resuming_after_a_pause_that_came_after_the_turn_goes_on(echo) -> None:
    _first_exercise_heard_through(echo)
    echo.hear("hang on a minute")
    assert echo.attributes["position"]["paused"]
    echo.wait(60)
    echo.hear("I'm back")
    assert echo.attributes["position"]["item"] == 1


def test_a_pause_said_mid_exercise_still_cut_it_short_and_resume_plays_it_again(echo) -> None:
    reply = echo.hear("start the quick routine")
    echo.wait(played_seconds(reply) / 3)  # "Alexa, pause" a third of the way through
    echo.hear("pause")
    echo.wait(30)
    again = echo.hear("resume")
    assert echo.attributes["position"]["item"] == 0
    assert QUICK.items[0].exercise.name in again.text


@pytest.mark.parametrize("said", ["skip that one", "skip this one", "skip"])
def test_skipping_after_next_up_skips_the_exercise_announced(echo, said) -> None:
    _first_exercise_heard_through(echo)
    reply = echo.hear(said)
    position = echo.attributes["position"]
    assert position["item"] == 2, reply.text
    assert position.get("skipped") == [1]  # toe press was done; toe walking was left out
    assert QUICK.items[2].exercise.name in reply.text


def test_skipping_mid_exercise_skips_that_exercise(echo) -> None:
    reply = echo.hear("start the quick routine")
    echo.wait(played_seconds(reply) / 3)
    echo.hear("skip")
    position = echo.attributes["position"]
    assert position["item"] == 1 and position.get("skipped") == [0]


def test_a_whole_routine_of_okays_is_counted_done_with_nothing_skipped(echo) -> None:
    reply = echo.hear("start the quick routine")
    for _ in range(len(QUICK.items) + 5):
        if echo.attributes["position"].get("finished"):
            break
        echo.wait(played_seconds(reply) + 2)
        reply = echo.hear("okay")
    else:
        pytest.fail("the routine never finished")
    position = echo.attributes["position"]
    assert not position.get("skipped")
    assert echo.attributes["position"]["finished"]


@pytest.mark.parametrize("asked", ["how do I do this one", "how many do I do", "is this one safe"])
def test_a_question_after_next_up_is_about_the_exercise_announced(echo, asked) -> None:
    _first_exercise_heard_through(echo)
    reply = echo.hear(asked)
    announced, done = QUICK.items[1].exercise.name, QUICK.items[0].exercise.name
    text = reply.text.lower()
    assert announced in text and done not in text, reply.text
    assert "offer" not in echo.attributes  # the routine's own question, no offer to leave it
    echo.hear("next")
    assert echo.attributes["position"]["item"] == 1


def test_a_question_mid_exercise_is_about_that_exercise(echo) -> None:
    reply = echo.hear("start the quick routine")
    echo.wait(played_seconds(reply) / 3)
    answer = echo.hear("how many do I do")
    assert QUICK.items[0].exercise.name in answer.text.lower(), answer.text


@pytest.mark.parametrize("then", ["next", "okay", "resume"])
def test_after_a_question_asked_mid_exercise_carrying_on_finishes_that_exercise(echo, then) -> None:
    """The answer ends "say next when you're ready": next, however long after, is the part
    the question cut short, not the one after it."""
    reply = echo.hear("start the quick routine")
    echo.wait(played_seconds(reply) / 3)
    echo.hear("how long do I hold it for")
    echo.wait(played_seconds(reply))  # well past when the cut-short turn would have ended
    again = echo.hear(then)
    assert echo.attributes["position"]["item"] == 0, again.text
    assert again.pauses_ms and QUICK.items[0].exercise.name in again.text.lower()
    echo.wait(played_seconds(again) + 2)
    echo.hear("next")
    assert echo.attributes["position"]["item"] == 1


def test_next_said_over_an_exercise_still_moves_on(echo) -> None:
    reply = echo.hear("start the quick routine")
    echo.wait(played_seconds(reply) / 3)
    echo.hear("next")  # "Alexa, next" mid-exercise: the person chose to move on
    assert echo.attributes["position"]["item"] == 1


@pytest.mark.parametrize("said", ["stop", "I'm done for today", "that's it, thank you"])
def test_stopping_once_the_last_exercise_was_heard_through_counts_the_routine(echo, said) -> None:
    reply = echo.hear("start the quick routine")
    for _ in range(len(QUICK.items) - 1):
        echo.wait(played_seconds(reply) + 2)
        reply = echo.hear("next")
    assert echo.attributes["position"]["item"] == len(QUICK.items) - 1
    echo.wait(played_seconds(reply) + 2)  # "That was the last exercise. Say next to finish."
    echo.hear(said)
    echo.next_day()
    echo.launch()
    progress = echo.hear("how am I doing")
    assert "haven't finished" not in progress.text, progress.text
