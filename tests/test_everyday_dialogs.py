"""Everyday words at every point of a conversation, said in words and sent to the endpoint.

Each utterance is understood with the committed en-US model (as ``footcoach chat`` does) and
posted as real request JSON through the Flask endpoint. What is checked is what the answer
must do *at that point*: "which foot now?" names the side the engine's position is on (the
side words come from content: the exercise's first side and limb); "ready" or "let's go"
said to an offer takes the offer; "let's go" mid-routine carries on instead of starting
over; "thanks" keeps the routine's own question; "stop" still ends.
"""

from __future__ import annotations

import re

import pytest
from echo import Echo

from skill.library import load_library
from skill.web.app import WebConfig, create_app
from skill.words import load_words

LIBRARY = load_library()
WORDS = load_words()


@pytest.fixture
def echo(tmp_path) -> Echo:
    config = WebConfig(db=str(tmp_path / "progress.sqlite3"), skill_id=None, verify=False)
    device = Echo(create_app(config).test_client())
    device.launch()
    return device


def side_words(exercise_id: str) -> tuple[str, str]:
    """The first and the second side of a two-sided exercise as spoken ('right foot')."""
    exercise = LIBRARY.exercises[exercise_id]
    first = exercise.first_side
    second = "left" if first == "right" else "right"
    return f"{first} {exercise.limb}", f"{second} {exercise.limb}"


def split_by_side() -> tuple[str, str, int]:
    """A routine whose first exercise works one side per turn: (routine, exercise, item 0)."""
    from skill.engine.navigation import Coach

    coach = Coach(LIBRARY)
    for routine_id, routine in LIBRARY.routines.items():
        parts = coach.parts(routine, 0)
        sides = [{slot.side for slot in part} for part in parts]
        one_side_each = all(len(s) == 1 and None not in s for s in sides)
        if len(parts) >= 2 and one_side_each and sides[0] != sides[1]:
            return routine_id, routine.items[0].exercise.id, 0
    raise AssertionError("no routine starts with an exercise split by side")


def spoken_seconds(echo: Echo) -> float:
    """How long the last coached turn plays: the stamped end minus now."""
    position = echo.attributes["position"]
    return position["ends_at"] - echo.now.timestamp()


# -- which foot -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "asked",
    [
        "which foot now",
        "which side am I on",
        "is it the left or right",
        "what leg",
        "which foot am I supposed to be on",
        "hang on, which leg",
    ],
)
def test_which_foot_at_the_start_names_the_first_side(echo, asked):
    routine_id, exercise_id, _ = split_by_side()
    echo.say("StartRoutineIntent", routine=routine_id)
    first, second = side_words(exercise_id)
    reply = echo.hear(asked)
    assert first in reply.text.lower(), reply.text
    assert second not in reply.text.lower()
    assert not reply.ended and "next" in reply.reprompt.lower()


def test_which_foot_after_the_side_is_heard_through_names_the_next_side(echo):
    routine_id, exercise_id, _ = split_by_side()
    echo.say("StartRoutineIntent", routine=routine_id)
    echo.wait(spoken_seconds(echo) + 1)
    first, second = side_words(exercise_id)
    text = echo.hear("which foot am I on").text.lower()
    assert first in text and second in text
    assert text.index(first) < text.index(second), "the side done, then the side to come"
    on_the_other = echo.hear("next")
    assert not on_the_other.ended
    text = echo.hear("which side now").text.lower()
    assert second in text and first not in text


def test_which_foot_in_a_part_with_both_sides_says_their_order(echo):
    echo.hear("let's do ankle circles")
    first, second = side_words("ankle_circles")
    text = echo.hear("which foot").text.lower()
    assert first in text and second in text
    assert text.index(first) < text.index(second)


def test_which_foot_outside_a_routine_says_so(echo):
    reply = echo.hear("which foot now")
    assert "not in a routine" in reply.text
    assert "didn't get that" not in reply.text


# -- offers: ready, let's go, no --------------------------------------------------------


@pytest.mark.parametrize("answer", ["ready", "I'm ready", "let's go", "go on then", "please do"])
def test_ready_or_lets_go_to_an_offered_plan_starts_that_plan(echo, answer):
    offer = echo.hear("I've got ten minutes")
    assert offer.text.endswith("Ready?")
    start = echo.hear(answer)
    assert start.pauses_ms, "the plan is coached with its silences"
    assert echo.attributes["position"]["routine_id"].startswith("plan:")


@pytest.mark.parametrize("answer", ["no thanks", "not today", "something else"])
def test_no_to_an_offered_plan_starts_nothing(echo, answer):
    echo.hear("something for my knees")
    reply = echo.hear(answer)
    assert not reply.pauses_ms and not reply.ended
    assert "position" not in echo.attributes


def test_start_to_the_offer_to_resume_begins_again_and_next_carries_on(echo):
    echo.hear("start the quick routine")
    echo.hear("next")
    echo.hear("stop")
    welcome = echo.launch()
    assert "resume" in welcome.text.lower()
    carried = echo.hear("ready")
    assert echo.attributes["position"]["item"] >= 1, carried.text
    echo.hear("stop")
    echo.launch()
    echo.hear("let's start")
    assert echo.attributes["position"]["item"] == 0


# -- mid-routine ------------------------------------------------------------------------


@pytest.mark.parametrize("said", ["let's go", "okay let's start", "let's get on with it"])
def test_lets_go_mid_routine_carries_on_instead_of_starting_over(echo, said):
    echo.hear("start the quick routine")
    echo.wait(spoken_seconds(echo) + 1)
    echo.hear("next")
    assert echo.attributes["position"]["item"] == 1
    echo.wait(spoken_seconds(echo) + 1)
    reply = echo.hear(said)
    assert echo.attributes["position"]["item"] >= 1, reply.text
    assert "Let's do" not in reply.text, "the routine was not started over"


@pytest.mark.parametrize("said", ["okay", "yep", "yes"])
def test_yes_mid_routine_is_ready(echo, said):
    echo.hear("start the quick routine")
    echo.wait(spoken_seconds(echo) + 1)
    reply = echo.hear(said)
    assert echo.attributes["position"]["item"] == 1, reply.text
    assert reply.pauses_ms


@pytest.mark.parametrize(
    ("said", "answer"),
    [("thank you", "welcome"), ("hello", "hello"), ("well done", "thank you")],
)
def test_small_talk_mid_routine_answers_and_keeps_the_routines_question(echo, said, answer):
    routine_question = echo.hear("start the quick routine").reprompt
    reply = echo.hear(said)
    assert answer in reply.text.lower()
    assert "didn't get that" not in reply.text
    assert "next" in reply.text.lower() and reply.reprompt == routine_question
    assert echo.attributes["position"]["item"] == 0


@pytest.mark.parametrize(
    "said", ["stop", "that'll do for today", "cheerio", "switch off", "no stop", "no, stop it"]
)
def test_stop_words_end_mid_routine(echo, said):
    echo.hear("start the quick routine")
    assert echo.hear(said).ended


@pytest.mark.parametrize(
    "said",
    [
        "I feel a bit wobbly",
        "I'm feeling unsteady",
        "I feel off balance",
        "I nearly fell",
        "I'm wobbling a bit",
    ],
)
def test_feeling_unsteady_mid_routine_is_safety_first_not_a_plan(echo, said):
    """Feeling wobbly *now*, standing on one leg, is a reason to put both feet down and hold
    on (and to stop if it is dizziness), not a request for a balance routine (which "I keep
    losing my balance" outside one still is)."""
    echo.hear("start the quick routine")
    reply = echo.hear(said)
    assert reply.text.startswith(WORDS.say("replies.balance_hold")), reply.text
    assert "dizzy" in reply.text and not reply.pauses_ms
    assert "offer" not in echo.attributes, "no routine is offered to someone unsteady"
    assert echo.attributes["position"]["routine_id"] == "quick"


def test_losing_balance_outside_a_routine_still_offers_a_balance_plan(echo):
    reply = echo.hear("I keep losing my balance")
    assert echo.attributes.get("offer"), reply.text
    assert echo.attributes["offer"]["id"].startswith("plan:balance:"), echo.attributes["offer"]


@pytest.mark.parametrize("said", ["I'm lost", "I don't get it", "what do you mean"])
def test_confusion_outside_a_routine_gets_help_not_an_unknown_exercise(echo, said):
    reply = echo.hear(said)
    assert "don't know that one" not in reply.text
    assert "didn't get that" not in reply.text
    assert "you can say" in reply.text.lower()


@pytest.mark.parametrize(
    "said",
    [
        "what does this one do for me",
        "why am I doing this",
        "what is this exercise for",
        "what's this one meant to help with",
    ],
)
def test_what_an_exercise_is_for_mid_routine_says_what_it_helps(echo, said):
    echo.hear("start the quick routine")
    first = LIBRARY.routines["quick"].items[0].exercise
    reply = echo.hear(said)
    assert first.helps.rstrip(".").lower() in reply.text.lower(), reply.text
    assert echo.attributes["position"]["item"] == 0, "asking moves nothing on"


def test_i_dont_get_it_mid_exercise_explains_the_exercise(echo):
    echo.hear("start the quick routine")
    first = LIBRARY.routines["quick"].items[0].exercise
    reply = echo.hear("I don't get it")
    assert first.name.lower() in reply.text.lower()


@pytest.mark.parametrize("said", ["okay carry on", "right, next", "let's carry on"])
def test_going_on_after_a_pause_takes_up_the_part_that_was_cut_short(echo, said):
    echo.hear("start the quick routine")
    echo.hear("next")
    assert "paused" in echo.hear("hang on a minute").text.lower()
    reply = echo.hear(said)
    assert echo.attributes["position"]["item"] == 1, reply.text
    assert not echo.attributes["position"]["paused"]
    assert reply.pauses_ms


def test_start_it_again_mid_routine_starts_over(echo):
    echo.hear("start the quick routine")
    echo.wait(spoken_seconds(echo) + 1)
    echo.hear("next")
    assert echo.attributes["position"]["item"] == 1
    echo.hear("start it again")
    assert echo.attributes["position"]["item"] == 0


def test_no_wait_mid_routine_pauses_and_keeps_the_place(echo):
    echo.hear("start the quick routine")
    reply = echo.hear("no wait")
    assert "paused" in reply.text.lower() and not reply.ended
    assert echo.attributes["position"]["paused"]


def exercise_level(echo: Echo) -> str:
    """The level of the exercise being coached, from the plan the position stands in."""
    position = echo.attributes["position"]
    item = LIBRARY.plan(position["routine_id"]).items[position["item"]]
    return LIBRARY.levels_of(position["routine_id"]).get(item.exercise.id, "standard")


@pytest.mark.parametrize(
    "said",
    [
        "that was hard",
        "this is really hard",
        "it's very difficult",
        "this one's tough",
        "I'm finding this hard work",
        "I don't think I can manage that one",
        "I can't manage this",
        "I can't keep my balance",
        "make it easy for me",
    ],
)
def test_saying_the_exercise_is_hard_makes_it_gentler_without_a_question(echo, said):
    echo.hear("start the quick routine")
    reply = echo.hear(said)
    assert exercise_level(echo) == "gentle", reply.text
    assert "easier or harder" not in reply.text.lower()


@pytest.mark.parametrize("said", ["this is easy", "that was too easy", "it's a doddle"])
def test_saying_the_exercise_is_easy_makes_it_harder(echo, said):
    echo.hear("start the quick routine")
    reply = echo.hear(said)
    assert exercise_level(echo) == "harder", reply.text


def test_a_verdict_nobody_listed_asks_easier_or_harder_and_easier_changes_the_level(echo):
    echo.hear("start the quick routine")
    asked = echo.say("LevelIntent", verdict="wibbly")  # heard, but no value matched
    assert "easier or harder" in asked.text.lower()
    assert exercise_level(echo) == "standard"
    echo.hear("easier please")
    assert exercise_level(echo) == "gentle"


def test_are_we_done_mid_routine_counts_what_is_left(echo):
    echo.hear("start the quick routine")
    total = len(LIBRARY.routines["quick"].items)
    reply = echo.hear("are we done")
    counted = re.match(r"(\d+) exercises? to go", reply.text)
    assert counted and 0 < int(counted[1]) <= total, reply.text
    assert echo.attributes["position"]["item"] == 0


def test_grabbing_a_chair_pauses_and_sorted_takes_the_part_up_again(echo):
    first = echo.hear("start the quick routine")
    paused = echo.hear("hold on, I need to grab a chair")
    assert echo.attributes["position"]["paused"] is True, paused.text
    back = echo.hear("ok sorted")
    assert echo.attributes["position"]["paused"] is False
    assert echo.attributes["position"]["item"] == 0, "the part cut short, not the next one"
    assert back.pauses_ms and LIBRARY.routines["quick"].items[0].exercise.name in back.text.lower()
    assert first.reprompt == back.reprompt


def test_is_that_the_lot_says_how_many_are_left(echo):
    echo.hear("start the quick routine")
    reply = echo.hear("is that the lot")
    from skill.engine.navigation import Coach

    routine = LIBRARY.routines["quick"]
    # the first exercise is under way; it counts as done once its last part is playing
    first_is_one_turn = len(Coach(LIBRARY).parts(routine, 0)) == 1
    left = len(routine.items) - (1 if first_is_one_turn else 0)
    assert f"{left} exercises to go" in reply.text, reply.text


def test_a_dodgy_knee_gets_a_knee_plan_and_lets_have_a_go_starts_it(echo):
    offered = echo.hear("what have you got for a dodgy knee")
    assert "knees" in offered.text.lower(), offered.text
    started = echo.hear("righto, let's have a go at that")
    assert echo.attributes["position"]["item"] == 0, started.text
    assert started.pauses_ms


def test_skipping_with_a_reason_skips(echo):
    echo.hear("start the quick routine")
    echo.hear("skip this one, it's bothering me")
    assert echo.attributes["position"]["item"] == 1


def test_a_breather_pauses_and_steady_now_carry_on_takes_the_part_up_again(echo):
    echo.hear("start the quick routine")
    paused = echo.hear("I need a breather")
    assert echo.attributes["position"]["paused"] is True, paused.text
    back = echo.hear("okay I'm steady now, carry on")
    assert echo.attributes["position"]["paused"] is False, back.text
    assert echo.attributes["position"]["item"] == 0 and back.pauses_ms


def test_how_long_is_this_one_says_the_exercise_then_the_routine(echo):
    echo.hear("start the quick routine")
    first = LIBRARY.routines["quick"].items[0].exercise
    whole = echo.hear("how long is this one")
    asked, rest = whole.text.split(". ", 1)
    assert asked.startswith("About ") and asked.endswith(f"to go on {first.name}"), whole.text
    assert rest.startswith("About ") and " left in " in rest
    assert echo.attributes["position"]["item"] == 0, "asking moves nothing on"


def test_how_long_after_a_one_part_exercise_played_through_says_only_the_routine(echo):
    echo.hear("start the quick routine")
    echo.wait(spoken_seconds(echo) + 1)  # toe press, one part, heard to its end
    reply = echo.hear("how long is this one")
    assert "to go on" not in reply.text and reply.text.startswith("About "), reply.text


def test_hips_giving_gyp_gets_a_hip_plan_and_ill_try_it_starts_it(echo):
    offered = echo.hear("my hips have been giving me gyp")
    assert "hips" in offered.text.lower(), offered.text
    started = echo.hear("go on, I'll try it")
    assert echo.attributes["position"]["item"] == 0 and started.pauses_ms, started.text


def test_hold_your_horses_pauses_and_back_on_my_feet_carries_on(echo):
    echo.hear("start the quick routine")
    paused = echo.hear("hold your horses a sec")
    assert echo.attributes["position"]["paused"] is True, paused.text
    back = echo.hear("right, I'm back on my feet")
    assert echo.attributes["position"]["paused"] is False and back.pauses_ms, back.text


def test_done_enough_of_this_one_moves_on(echo):
    echo.hear("start the quick routine")
    echo.hear("I've done enough of this one")
    assert echo.attributes["position"]["item"] == 1


SLOWER_AGAIN = WORDS.say("conversation.talk_slower_again")


@pytest.mark.parametrize(
    "said",
    [
        "say that bit again slower",
        "could you say that again slower",
        "could you say that again a bit slower",
        "repeat that but slower please",
        "slower please",
    ],
)
def test_say_that_again_slower_mid_routine_says_the_step_again_more_slowly(echo, said):
    step = echo.hear("start the quick routine")
    where = dict(echo.attributes["position"])
    again = echo.hear(said)
    assert again.ssml.startswith('<speak><prosody rate="85%">'), again.ssml[:80]
    assert again.text == f"{SLOWER_AGAIN} {step.text}"
    assert again.pauses_ms == step.pauses_ms  # the same holds and rests, not shorter ones
    assert echo.attributes["position"] == where, "saying it again moves nothing on"
    # 'repeat' says the last answer, as it was: the word and the step, still slowly
    assert echo.hear("repeat").ssml == again.ssml
    # and the next step is slow too
    assert echo.hear("next").ssml.startswith('<speak><prosody rate="85%">')


def test_slower_after_a_how_to_says_the_how_to_again_more_slowly(echo):
    how_to = echo.hear("how do I do ankle circles")
    again = echo.hear("say it again more slowly")
    assert again.text == f"{SLOWER_AGAIN} {how_to.text}"
    assert again.ssml.startswith('<speak><prosody rate="85%">')


def test_slower_with_nothing_said_yet_just_says_so(tmp_path):
    config = WebConfig(db=str(tmp_path / "progress.sqlite3"), skill_id=None, verify=False)
    device = Echo(create_app(config).test_client())  # 'ask foot coach to talk slower'
    reply = device.hear("talk slower please")
    assert SLOWER_AGAIN not in reply.text
    assert reply.text.startswith(WORDS.say("conversation.talk_slower"))
    assert reply.ssml.startswith('<speak><prosody rate="85%">')


def test_slower_after_a_misunderstanding_does_not_say_the_apology_again(echo):
    echo.hear("start the quick routine")
    sorry = echo.hear("purple monkey dishwasher")
    assert sorry.text.startswith("Sorry")  # the fallback, whatever it goes on to suggest
    slower = echo.hear("can you count slower")
    assert SLOWER_AGAIN not in slower.text and sorry.text not in slower.text
    assert slower.text.startswith(WORDS.say("conversation.talk_slower"))
    assert slower.ssml.startswith('<speak><prosody rate="85%">')


def test_normal_speed_is_acknowledged_and_repeat_says_the_acknowledgement(echo):
    echo.hear("start the quick routine")
    echo.hear("slow down")
    normal = echo.hear("back to normal speed")
    assert "prosody" not in normal.ssml and SLOWER_AGAIN not in normal.text
    assert echo.hear("repeat").text == normal.text


@pytest.mark.parametrize(
    "said",
    ["my knee's starting to twinge", "my ankle is starting to hurt", "that gave me a twinge"],
)
def test_a_twinge_mid_routine_is_stop_and_rest(echo, said):
    echo.hear("start the quick routine")
    reply = echo.hear(said)
    assert reply.text.startswith(WORDS.say("conversation.pain_stop")), reply.text
    assert echo.attributes["position"]["item"] == 0, "nothing moves on after a twinge"


@pytest.mark.parametrize("said", ["ok I've swapped", "switched over", "done that side"])
def test_swapped_sides_goes_on_to_the_other_side(echo, said):
    routine, _, _ = split_by_side()
    echo.hear(f"start the {LIBRARY.routines[routine].name}")
    first = dict(echo.attributes["position"])
    reply = echo.hear(said)
    assert reply.pauses_ms, reply.text
    assert echo.attributes["position"]["part"] == first["part"] + 1


def test_whats_this_one_for_says_what_the_exercise_helps(echo):
    echo.hear("start the quick routine")
    first = LIBRARY.routines["quick"].items[0].exercise
    reply = echo.hear("hang about, what's this one for")
    assert reply.text.startswith(first.name.capitalize()), reply.text
    assert echo.attributes["position"]["item"] == 0


def test_hold_up_a_minute_mid_routine_pauses_and_offers_no_one_minute_plan(echo):
    echo.hear("start the quick routine")
    echo.hear("hold up a minute")
    assert echo.attributes["position"]["paused"] is True
    assert "offer" not in echo.attributes


@pytest.mark.parametrize(
    "said", ["I'm feeling a bit lightheaded", "my chest feels tight", "I've had a fall"]
)
def test_feeling_faint_stops_for_today_and_keeps_the_place(echo, said):
    """A red flag is not "say skip to move on": what to do now, then the session ends; the
    place is kept, and the next session offers to carry on from it."""
    echo.hear("start the quick routine")
    echo.hear("next")
    stopped = echo.hear(said)
    assert stopped.ended and "help" in stopped.text and "kept your place" in stopped.text
    assert not stopped.pauses_ms
    echo.next_day()
    echo.launch()
    echo.hear("resume")
    assert echo.attributes["position"]["item"] >= 1
    assert echo.attributes["position"]["paused"] is False


def test_thanks_with_a_word_before_it_is_thanks_not_yes(echo):
    echo.hear("start the quick routine")
    reply = echo.hear("brilliant, thanks")
    assert reply.text.startswith(WORDS.say("conversation.small_talk_thanks")), reply.text
    assert not reply.pauses_ms, "a thank-you does not start the part again"


def test_yep_thatll_do_to_an_offered_plan_starts_it_rather_than_stopping(echo):
    offered = echo.hear("I've got about ten minutes spare")
    assert "offer" in echo.attributes, offered.text
    started = echo.hear("yep that'll do")
    assert not started.ended and started.pauses_ms, started.text
    assert echo.attributes["position"]["item"] == 0


@pytest.mark.parametrize(
    "said", ["I can't feel my toes", "my feet feel numb", "I've got pins and needles in my foot"]
)
def test_numbness_mid_routine_is_stop_and_rest(echo, said):
    echo.hear("start the quick routine")
    reply = echo.hear(said)
    assert reply.text.startswith(WORDS.say("conversation.pain_stop")), reply.text
    assert WORDS.say("conversation.red_flags") in reply.text


# -- how many -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "asked", ["how many do I do", "how long do I hold it for", "how many of these do I do"]
)
def test_how_many_mid_routine_says_the_dose_not_the_whole_how_to(echo, asked):
    echo.hear("start the quick routine")
    before = dict(echo.attributes["position"])
    item = LIBRARY.plan(before["routine_id"]).items[before["item"]]
    reply = echo.hear(asked)
    assert f"{item.timing.reps} reps" in reply.text, reply.text
    assert not any(step in reply.text for step in item.exercise.instructions)
    assert len(reply.text) < 200 and not reply.pauses_ms
    assert reply.text.endswith(WORDS.say("coaching.ready"))
    assert echo.attributes["position"] == before  # a question: nothing moved


def test_how_many_of_a_named_exercise_offers_it_and_yes_does_it(echo):
    exercise = LIBRARY.exercises["ankle_circles"]
    reply = echo.hear(f"how many reps of {exercise.name}")
    assert reply.text.startswith(exercise.name.capitalize())
    assert not any(step in reply.text for step in exercise.instructions)
    echo.hear("yes")
    assert echo.attributes["position"]["routine_id"] == "exercise:ankle_circles"


def test_how_long_is_that_one_of_a_routine_on_offer_says_its_length(echo):
    """'How long is that one?' to "Here's a routine... Ready?" is heard as a question about a
    dose; with nothing under way it is about the offer, and yes still starts it."""
    echo.hear("what would you suggest for my back")
    offered = echo.attributes["offer"]["id"]
    reply = echo.hear("how long is that one")
    assert reply.text.startswith(WORDS.say("replies.how_long_offer", minutes="|").split("|")[0])
    assert echo.attributes["offer"]["id"] == offered
    echo.hear("yes")
    assert echo.attributes["position"]["routine_id"] == offered


def test_how_many_after_an_exercises_how_to_gives_its_dose(echo):
    exercise = LIBRARY.exercises["ankle_circles"]
    echo.hear(f"how do I do {exercise.name}")
    reply = echo.hear("how many do I do")
    assert reply.text.startswith(exercise.name.capitalize()), reply.text
    assert WORDS.say("conversation.help") not in reply.text
    echo.hear("yes")
    assert echo.attributes["position"]["routine_id"] == "exercise:ankle_circles"


def test_how_long_on_the_last_exercise_says_the_time_once(echo):
    echo.hear("start the quick routine")
    last = len(LIBRARY.routines["quick"].items) - 1
    while echo.attributes["position"]["item"] < last:
        echo.wait(spoken_seconds(echo) + 1)
        echo.hear("next")
    reply = echo.hear("how much longer have we got")  # said over the last exercise's turn
    assert reply.text.count("About ") == 1 and " left in " in reply.text, reply.text


# -- is this safe ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "asked",
    [
        "is this one safe",
        "is this safe for my back",
        "could this make my knees worse",
        "should I be doing this with a bad knee",
        "can I do this with my hips",
        "is it okay with a sore back",
    ],
)
def test_is_this_safe_mid_routine_judges_nothing_and_gives_the_exercises_safety_notes(echo, asked):
    echo.hear("start the quick routine")
    before = dict(echo.attributes["position"])
    exercise = LIBRARY.plan(before["routine_id"]).items[before["item"]].exercise
    reply = echo.hear(asked)
    assert all(note in reply.text for note in exercise.safety), reply.text
    assert "doctor" in reply.text and not reply.pauses_ms
    assert not any(step in reply.text for step in exercise.instructions)
    assert reply.text.endswith(WORDS.say("coaching.ready")), reply.text
    assert echo.attributes["position"] == before and "offer" not in echo.attributes


def test_is_this_safe_with_nothing_under_way_says_who_can_judge_and_what_now(echo):
    echo.hear("open foot coach")
    reply = echo.hear("is it safe for me")
    assert reply.text.startswith(WORDS.say("replies.safety_general")), reply.text
    assert reply.text.endswith(WORDS.say("replies.what_now"))


def test_is_a_named_exercise_safe_offers_it_and_yes_does_it(echo):
    exercise = LIBRARY.exercises["ankle_circles"]
    reply = echo.hear(f"is {exercise.name} safe for me")
    assert all(note in reply.text for note in exercise.safety), reply.text
    echo.hear("yes")
    assert echo.attributes["position"]["routine_id"] == "exercise:ankle_circles"


@pytest.mark.parametrize(
    "asked", ["is {name} safe", "how many reps of {name}", "how do I do {name}"]
)
def test_naming_the_exercise_under_way_keeps_yes_in_the_routine(echo, asked):
    echo.hear("start the quick routine")
    routine_id = echo.attributes["position"]["routine_id"]
    exercise = LIBRARY.routines["quick"].items[0].exercise
    echo.hear(asked.format(name=exercise.name))
    assert "offer" not in echo.attributes
    echo.hear("yes")
    assert echo.attributes["position"]["routine_id"] == routine_id


@pytest.mark.parametrize("said", ["it's eased off now", "the pain's gone now"])
def test_pain_easing_off_carries_on_at_the_same_level(echo, said):
    echo.hear("start the quick routine")
    echo.hear("my knee hurts")
    level = echo.attributes.get("settings", {}).get("level")
    reply = echo.hear(said)
    assert reply.pauses_ms, reply.text
    assert echo.attributes.get("settings", {}).get("level") == level
    assert echo.attributes["position"]["paused"] is False


@pytest.mark.parametrize("asked", ["do I need to hold on to something", "what do I hold on to"])
def test_what_to_hold_on_to_mid_routine_answers_for_the_exercise_under_way(echo, asked):
    echo.hear("start the quick routine")
    exercise = LIBRARY.routines["quick"].items[0].exercise
    reply = echo.hear(asked)
    assert all(note in reply.text for note in exercise.safety), reply.text
    assert reply.text.endswith(WORDS.say("coaching.ready")), reply.text


# -- this exercise again -------------------------------------------------------------------


def _into_a_later_part(echo) -> dict:
    """Start a routine whose first exercise has a part per side, and go on to the second."""
    routine, _, _ = split_by_side()
    echo.hear(f"start the {LIBRARY.routines[routine].name}")
    echo.hear("next")
    position = dict(echo.attributes["position"])
    assert (position["item"], position["part"]) == (0, 1), position
    return position


@pytest.mark.parametrize(
    "said",
    [
        "start this exercise again",
        "start again from the beginning of this exercise",
        "can we go back to the start of this one",
        "could you go back to the beginning of this one",
        "can we do this one over",
        "start this one from the beginning",
        "let's do that one again",
        "redo this exercise",
    ],
)
def test_this_exercise_again_goes_to_its_first_part_not_the_routines(echo, said):
    later = _into_a_later_part(echo)
    reply = echo.hear(said)
    position = echo.attributes["position"]
    assert (position["item"], position["part"]) == (later["item"], 0), reply.text
    assert reply.pauses_ms, reply.text
    assert echo.hear("repeat").text == reply.text  # rebuilt from the move it recorded


def test_start_over_still_starts_the_whole_routine(echo):
    _into_a_later_part(echo)
    echo.hear("next")  # on to the next exercise
    assert echo.attributes["position"]["item"] == 1
    echo.hear("start over")
    assert (echo.attributes["position"]["item"], echo.attributes["position"]["part"]) == (0, 0)


def test_this_exercise_again_outside_a_routine_says_so(echo):
    echo.hear("open foot coach")
    reply = echo.hear("start this exercise again")
    assert reply.text.startswith("You're not in a routine"), reply.text
    assert "position" not in echo.attributes


def test_how_long_after_the_routine_has_finished_says_nothing_is_left(echo):
    echo.hear("start the quick routine")
    for _ in range(40):
        if echo.attributes["position"]["finished"]:
            break
        echo.hear("skip")
    assert echo.attributes["position"]["finished"]
    reply = echo.hear("how long have I got left")
    name = LIBRARY.routines["quick"].name
    assert reply.text.startswith(WORDS.say("navigation.finished_routine", routine=name)), reply.text
    assert LIBRARY.default_routine.name not in reply.text or name == LIBRARY.default_routine.name


def test_steady_again_after_wobbling_carries_on_and_offers_no_balance_plan(echo):
    echo.hear("start the quick routine")
    echo.hear("I'm wobbling a bit")
    reply = echo.hear("okay I'm steady again")
    assert reply.pauses_ms, reply.text
    assert "offer" not in echo.attributes
    assert echo.attributes["position"]["routine_id"] == "quick"
    assert echo.attributes["position"]["paused"] is False


# -- what is in this routine, what is left -----------------------------------------------


def _on_the_second_exercise(echo: Echo) -> list[str]:
    """The quick routine, on to its second exercise: the names of its exercises, in order."""
    echo.hear("start the quick routine")
    while echo.attributes["position"]["item"] == 0:
        echo.hear("next")
    return [item.exercise.name for item in LIBRARY.routines["quick"].items]


@pytest.mark.parametrize(
    "asked",
    [
        "what exercises are in this one",
        "which exercises are we doing today",
        "what's in this routine",
    ],
)
def test_what_exercises_mid_routine_names_this_routines_in_order_and_which_is_now(echo, asked):
    names = _on_the_second_exercise(echo)
    before = dict(echo.attributes["position"])
    reply = echo.hear(asked)
    places = [reply.text.find(name) for name in names]
    assert -1 not in places and places == sorted(places), reply.text
    others = [e.name for e in LIBRARY.exercises.values() if e.name not in names]
    assert not any(name in reply.text for name in others), reply.text  # not every exercise
    assert f"number 2, {names[1]}" in reply.text
    assert reply.text.endswith(WORDS.say("coaching.ready")) and not reply.pauses_ms
    assert echo.attributes["position"] == before


def test_what_exercises_with_nothing_under_way_names_every_exercise(echo):
    echo.hear("open foot coach")
    reply = echo.hear("what exercises are there")
    assert all(e.name in reply.text for e in LIBRARY.exercises.values()), reply.text


@pytest.mark.parametrize("asked", ["what's left", "how many are left", "which ones are left"])
def test_whats_left_names_the_exercises_still_to_come(echo, asked):
    names = _on_the_second_exercise(echo)
    reply = echo.hear(asked)
    said = [name for name in names if name in reply.text]
    assert said and said == names[-len(said) :] and names[0] not in said, reply.text
    assert reply.text.startswith(WORDS.count("units.exercise", len(said))), reply.text
    assert reply.text.endswith(WORDS.say("coaching.ready")), reply.text


@pytest.mark.parametrize("asked", ["how many are left", "how long is left"])
def test_a_question_while_paused_ends_with_say_resume_not_say_next(echo, asked):
    _on_the_second_exercise(echo)
    echo.hear("pause")
    reply = echo.hear(asked)
    assert reply.text.endswith(WORDS.say("navigation.say_resume")), reply.text
    assert WORDS.say("coaching.ready") not in reply.text


def test_carry_on_to_the_next_bit_moves_on(echo):
    _on_the_second_exercise(echo)
    echo.hear("carry on to the next bit")
    assert echo.attributes["position"]["item"] == 2


def test_whats_left_on_the_last_exercise_heard_through_says_next_finishes_not_finished(echo):
    echo.hear("start the quick routine")
    last = LIBRARY.routines["quick"].items[-1].exercise.name
    while echo.attributes["position"]["item"] < len(LIBRARY.routines["quick"].items) - 1:
        echo.hear("next")
    while echo.hear("what's left").text.startswith(WORDS.count("units.exercise", 1)):
        echo.hear("next")  # its parts: until the last one has been heard
    reply = echo.hear("what's left")
    assert last in reply.text and "finished" not in reply.text, reply.text
    assert not echo.attributes["position"]["finished"]
    assert reply.text.endswith(WORDS.say("coaching.ready"))


@pytest.mark.parametrize("said", ["skip the rest", "can we skip the rest of it"])
def test_skip_the_rest_moves_on_to_the_next_exercise(echo, said):
    echo.hear("start the quick routine")
    echo.hear(said)
    assert echo.attributes["position"]["item"] == 1


# -- time, said mid-routine ------------------------------------------------------------


@pytest.mark.parametrize("said", ["I've only got two minutes", "I only have a couple of minutes"])
def test_too_little_time_mid_routine_says_whats_left_and_how_to_shorten_it(echo, said):
    echo.hear("start the back pain routine")
    before = dict(echo.attributes["position"])
    reply = echo.hear(said)
    name = LIBRARY.routines["classic"].name
    assert f"left in {name}" in reply.text and "skip" in reply.text, reply.text
    assert reply.text.endswith(WORDS.say("coaching.ready")) and not reply.pauses_ms
    assert echo.attributes["position"] == before and "offer" not in echo.attributes


def test_time_enough_mid_routine_says_so_and_carries_on(echo):
    echo.hear("start the quick routine")
    reply = echo.hear("I've got an hour")
    enough = WORDS.say("plans.time_enough", left="{left}", routine="{routine}").split("{left}")[0]
    assert reply.text.startswith(enough), reply.text
    assert "skip" not in reply.text and "offer" not in echo.attributes
    assert echo.hear("next").pauses_ms


# -- easier, said mid-exercise -------------------------------------------------------------


def test_easier_by_support_alone_says_the_support_and_that_the_dose_stays(echo):
    echo.hear("start the quick routine")
    exercise = LIBRARY.routines["quick"].items[0].exercise
    gentle = exercise.levels["gentle"]
    assert gentle.supported and not gentle.timing, "the case needs an exercise easier by support"
    dose = echo.hear("how many do I do").text
    numbers = re.findall(r"\d+", dose.split(".")[0])
    reply = echo.hear("this is too hard")
    assert gentle.supported in reply.text, reply.text
    assert re.findall(r"\d+", reply.text.split(gentle.supported)[1]) == numbers, reply.text
    assert "gentler:" not in reply.text  # no new dose announced when it stays the same


def test_whats_in_it_to_an_offered_routine_names_its_exercises_and_yes_still_starts_it(echo):
    echo.hear("open foot coach")
    echo.hear("something for my feet")
    offered = echo.attributes["offer"]["id"]
    names = [item.exercise.name for item in LIBRARY.plan(offered).items]
    reply = echo.hear("what's in this one")
    places = [reply.text.find(name) for name in names]
    assert -1 not in places and places == sorted(places), reply.text
    assert len(names) < len(LIBRARY.exercises) and not all(
        e.name in reply.text for e in LIBRARY.exercises.values()
    )
    echo.hear("go on then")
    assert echo.attributes["position"]["routine_id"] == offered


# -- the end of a routine, and what was done last time --------------------------------------


def skip_to_the_end(echo: Echo, routine: str) -> None:
    """Finish a routine quickly: its first half done, the rest skipped (it still counts)."""
    echo.hear(f"start the {routine} routine")
    items = len(LIBRARY.routines[routine].items)
    while not echo.attributes["position"].get("finished"):
        done_enough = 2 * echo.attributes["position"]["item"] >= items
        echo.hear("skip this one" if done_enough else "next")
    assert echo.attributes["position"]["finished"]


def test_skipping_the_last_exercise_finishes_and_counts_the_routine(echo):
    echo.hear("start the quick routine")
    while echo.attributes["position"]["item"] < len(LIBRARY.routines["quick"].items) - 1:
        echo.hear("next")
    echo.hear("skip this one")
    assert echo.attributes["position"]["finished"]
    report = echo.hear("how am I doing").text
    assert WORDS.say("units.routine_one", count=1) in report, report
    assert LIBRARY.routines["quick"].name in report, report


def test_what_did_i_do_last_time_names_the_routine_and_the_day(echo):
    skip_to_the_end(echo, "quick")
    echo.end_session()
    echo.next_day()
    echo.launch()
    report = echo.hear("what did I do last time").text
    routine = LIBRARY.routines["quick"].name
    when = WORDS.say("replies.when_yesterday")
    assert WORDS.say("replies.last_finished", routine=routine, when=when) in report, report
    echo.next_day(2)
    report = echo.hear("what did I do last time").text
    when = WORDS.say("replies.when_days_ago", days=WORDS.count("units.day", 3))
    assert WORDS.say("replies.last_finished", routine=routine, when=when) in report, report
    assert echo.hear("repeat").text == report


def test_how_am_i_doing_before_any_routine_is_finished_mid_routine_says_this_is_the_first(echo):
    assert echo.hear("how am I doing").text.startswith(
        WORDS.say("replies.no_routine_yet", what_now="{}").split("{}")[0]
    )
    echo.hear("start the quick routine")
    reply = echo.hear("how many have I done")
    count = len(LIBRARY.routines["quick"].items)
    here = WORDS.say("replies.progress_in_routine", number=1, count=count)
    first = WORDS.say("replies.no_routine_yet_in_routine", what_now="{}").split("{}")[0]
    assert reply.text.startswith(f"{here} {first}"), reply.text
    assert echo.attributes["position"]["item"] == 0 and echo.hear("next").pauses_ms


def test_resume_next_session_after_finishing_says_it_was_finished_and_start_over_starts(echo):
    skip_to_the_end(echo, "quick")
    echo.end_session()
    echo.next_day()
    echo.launch()
    reply = echo.hear("pick up where I left off")
    routine = LIBRARY.routines["quick"].name
    assert reply.text == WORDS.say("replies.finished_before", routine=routine), reply.text
    assert "Great work" not in reply.text
    started = echo.hear("start over")
    assert echo.attributes["position"]["routine_id"] == "quick"
    assert not echo.attributes["position"]["finished"] and started.pauses_ms


def test_is_that_the_last_one_after_the_end_says_there_are_none_left(echo):
    skip_to_the_end(echo, "quick")
    reply = echo.hear("is that the last one").text
    routine = LIBRARY.routines["quick"].name
    assert reply.startswith(
        WORDS.say("replies.none_left", routine=routine, what_now="{}").split("{}")[0]
    ), reply
    assert not reply.startswith("None")


def test_a_part_of_the_body_no_routine_is_for_is_said_so_not_offered_as_if_it_were(echo):
    for said in ("something for my neck", "my hamstrings are tight"):
        reply = echo.hear(said)
        assert reply.text.startswith(WORDS.say("plans.unknown_area_lead")), (said, reply.text)
        assert echo.attributes["offer"]["id"].startswith("plan:all:"), said  # for everything
        assert not any(
            WORDS.say(f"plans.for_area_{area}") in reply.text
            for area in LIBRARY.catalogue.areas
            if area != "all"
        ), reply.text
    echo.hear("start the quick routine")
    reply = echo.hear("my neck is stiff")
    assert reply.text.startswith(WORDS.say("plans.unknown_area", areas="{}").split("{}")[0])
    for area in LIBRARY.catalogue.areas:
        if area != "all":
            assert WORDS.say(f"plans.area_name_{area}") in reply.text, reply.text
    assert "offer" not in echo.attributes and echo.attributes["position"]["routine_id"] == "quick"
    assert reply.reprompt == echo.hear("repeat").reprompt
    assert echo.hear("next").pauses_ms
    offered = echo.hear("something for my knees")
    assert echo.attributes["offer"]["id"].startswith("plan:knees"), offered.text


def test_im_ready_to_the_first_welcome_offers_the_usual_routine_and_yes_starts_it(echo):
    reply = echo.hear("I'm ready")
    routine = LIBRARY.default_routine
    assert reply.text == WORDS.say("replies.not_in_routine_offer", routine=routine.name)
    assert "position" not in echo.attributes and not reply.pauses_ms
    assert echo.hear("repeat").text == reply.text
    started = echo.hear("yes please")
    position = echo.attributes["position"]
    assert position["routine_id"] == routine.id and position["item"] == 0 and started.pauses_ms


def test_whats_first_with_nothing_started_offers_the_usual_routine(echo):
    reply = echo.hear("right, what's first")
    routine = LIBRARY.default_routine
    assert f"Shall we start {routine.name}?" in reply.text
    start = echo.hear("yes")
    assert echo.attributes["position"]["routine_id"] == routine.id
    assert start.pauses_ms


def test_louder_says_how_to_turn_the_echo_up_and_keeps_the_routine(echo):
    echo.hear("start the quick routine")
    position = echo.attributes["position"]
    reply = echo.hear("can you speak up")
    assert "volume up" in reply.text
    assert reply.text.endswith("Say next when you're ready.")
    assert echo.attributes["position"] == position


def test_which_routine_is_best_for_me_offers_a_plan_that_yes_starts(echo):
    reply = echo.hear("which routine is best for me")
    assert reply.text.startswith("Here's a routine") and reply.text.endswith("Ready?")
    echo.hear("yes")
    assert echo.attributes["position"]["routine_id"].startswith("plan:")
