"""Later turns change the screen with ExecuteCommands/SetValue; resume carries on where a
pause stopped. Through the real Flask endpoint with the request JSON an Echo Show sends
(its visual context included), and checked on Amazon's own APL engine.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from apl import MISSING, PARSE_DIRECTIVE, VIEWPORTS, Viewport, inflate, inflate_after
from ask_sdk_core.serialize import DefaultSerializer
from devices import Device
from test_screens import check_screen, directive, heard_by_speaker, touch_event

from skill.alexa.screens import BOUND, CoachingScreen
from skill.engine.navigation import Coach, Position
from skill.engine.ssml import to_ssml
from skill.engine.turn import Speech, stretches
from skill.words import load_words

WORDS = load_words("en-US")
CARRY_ON = WORDS.say("navigation.carry_on_from_here")
MAX_UPDATE_BYTES = 2048
needs_engine = pytest.mark.skipif(PARSE_DIRECTIVE is None, reason=MISSING)
SERIALIZER = DefaultSerializer()


def set_values(execute: dict[str, Any]) -> dict[str, Any]:
    """What an ExecuteCommands of SetValue sets on the coaching document's bound values."""
    return {
        c["property"]: c["value"]
        for c in execute["commands"]
        if c["type"] == "SetValue" and c["componentId"] == "coaching"
    }


def paced_pieces(reply) -> list[tuple[int, str]]:
    """(pieces left, what is heard) for each piece the document speaks, silences as [ms]."""
    properties = directive(reply, "RenderDocument")["datasources"]["pacing"]["properties"]
    [sequence] = directive(reply, "ExecuteCommands")["commands"]
    found: list[tuple[int, str]] = []
    left = None
    for command in sequence["commands"]:
        if command["type"] == "SetValue" and command["property"] == "at":
            left = command["value"]
        elif command["type"] == "SpeakItem":
            index = command["componentId"].removeprefix("v")
            found.append((left, heard_by_speaker(properties[f"s{index}"])))
        elif command["type"] == "Idle" and found:
            found[-1] = (found[-1][0], f"{found[-1][1]} [{command['delay']}ms]")
    return found


def wait_for_me(device: Device) -> None:
    device.say("HandsFreeIntent", mode="wait for me")


# -- voice-paced turns: SetValue instead of a new document ------------------------------


def test_a_voice_paced_turn_changes_the_shown_document_with_set_value_only(client) -> None:
    show = Device(client, screen=True, user_id="amzn1.ask.account.SHOW")
    fresh = Device(client, screen=True, user_id="amzn1.ask.account.FRESH")
    for device in (show, fresh):
        wait_for_me(device)
        device.say("StartRoutineIntent", routine="gentle")
    assert show.showing == "coaching"

    for intent in ("AMAZON.NextIntent", "AMAZON.NextIntent", "AMAZON.PreviousIntent"):
        updated = show.say(intent)
        fresh.showing = None  # this one shows something else: it gets the whole document
        rendered = fresh.say(intent)

        assert updated.ssml == rendered.ssml and updated.reprompt  # heard the same
        assert directive(updated, "RenderDocument") is None
        execute = directive(updated, "ExecuteCommands")
        assert execute["token"] == "coaching"
        screen = directive(rendered, "RenderDocument")["datasources"]["screen"]
        assert set_values(execute) == {name: screen[name] for name in BOUND}
        assert len(json.dumps(execute)) < MAX_UPDATE_BYTES
        assert len(updated.raw) < len(rendered.raw) // 2


def test_without_the_coaching_document_on_screen_a_turn_sends_the_whole_document(client) -> None:
    show = Device(client, screen=True)
    show.say("StartRoutineIntent", routine="quick")
    wait_for_me(show)  # the still plan screen ("list") is showing now
    assert show.showing == "list"
    moved = show.say("AMAZON.NextIntent")
    assert directive(moved, "RenderDocument")["token"] == "coaching"
    assert directive(moved, "ExecuteCommands") is None
    show.showing = None  # e.g. the person went home and came back: nothing of ours shows
    assert directive(show.say("AMAZON.NextIntent"), "RenderDocument") is not None


def test_a_pause_on_a_shown_document_swaps_pause_for_resume_with_set_value(client) -> None:
    show = Device(client, screen=True)
    wait_for_me(show)
    show.say("StartRoutineIntent", routine="quick")
    paused = show.say("AMAZON.PauseIntent")
    assert "Paused" in paused.text
    assert directive(paused, "RenderDocument") is None
    assert set_values(directive(paused, "ExecuteCommands"))["paused"] is True
    resumed = show.say("AMAZON.ResumeIntent")
    assert set_values(directive(resumed, "ExecuteCommands"))["paused"] is False


# -- resume carries on where it stopped ----------------------------------------------------


def start_hands_free_at_a_long_exercise(show: Device) -> Any:
    """Gentle routine, exercise 2: ten five-second holds, paced by the document."""
    show.say("StartRoutineIntent", routine="gentle")
    return show.post(touch_event(show, "AMAZON.NextIntent", "paced"))


def test_a_touch_on_pause_mid_exercise_lets_resume_carry_on_from_that_rep(client) -> None:
    show = Device(client, screen=True)
    paced = start_hands_free_at_a_long_exercise(show)
    where = dict(show.attributes["position"])
    pieces = paced_pieces(paced)
    counted = [i for i, (_, heard) in enumerate(pieces) if re.match(r"6\.", heard)]
    [sixth] = counted  # "6." then its hold: the document says how many pieces are left
    left = pieces[sixth][0]

    paused = show.post(touch_event(show, "AMAZON.PauseIntent", left))
    assert "Paused" in paused.text and paused.reprompt
    assert directive(paused, "RenderDocument") is None  # the document is showing: SetValue
    shown = set_values(directive(paused, "ExecuteCommands"))
    assert shown["paused"] is True and shown["rep"] == "Rep 6 of 10"

    resumed = show.post(touch_event(show, "AMAZON.ResumeIntent", left))
    after = paced_pieces(resumed)
    assert after[0][1] == f"{CARRY_ON} {pieces[sixth][1]}"
    assert [heard for _, heard in after[1:]] == [heard for _, heard in pieces[sixth + 1 :]]
    assert [n for n, _ in after] == [n for n, _ in pieces[sixth:]]  # still counts the same
    assert directive(resumed, "RenderDocument")["datasources"]["screen"]["rep"] == "Rep 6 of 10"
    position = show.attributes["position"]
    assert (position["item"], position["part"]) == (where["item"], where["part"])

    # and from there it moves on as ever: the document's "next" is the following exercise
    moved = show.post(touch_event(show, "AMAZON.NextIntent", "paced"))
    assert show.attributes["position"]["item"] == where["item"] + 1
    assert not paced_pieces(moved)[0][1].startswith(CARRY_ON)


def test_alexa_pause_reads_where_the_document_was_from_the_visual_context(client) -> None:
    show = Device(client, screen=True)
    paced = start_hands_free_at_a_long_exercise(show)
    pieces = paced_pieces(paced)
    [fourth] = [i for i, (_, heard) in enumerate(pieces) if re.match(r"4\.", heard)]
    show.pieces_left = pieces[fourth][0]  # the document had got this far when "Alexa" was said

    show.say("AMAZON.PauseIntent")
    resumed = show.say("AMAZON.ResumeIntent")

    after = paced_pieces(resumed)
    assert after[0][1] == f"{CARRY_ON} {pieces[fourth][1]}"
    assert [heard for _, heard in after[1:]] == [heard for _, heard in pieces[fourth + 1 :]]


def test_paused_in_a_rest_resume_goes_on_to_the_next_rep_without_saying_relax(client) -> None:
    show = Device(client, screen=True)
    pieces = paced_pieces(start_hands_free_at_a_long_exercise(show))
    [fourth] = [i for i, (_, heard) in enumerate(pieces) if re.match(r"4\.", heard)]
    rest = fourth + 1
    assert pieces[rest][1].startswith("Relax.")
    show.post(touch_event(show, "AMAZON.PauseIntent", pieces[rest][0]))
    after = paced_pieces(show.post(touch_event(show, "AMAZON.ResumeIntent")))
    assert after[0][1] == f"{CARRY_ON} {pieces[rest + 1][1]}"  # "5." and its hold


def from_the_start(after: list[tuple[int, str]], pieces: list[tuple[int, str]]) -> bool:
    """The part again from its start (with the short cue: it was taught a moment ago)."""
    return (
        not after[0][1].startswith(CARRY_ON)
        and after[0][1].startswith("Exercise 2 of 5")
        and [heard for _, heard in after[1:]] == [heard for _, heard in pieces[1:]]
    )


def test_a_pause_before_anything_was_counted_resumes_the_part_from_its_start(client) -> None:
    show = Device(client, screen=True)
    pieces = paced_pieces(start_hands_free_at_a_long_exercise(show))
    show.post(touch_event(show, "AMAZON.PauseIntent", pieces[0][0]))
    after = paced_pieces(show.post(touch_event(show, "AMAZON.ResumeIntent")))
    assert from_the_start(after, pieces)


@pytest.mark.parametrize("forged", ["-3", "banana", 10**9, None, True, 2.5])
def test_a_forged_pause_count_is_ignored(client, forged) -> None:
    show = Device(client, screen=True)
    pieces = paced_pieces(start_hands_free_at_a_long_exercise(show))
    show.pieces_left = None  # and the visual context says nothing either
    reply = show.post(touch_event(show, "AMAZON.PauseIntent", forged))
    assert reply.status == 200 and show.attributes["position"]["paused"] is True
    after = paced_pieces(show.post(touch_event(show, "AMAZON.ResumeIntent")))
    assert from_the_start(after, pieces)


def test_a_spoken_pause_of_a_turn_alexa_spoke_resumes_no_later_than_the_clock_allows(
    client,
) -> None:
    """No document counted (the person said "wait for me"): the time tells, and it errs early."""
    start = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    carried_on = []
    for waited in (20, 45, 70, 100):
        show = Device(client, screen=True, now=start, user_id=f"amzn1.ask.account.W{waited}")
        wait_for_me(show)
        show.say("StartRoutineIntent", routine="gentle")
        show.wait(300)
        spoken = show.say("AMAZON.NextIntent")  # exercise 2, spoken as outputSpeech
        show.wait(waited)
        show.say("AMAZON.PauseIntent")
        resumed = show.say("AMAZON.ResumeIntent")

        whole, rest = heard_by_speaker(spoken.ssml), heard_by_speaker(resumed.ssml)
        if not rest.startswith(CARRY_ON):  # still in the first piece: the part again
            assert rest.startswith("Exercise 2 of 5") and whole.endswith(rest[rest.index(" 1. ") :])
            continue
        carried_on.append(waited)
        tail = rest.removeprefix(CARRY_ON).strip()
        assert whole.endswith(tail)
        skipped = whole[: len(whole) - len(tail)]
        silences = sum(int(ms) for ms in re.findall(r"\[(\d+)ms\]", skipped)) / 1000
        assert silences <= waited, (waited, skipped)  # nothing skipped that was not yet heard
    # 20 s in is still the first piece (its words and 30 s of getting into position)
    assert 20 not in carried_on and {70, 100} <= set(carried_on)


def test_on_a_speaker_resume_starts_the_part_again_as_it_always_did(client) -> None:
    speaker = Device(client)
    speaker.say("StartRoutineIntent", routine="gentle")
    speaker.wait(300)
    part = speaker.say("AMAZON.NextIntent")
    speaker.wait(40)
    speaker.say("AMAZON.PauseIntent")
    assert "pieces_left" not in speaker.attributes["position"]
    resumed = heard_by_speaker(speaker.say("AMAZON.ResumeIntent").ssml)
    assert resumed.startswith("Exercise 2 of 5")  # the short cue: taught a moment ago
    whole = heard_by_speaker(part.ssml)
    assert whole.endswith(resumed[resumed.index(" 1. ") :])


# -- the engine --------------------------------------------------------------------------


def test_resume_from_any_piece_says_the_rest_of_the_part_and_nothing_else(coach: Coach) -> None:
    for routine_id in coach.library.routines:
        for step in coach.walk(routine_id):
            if step.position.finished:
                continue
            pieces = stretches(step.turn)
            for left in range(1, len(pieces) + 1):
                paused = coach.pause(
                    Position.from_json({**step.position.to_json(), "pieces_left": left}, coach)
                )
                resumed = coach.resume(paused.position)
                assert resumed.position.paused is False
                segments = resumed.turn.segments
                if resumed.position.pieces_left == 0:
                    assert segments == coach.repeat(step.position).turn.segments
                    continue
                assert segments[0] == Speech(CARRY_ON)
                tail = segments[1:]
                whole = coach.repeat(step.position).turn.segments
                assert whole[-len(tail) :] == tail  # the rest of the part, exactly
                assert resumed.position.pieces_left >= 1


def test_a_position_without_a_piece_keeps_its_old_json(coach: Coach) -> None:
    position = coach.start("quick").position
    assert "pieces_left" not in position.to_json()
    with pytest.raises(ValueError):
        Position.from_json({**position.to_json(), "pieces_left": -1}, coach)
    with pytest.raises(ValueError):
        Position.from_json({**position.to_json(), "pieces_left": "3"}, coach)


# -- Amazon's engine runs the updates ------------------------------------------------------


def screens_in_a_row(coach: Coach) -> list[tuple[Any, Any, Any]]:
    """(previous step, step, the paused step) at the first, a middle and the last part."""
    found = []
    for routine_id in coach.library.routines:
        steps = [s for s in coach.walk(routine_id) if not s.position.finished]
        for index in sorted({1, len(steps) // 2, len(steps) - 1}):
            if 0 < index < len(steps):
                found.append((steps[index - 1], steps[index], coach.pause(steps[index].position)))
    return found


@needs_engine
@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: v.name)
def test_every_update_leaves_the_screen_a_fresh_document_would_show(
    coach: Coach, viewport: Viewport
) -> None:
    screen = CoachingScreen(coach, WORDS)
    for before, step, paused in screens_in_a_row(coach):
        [shown] = screen.directives(before, to_ssml(before.turn), hands_free=False)
        shown = SERIALIZER.serialize(shown)
        for after in (step, paused):
            ssml = to_ssml(after.turn)
            [execute] = screen.directives(after, ssml, hands_free=False, showing=True)
            [fresh] = screen.directives(after, ssml, hands_free=False)
            execute, fresh = SERIALIZER.serialize(execute), SERIALIZER.serialize(fresh)
            assert execute["type"] == "Alexa.Presentation.APL.ExecuteCommands"
            updated = inflate_after(shown, execute["commands"], viewport)
            check_screen(updated, viewport)
            expected = inflate(fresh, viewport)
            assert visible_texts(updated) == visible_texts(expected)
            assert visible_buttons(updated) == visible_buttons(expected)


def visible_texts(inflated) -> list[str]:
    return [c.text for c in inflated.components() if c.visible and c.type == "Text"]


def visible_buttons(inflated) -> list[str]:
    return [
        c.properties["accessibilityLabel"]
        for c in inflated.components()
        if c.visible and c.type == "TouchWrapper"
    ]


@needs_engine
def test_the_pause_button_sends_the_pieces_left_that_the_document_tracks(coach: Coach) -> None:
    step = list(coach.walk("gentle"))[1]
    render, _ = CoachingScreen(coach, WORDS).directives(step, to_ssml(step.turn), True)
    render = SERIALIZER.serialize(render)
    moved = [{"type": "SetValue", "componentId": "coaching", "property": "at", "value": 7}]
    inflated = inflate_after(render, moved, VIEWPORTS[1])
    assert inflated.problems == []
    pause = inflated.by_id("button-AMAZONPauseIntent")
    assert pause.visible and pause.properties["accessibilityLabel"] == "Pause"
    # evaluated when touched, in the document's binding context: the intent, and "at"
    assert pause.properties["onPress"] == [
        {"type": "SendEvent", "arguments": ["${event[0]}", "${at}"]}
    ]
    # the visual context reports the entity, which follows "at" as it changes
    root = inflated.by_id("coaching")
    assert root.properties["entities"] == [{"type": "piecesLeft", "value": 7}]


def test_repeat_after_carrying_on_says_the_carried_on_turn_again(client) -> None:
    show = Device(client, screen=True)
    pieces = paced_pieces(start_hands_free_at_a_long_exercise(show))
    [sixth] = [i for i, (_, heard) in enumerate(pieces) if re.match(r"6\.", heard)]
    show.post(touch_event(show, "AMAZON.PauseIntent", pieces[sixth][0]))
    wait_for_me(show)  # from here Alexa speaks the turns: "repeat" is heard as outputSpeech
    resumed = show.say("AMAZON.ResumeIntent")
    assert resumed.text.startswith(CARRY_ON)
    assert show.say("AMAZON.RepeatIntent").ssml == resumed.ssml


@needs_engine
@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: v.name)
def test_every_pacing_command_targets_what_the_engine_inflated(
    coach: Coach, viewport: Viewport
) -> None:
    """The engine cannot play speech, so it runs the pacing with its waits and speech left
    out: every SetValue must reach its component, and leave the last piece's words shown;
    every SpeakItem must name a component the engine inflated, whose speech Alexa's
    ssmlToSpeech transformer makes (the engine has no transformers, so it stays empty here)."""
    screen = CoachingScreen(coach, WORDS)
    for _, step, _ in screens_in_a_row(coach):
        render, pacing = screen.directives(step, to_ssml(step.turn), hands_free=True)
        render, pacing = SERIALIZER.serialize(render), SERIALIZER.serialize(pacing)
        [sequence] = pacing["commands"]
        commands = sequence["commands"]
        spoken = [c["componentId"] for c in commands if c["type"] == "SpeakItem"]
        silent = [c for c in commands if c["type"] not in ("SpeakItem", "Idle", "SendEvent")]
        after = inflate_after(render, silent, viewport)
        assert after.problems == [], after.problems
        ids = {c.properties.get("__id"): c for c in after.components()}
        assert spoken and all(s in ids for s in spoken)
        pacing_source = render["datasources"]["pacing"]
        made = {t["outputName"]: t for t in pacing_source["transformers"]}
        for component in spoken:
            assert made[component]["transformer"] == "ssmlToSpeech"
            assert pacing_source["properties"][made[component]["inputPath"]].startswith("<speak>")
        last = [c["value"] for c in silent if c.get("property") == "instruction"]
        if last:
            assert ids["instruction"].text == last[-1]
        assert after.by_id("coaching").properties["entities"][0]["value"] == 1


def test_a_recognised_person_comes_back_tomorrow_to_the_rep_she_paused_at(client) -> None:
    anna = Device(client, screen=True, person_id="amzn1.ask.person.ANNA")
    ben = Device(client, screen=True, person_id="amzn1.ask.person.BEN")
    pieces = paced_pieces(start_hands_free_at_a_long_exercise(anna))
    start_hands_free_at_a_long_exercise(ben)
    [sixth] = [i for i, (_, heard) in enumerate(pieces) if re.match(r"6\.", heard)]
    anna.post(touch_event(anna, "AMAZON.PauseIntent", pieces[sixth][0]))
    ben.say("AMAZON.PauseIntent")  # Ben's screen reports where his document was: the start

    anna.next_day()
    ben.next_day()
    for device in (anna, ben):
        device.launch()
    anna_again = paced_pieces(anna.say("AMAZON.YesIntent"))  # yes: carry on
    ben_again = paced_pieces(ben.say("AMAZON.YesIntent"))
    assert anna_again[0][1] == f"{CARRY_ON} {pieces[sixth][1]}"
    assert from_the_start(ben_again, pieces)
