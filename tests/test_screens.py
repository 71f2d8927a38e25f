"""Screens: every screen the skill can send, inflated by Amazon's APL engine on four viewports,
and conversations through the real Flask endpoint on a device with a screen and on a speaker.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from apl import MISSING, PARSE_DIRECTIVE, VIEWPORTS, Inflated, Viewport, inflate
from ask_sdk_core.dispatch_components import (
    AbstractRequestInterceptor,
    AbstractResponseInterceptor,
)
from ask_sdk_core.serialize import DefaultSerializer
from devices import Device

from skill import replies
from skill.alexa import display, screens, skill_builder, touch
from skill.alexa.screens import CoachingScreen, ListScreens, pieces
from skill.console.understanding import load_model
from skill.engine.coaching import capitalize, dose_summary
from skill.engine.navigation import Coach, Step
from skill.engine.ssml import to_ssml
from skill.library import Library
from skill.web.app import WebConfig, create_app
from skill.words import load_words

MAX_RESPONSE_BYTES = 24 * 1024
MIN_TOUCH_DP = 48
MIN_BODY_DP = 32
WORDS = load_words("en-US")
SERIALIZER = DefaultSerializer()

BREAKS = re.compile(r'(?:\s*<break time="\d+ms"/>)+')
BREAK_MS = re.compile(r"(\d+)ms")
needs_engine = pytest.mark.skipif(PARSE_DIRECTIVE is None, reason=MISSING)


def plain(text: str) -> str:
    return " ".join(text.split()).lower()


# -- what the engine must accept, on every viewport ---------------------------------------


def check_screen(inflated: Inflated, viewport: Viewport) -> list:
    """No engine warnings; visible texts non-empty and large; buttons on screen, big, labelled."""
    assert inflated.problems == [], inflated.problems
    shown = [c for c in inflated.components() if c.visible]
    texts = [c for c in shown if c.type == "Text"]
    for text in texts:
        assert text.text.strip(), f"an empty text is shown: {text.properties['__path']}"
        if not text.in_button:
            assert text.properties["fontSize"] >= MIN_BODY_DP, (text.text, viewport)
    buttons = [c for c in shown if c.type == "TouchWrapper"]
    assert all(b.properties["accessibilityLabel"] for b in buttons), "every button is labelled"
    for button in buttons:
        label = button.properties["accessibilityLabel"]
        assert button.width >= MIN_TOUCH_DP and button.height >= MIN_TOUCH_DP, (label, viewport)
        assert viewport.reachable(button), (
            f"{label!r} at {button.x, button.y, button.width, button.height} is off {viewport}"
        )
    return texts


def steps_to_show(coach: Coach, routine_id: str) -> list[tuple[str, Step]]:
    """First, middle and last part of a routine; then paused, and finished."""
    *steps, finished = coach.walk(routine_id)
    chosen = [("first", steps[0]), ("middle", steps[len(steps) // 2]), ("last", steps[-1])]
    chosen.append(("paused", coach.pause(steps[0].position)))
    chosen.append(("finished", finished))
    return chosen


def serialised(directive: Any) -> dict[str, Any]:
    return SERIALIZER.serialize(directive)


@needs_engine
@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: v.name)
@pytest.mark.parametrize("aloud", [True, False], ids=["counted", "quiet"])
def test_every_coaching_screen_inflates_cleanly_and_shows_what_is_said(
    coach: Coach, library: Library, viewport: Viewport, aloud: bool
) -> None:
    coach = coach.counting(aloud)  # "you don't need to count for me": the same screens
    for routine_id in library.routines:
        for where, step in steps_to_show(coach, routine_id):
            ssml = to_ssml(step.turn)
            render, *pacing = CoachingScreen(coach, WORDS).directives(step, ssml, True)
            assert bool(pacing) == (where not in ("paused", "finished"))
            inflated = inflate(serialised(render), viewport)
            check_screen(inflated, viewport)
            said = plain(step.turn.text)
            first_words = next(p.text for p in pieces(ssml) if p.text)
            assert inflated.by_id("instruction").text == first_words
            assert plain(first_words) in said
            position, routine = step.position, library.plan(step.position.routine_id)
            title = inflated.by_id("title").text
            if position.finished:
                assert title == capitalize(routine.name)
                continue
            item = routine.items[position.item]
            assert title == f"Exercise {position.item + 1} of {len(routine.items)}: " + (
                item.exercise.name
            )
            if where != "paused":
                assert plain(item.exercise.name) in said
            labels = {c.properties.get("__id"): c.text for c in inflated.components() if c.visible}
            if "rep" in labels:
                rep = re.fullmatch(r"(?:Set (\d+) of (\d+), rep|Rep) (\d+) of (\d+)", labels["rep"])
                assert rep and int(rep.group(4)) == item.timing.reps, labels["rep"]
            if "side" in labels and where != "paused":
                assert plain(labels["side"]) in said, (labels["side"], said)
            buttons = [
                c.properties["accessibilityLabel"]
                for c in inflated.components()
                if c.type == "TouchWrapper" and c.visible
            ]
            if where == "paused":
                assert buttons == ["Back", "Resume", "Repeat", "Next", "Stop"]
            else:
                assert buttons == ["Back", "Pause", "Repeat", "Next", "Stop"]


@needs_engine
@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: v.name)
def test_how_to_of_every_exercise_inflates_and_says_what_the_how_to_says(
    coach: Coach, library: Library, viewport: Viewport
) -> None:
    for exercise in library.exercises.values():
        inflated = inflate(serialised(ListScreens(coach, WORDS).how_to(exercise)), viewport)
        texts = check_screen(inflated, viewport)
        spoken = plain(replies.how_to(exercise))
        assert inflated.by_id("title").text == capitalize(exercise.name)
        rows = [t.text for t in texts if t.inside("rows")]
        assert len(rows) == 1 + len(exercise.instructions) + len(exercise.safety)
        for row in rows:
            assert plain(re.sub(r"^\d+\. ", "", row)) in spoken, row
        for equipment in (e for e in exercise.equipment if e != "none"):
            assert equipment in inflated.by_id("subtitle").text


@needs_engine
@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: v.name)
def test_the_lists_and_every_routine_plan_inflate_and_match_what_is_said(
    coach: Coach, library: Library, viewport: Viewport
) -> None:
    lists = ListScreens(coach, WORDS)
    routines = inflate(serialised(lists.routines()), viewport)
    rows = [t.text for t in check_screen(routines, viewport) if t.inside("rows")]
    assert [plain(r) for r in rows] == [
        plain(replies.routine_line(r, coach, WORDS)) for r in library.routines.values()
    ]
    for row in rows:
        assert plain(row) in plain(replies.list_routines(library, coach))
    exercises = inflate(serialised(lists.exercises()), viewport)
    names = [t.text for t in check_screen(exercises, viewport) if t.inside("rows")]
    assert names == [capitalize(e.name) for e in library.exercises.values()]
    for routine in library.routines.values():
        plan = inflate(serialised(lists.plan(routine)), viewport)
        texts = check_screen(plan, viewport)
        rows = [t.text for t in texts if t.inside("rows")]
        assert rows == [
            f"{n}. {capitalize(i.exercise.name)}: {dose_summary(i.timing, i.exercise)}"
            for n, i in enumerate(routine.items, 1)
        ]


def test_without_the_engine_the_inflation_tests_say_why_they_skip() -> None:
    assert MISSING.startswith("Amazon's APL engine")
    if PARSE_DIRECTIVE is not None:
        assert PARSE_DIRECTIVE.name == "parseDirective" and PARSE_DIRECTIVE.is_file()


# -- through the endpoint -----------------------------------------------------------------


def touch_event(device: Device, *arguments: str) -> dict[str, Any]:
    """What Alexa sends when a button of the document is touched (SendEvent)."""
    return device.envelope(
        {
            "type": "Alexa.Presentation.APL.UserEvent",
            "token": "coaching",
            "arguments": list(arguments),
            "source": {"type": "TouchWrapper", "handler": "Press", "id": "button"},
        }
    )


def directive(reply, kind: str) -> dict[str, Any] | None:
    return next(
        (
            d
            for d in reply.response.get("directives", [])
            if d["type"] == f"Alexa.Presentation.APL.{kind}"
        ),
        None,
    )


def spoken_by_document(reply) -> str:
    """The SSML the document will speak, silences as the breaks a speaker would hear."""
    properties = directive(reply, "RenderDocument")["datasources"]["pacing"]["properties"]
    [sequence] = directive(reply, "ExecuteCommands")["commands"]
    said = []
    for command in sequence["commands"]:
        if command["type"] == "SpeakItem":
            index = command["componentId"].removeprefix("v")
            said.append(heard_by_speaker(properties[f"s{index}"]))
        elif command["type"] == "Idle":
            said.append(f"[{command['delay']}ms]")
    return " ".join(said)


def heard_by_speaker(ssml: str) -> str:
    def silence(match: re.Match[str]) -> str:
        return f" [{sum(int(ms) for ms in BREAK_MS.findall(match.group(0)))}ms] "

    inner = ssml.removeprefix("<speak>").removesuffix("</speak>")
    return " ".join(BREAKS.sub(silence, inner).split())


def test_a_speaker_gets_exactly_the_responses_it_got_before_screens(
    client, tmp_path, monkeypatch
) -> None:
    class NoTouch(AbstractRequestInterceptor):
        def process(self, handler_input: Any) -> None:
            return None

    class NoScreen(AbstractResponseInterceptor):
        def process(self, handler_input: Any, response: Any) -> None:
            return None

    def conversation(device: Device) -> list[bytes]:
        device.session_id = "amzn1.echo-api.session.fixed"
        said = [device.launch().raw]
        for intent, slots in [
            ("StartRoutineIntent", {"routine": "quick"}),
            ("AMAZON.NextIntent", {}),
            ("AMAZON.PauseIntent", {}),
            ("AMAZON.ResumeIntent", {}),
            ("ExerciseHowToIntent", {"exercise": "ankle circles"}),
            ("ListRoutinesIntent", {}),
            ("AMAZON.RepeatIntent", {}),
            ("HowLongIntent", {}),
        ]:
            said.append(device.say(intent, **slots).raw)
        return said

    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # the same clock for both: a position has times
    with_screens = conversation(Device(client, user_id="amzn1.ask.account.SPEAKER", now=now))
    monkeypatch.setattr(skill_builder, "ShowScreen", lambda coach: NoScreen())
    monkeypatch.setattr(skill_builder, "TouchAsIntent", NoTouch)
    before = create_app(WebConfig(db=str(tmp_path / "b.sqlite3"), skill_id=None, verify=False))
    without = conversation(
        Device(before.test_client(), user_id="amzn1.ask.account.SPEAKER", now=now)
    )
    assert with_screens == without
    assert all(b'"directives"' not in raw for raw in with_screens)


def test_on_a_screen_the_document_speaks_the_turn_a_speaker_hears_and_moves_on(client) -> None:
    now = datetime.now(UTC)  # one clock for both: a position keeps when its turn ends
    show = Device(client, screen=True, user_id="amzn1.ask.account.SHOW", now=now)
    speaker = Device(client, user_id="amzn1.ask.account.SPEAKER", now=now)
    show.launch()
    speaker.launch()
    assert directive(show.last, "RenderDocument")["datasources"]["list"]["rows"][0]["event"][0] == (
        "StartRoutineIntent"
    )

    paced = show.post(touch_event(show, "StartRoutineIntent", "quick"))
    heard = speaker.say("StartRoutineIntent", routine="quick")

    assert "outputSpeech" not in paced.response and "reprompt" not in paced.response
    assert "shouldEndSession" not in paced.response  # open, microphone closed
    assert spoken_by_document(paced) == heard_by_speaker(heard.ssml)
    [sequence] = directive(paced, "ExecuteCommands")["commands"]
    assert sequence["commands"][-1] == {
        "type": "SendEvent",
        "arguments": ["AMAZON.NextIntent", "paced"],
    }
    # the document's event at the end is "next": the same step as saying it
    moved = show.post(touch_event(show, *sequence["commands"][-1]["arguments"]))
    said_next = speaker.say("AMAZON.NextIntent")
    assert spoken_by_document(moved) == heard_by_speaker(said_next.ssml)
    assert show.attributes["position"] == speaker.attributes["position"]


def test_pause_by_touch_stops_the_pacing_and_resume_paces_again(client) -> None:
    show = Device(client, screen=True)
    show.say("StartRoutineIntent", routine="gentle")
    show.post(touch_event(show, "AMAZON.NextIntent", "paced"))
    where = dict(show.attributes["position"])

    paused = show.post(touch_event(show, "AMAZON.PauseIntent"))

    assert "Paused" in paused.text and paused.reprompt  # spoken, microphone open
    # the coaching document is on the screen: it is changed, not sent again, and not paced
    assert directive(paused, "RenderDocument") is None
    [*commands] = directive(paused, "ExecuteCommands")["commands"]
    assert {c["type"] for c in commands} == {"SetValue"}
    assert {"componentId": "coaching", "property": "paused", "type": "SetValue", "value": True} in (
        commands
    )
    assert show.attributes["position"]["paused"] is True

    resumed = show.post(touch_event(show, "AMAZON.ResumeIntent"))
    assert "outputSpeech" not in resumed.response
    assert any(
        c["type"] == "SpeakItem"
        for c in directive(resumed, "ExecuteCommands")["commands"][0]["commands"]
    )
    position = show.attributes["position"]
    assert (position["item"], position["part"]) == (where["item"], where["part"])


def test_touch_events_nobody_sends_change_nothing(client) -> None:
    show = Device(client, screen=True)
    show.say("StartRoutineIntent", routine="quick")
    where = dict(show.attributes["position"])
    for arguments in (["SkillDisabled"], [], ["StartRoutineIntent", "no-such-routine"], [3]):
        reply = show.post(touch_event(show, *arguments))
        assert reply.status == 200
        assert show.attributes["position"] == where


def test_every_screen_response_of_the_longest_routines_stays_under_24_kb(client, library) -> None:
    show = Device(client, screen=True)
    for routine_id in library.routines:
        reply = show.say("StartRoutineIntent", routine=routine_id)
        for _ in range(100):
            assert reply.status == 200 and len(reply.raw) <= MAX_RESPONSE_BYTES, (
                routine_id,
                len(reply.raw),
            )
            if show.attributes["position"]["finished"]:
                break
            reply = show.post(touch_event(show, "AMAZON.NextIntent", "paced"))
        assert show.attributes["position"]["finished"], routine_id


def test_the_modules_keep_to_their_floor() -> None:
    for module in (screens, display, touch):
        assert "flask" not in json.dumps(sorted(vars(module)))


def test_a_paced_turn_too_big_for_one_response_is_spoken_as_on_a_speaker(
    client, monkeypatch
) -> None:
    monkeypatch.setattr(display, "MAX_RESPONSE_BYTES", 2048)
    show = Device(client, screen=True)
    reply = show.say("StartRoutineIntent", routine="quick")
    assert "Let's do the quick routine" in reply.text and reply.reprompt
    assert directive(reply, "ExecuteCommands") is None
    assert directive(reply, "RenderDocument")["datasources"]["screen"]["title"] == (
        "Exercise 1 of 4: toe press"
    )


# -- "wait for me" and "keep going" --------------------------------------------------------


def test_wait_for_me_is_remembered_and_keep_going_turns_pacing_back_on(client) -> None:
    anna = Device(client, screen=True, person_id="amzn1.ask.person.ANNA")
    anna.say("StartRoutineIntent", routine="quick")

    waiting = anna.say("HandsFreeIntent", mode="wait for me")
    assert waiting.text == "OK, I'll wait for you. Say next when you're ready." and waiting.reprompt
    assert directive(waiting, "ExecuteCommands") is None  # a still screen replaces the paced one
    assert directive(waiting, "RenderDocument")["token"] == "list"

    spoken = anna.say("AMAZON.NextIntent")
    assert spoken.text.startswith("Exercise 2 of 4: toe walking.") and spoken.reprompt
    assert directive(spoken, "ExecuteCommands") is None
    assert directive(spoken, "RenderDocument")["datasources"]["screen"]["title"] == (
        "Exercise 2 of 4: toe walking"
    )

    # tomorrow, still waiting for her; someone else on the same Echo is not
    anna.next_day()
    assert directive(anna.say("StartRoutineIntent", routine="quick"), "ExecuteCommands") is None
    ben = Device(client, screen=True, person_id="amzn1.ask.person.BEN")
    assert directive(ben.say("StartRoutineIntent", routine="quick"), "ExecuteCommands")

    going = anna.say("HandsFreeIntent", mode="keep going")
    assert directive(going, "ExecuteCommands") is not None and "outputSpeech" not in going.response
    assert anna.attributes["position"]["item"] == 1  # and it carried on to the next exercise


def test_on_a_speaker_keep_going_is_next_and_wait_for_me_changes_nothing_heard(client) -> None:
    kept = Device(client, user_id="amzn1.ask.account.KEPT")
    nexted = Device(client, user_id="amzn1.ask.account.NEXTED")
    for device in (kept, nexted):
        device.say("StartRoutineIntent", routine="gentle")
    assert kept.say("HandsFreeIntent", mode="wait for me").ssml
    assert kept.say("AMAZON.NextIntent").ssml == nexted.say("AMAZON.NextIntent").ssml
    assert (
        kept.say("HandsFreeIntent", mode="keep going").ssml == nexted.say("AMAZON.NextIntent").ssml
    )
    kept.say("AMAZON.PauseIntent")
    resumed = kept.say("HandsFreeIntent", mode="hands free")
    assert resumed.ssml == nexted.say("AMAZON.ResumeIntent").ssml


def test_a_mode_alexa_could_not_match_gets_asked_which(client) -> None:
    device = Device(client, screen=True)
    reply = device.say("HandsFreeIntent", mode="banana")
    assert "wait for me" in reply.text and "keep going" in reply.text and reply.reprompt


@pytest.mark.parametrize(
    ("said", "mode"),
    [
        ("wait for me", "wait"),
        ("please wait for me to say next", "wait"),
        ("turn off hands free", "wait"),
        ("keep going", "keep_going"),
        ("keep going on your own", "keep_going"),
        ("from now on don't wait for me", "keep_going"),
    ],
)
def test_the_model_hears_wait_for_me_and_keep_going(said: str, mode: str) -> None:
    understood = load_model("en-US").understand(said)
    assert understood.intent == "HandsFreeIntent"
    assert [r.id for r in understood.slot("mode").resolved] == [mode]


def test_a_word_that_is_no_mode_is_not_taken_for_one() -> None:
    assert load_model("en-US").understand("purple").intent == "AMAZON.FallbackIntent"


def test_a_plan_made_to_measure_shows_its_summary_and_start_is_yes(client, coach) -> None:
    show = Device(client, screen=True)
    offered = show.say("PlanRoutineIntent", duration="PT10M")
    summary = directive(offered, "RenderDocument")["datasources"]["list"]
    routine_id = show.attributes["offer"]["id"]
    routine = coach.library.plan(routine_id)
    assert summary["rows"] == [
        {"text": f"{n}. {capitalize(i.exercise.name)}: {dose_summary(i.timing, i.exercise)}"}
        for n, i in enumerate(routine.items, 1)
    ]
    assert summary["buttons"][0] == {"label": "Start", "event": ["AMAZON.YesIntent"]}

    started = show.post(touch_event(show, "AMAZON.YesIntent"))
    assert show.attributes["position"]["routine_id"] == routine_id
    assert directive(started, "ExecuteCommands") is not None


@needs_engine
@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: v.name)
def test_an_offered_plan_inflates_cleanly(coach: Coach, client, viewport: Viewport) -> None:
    show = Device(client, screen=True)
    offered = show.say("PlanRoutineIntent", duration="PT10M")
    render = directive(offered, "RenderDocument")
    texts = check_screen(inflate(render, viewport), viewport)
    shown = {t.text for t in texts}
    assert capitalize(coach.library.plan(show.attributes["offer"]["id"]).name) in shown


def test_a_can_fulfill_question_about_an_intent_gets_no_screen(client) -> None:
    show = Device(client, screen=True)
    data = show.intent_request("ListRoutinesIntent")
    data["request"]["type"] = "CanFulfillIntentRequest"
    reply = show.post(data)
    assert reply.status == 200 and "canFulfillIntent" in reply.response
    assert "directives" not in reply.response
