"""When the microphone opens, the person knows what to say: every reply that keeps the
session open ends with a question or names the word to say, and its reprompt is short.

Walked for every intent in every state a person can be in, each from a fresh store, through
the real endpoint. An older person who did not catch the question hears a short one again,
not a paragraph.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from echo import Echo
from test_every_request import INTENTS, SLOT_VALUES, STATES, into_state

from skill.web.app import WebConfig, create_app

#: A reprompt is said when nobody answered: one short sentence or two.
MAX_REPROMPT_WORDS = 16
#: The question at the end of a reply, said once the person has heard everything else.
MAX_QUESTION_WORDS = 24


def last_sentence(text: str) -> str:
    return re.split(r"(?<=[.?!])\s+", text.strip())[-1]


def prompts(sentence: str) -> bool:
    """A question, or an instruction naming what to say ('Say next when you're ready.')."""
    return sentence.endswith("?") or re.search(r"\bsay\b", sentence, re.IGNORECASE) is not None


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """One endpoint; each case is a new person on it (their own user id)."""
    db = tmp_path_factory.mktemp("prompts") / "p.sqlite3"
    return create_app(WebConfig(db=str(db), verify=False))


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("intent", INTENTS)
def test_an_open_microphone_follows_a_short_question(app, intent, state):
    echo = Echo(app.test_client(), user_id=f"amzn1.ask.account.{intent}.{state}")
    into_state(echo, state)
    reply = echo.say(intent, **SLOT_VALUES)
    if reply.ended or not reply.text:
        return  # the session ends, or a screen speaks it (the microphone stays closed)
    question = last_sentence(reply.text)
    assert prompts(question), f"{intent} in {state!r} ends: {question!r}"
    assert len(question.split()) <= MAX_QUESTION_WORDS, question
    reprompt = re.sub(r"<[^>]+>", "", reply.reprompt or "")
    assert prompts(reprompt), f"{intent} in {state!r} reprompts {reprompt!r}"
    assert len(reprompt.split()) <= MAX_REPROMPT_WORDS, reprompt


def test_help_in_one_exercise_names_it_once(tmp_path: Path):
    """'You're doing toe press in toe press' after 'how do I do toe press', 'yes'."""
    echo = Echo(create_app(WebConfig(db=str(tmp_path / "p.sqlite3"), verify=False)).test_client())
    echo.say("ExerciseHowToIntent", exercise="toe press")
    echo.say("AMAZON.YesIntent")
    help_ = echo.say("AMAZON.HelpIntent")
    assert help_.text.lower().count("toe press") == 1, help_.text
    assert "next" in help_.text


def test_the_end_of_a_routine_claims_nothing_that_was_skipped(tmp_path: Path):
    """'Great work, you did every exercise' after 'skip', 'skip' is a claim a listener knows
    is false: the end praises the work, and says nothing it cannot know."""
    echo = Echo(create_app(WebConfig(db=str(tmp_path / "p.sqlite3"), verify=False)).test_client())
    reply = echo.say("StartRoutineIntent", routine="quick")
    skipped = 0
    while "great work" not in reply.text.lower():
        reply = echo.say("SkipIntent" if skipped < 2 else "AMAZON.NextIntent")
        skipped += 1
    assert "every exercise" not in reply.text and "all of" not in reply.text, reply.text


@pytest.mark.parametrize("intent", INTENTS)
def test_paused_the_reprompt_asks_what_the_reply_asked(app, intent):
    """'... Say resume when you're ready.' then, unanswered, 'Say next to go on': two
    different words for one thing to do."""
    echo = Echo(app.test_client(), user_id=f"amzn1.ask.account.paused.{intent}")
    into_state(echo, "paused")
    reply = echo.say(intent, **SLOT_VALUES)
    if reply.ended or not reply.text or not reply.reprompt:
        return
    if re.search(r"\bsay resume\b", last_sentence(reply.text), re.IGNORECASE):
        assert "resume" in reply.reprompt, (intent, reply.text[-80:], reply.reprompt)
