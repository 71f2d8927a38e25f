"""Listen to whole sessions: every routine, every exercise alone and planned routines, each
turn rendered by espeak-ng and its silences measured in the audio against the content's
numbers (the article's holds, work periods, rep tempo and rests, read by content/README.md).

What is compared is what a person would hear, not what the engine meant: the silences are
measured in the WAV, matched in order to the turn's pauses only to know which is a hold and
which a rest, and then checked against the routine item's timing. A hold broken by
"Halfway." is heard as one hold. Speech is rendered slower than Alexa speaks at the
"slower" setting, so a turn whose audio fits in 240 s fits for everyone.

The engine-only checks at the end need no audio: a change of side is always said before a
silence long enough to make it, never just before the next rep starts.
"""

from __future__ import annotations

import shutil
import subprocess
import wave
from itertools import pairwise
from pathlib import Path

import pytest
from test_listening import join_chained_breaks, silences

from skill.engine.coaching import CUE_GAP_SECONDS
from skill.engine.navigation import Coach
from skill.engine.planning import Planner, PlanRequest
from skill.engine.ssml import to_ssml
from skill.engine.turn import MAX_TURN_SECONDS, Pause, Speech, Turn
from skill.library import RoutineItem, load_library
from skill.words import load_words

LIBRARY = load_library()
WORDS = load_words()
#: espeak-ng's speaking rate here, words a minute: below Alexa's voice at 85 % ("slower").
SLOW_WORDS_PER_MINUTE = 120
#: Silences shorter than this are the voice's own gaps between sentences at a slow rate.
SHORTEST_SILENCE_SECONDS = 1.0
TOLERANCE_SECONDS = 0.3
#: The least quiet time a person gets to change feet, move a band or a pencil.
MIN_SWITCH_SECONDS = 3

#: Plans people ask for: by minutes, area, equipment had and lacked, and level.
PLAN_REQUESTS = [
    PlanRequest(minutes=10),
    PlanRequest(minutes=20, lack=frozenset({"band"}), area="back"),
    PlanRequest(minutes=5, level="gentle"),
    PlanRequest(minutes=15, have=frozenset({"band", "tennis_ball"}), area="balance"),
    PlanRequest(minutes=30, area="feet", level="harder"),
]


def planned(request: PlanRequest) -> str:
    plan = Planner(Coach(LIBRARY)).plan(request)
    assert plan is not None, request
    return plan.routine_id


#: Every named routine, one at the gentle level, and plans. (Every exercise alone plays
#: the timing a routine or plan already plays here: rendering it again adds only CI time.)
SESSIONS = [
    *sorted(LIBRARY.routines),
    "stretching@g",
    *dict.fromkeys(planned(request) for request in PLAN_REQUESTS),
]
EXERCISES = [f"exercise:{e}" for e in sorted(LIBRARY.exercises)]
LEVELS = [f"{plan}@{level}" for plan in [*LIBRARY.routines, *EXERCISES] for level in "gh"]


def render_slowly(ssml: str, path: Path) -> Path:
    espeak = shutil.which("espeak-ng")
    assert espeak, "espeak-ng is needed for the listening test (.ci/run installs it)"
    command = [espeak, "-m", "-s", str(SLOW_WORDS_PER_MINUTE), "-w", str(path), ssml]
    subprocess.run(command, check=True, capture_output=True)
    return path


def audio_seconds(path: Path) -> float:
    with wave.open(str(path)) as audio:
        return audio.getnframes() / audio.getframerate()


def silence_groups(turn: Turn) -> list[tuple[tuple[str, ...], float, tuple[Speech, ...]]]:
    """The turn's silences as the ear hears them: adjacent pauses are one silence. Each comes
    with the kinds of pause it is made of, its length, and the words said after it."""
    groups: list[tuple[list[str], list[float], list[Speech]]] = []
    speech_since = True
    for segment in turn.segments:
        if isinstance(segment, Pause):
            if segment.seconds <= 0:
                continue
            if speech_since:
                groups.append(([], [], []))
            groups[-1][0].append(segment.kind)
            groups[-1][1].append(segment.seconds)
            speech_since = False
        else:
            speech_since = True
            if groups:
                groups[-1][2].append(segment)
    return [(tuple(kinds), sum(seconds), tuple(after)) for kinds, seconds, after in groups]


def close_to(value: float, *candidates: float) -> bool:
    return any(abs(value - c) <= TOLERANCE_SECONDS for c in candidates)


class Heard:
    """What one exercise sounded like, summed over its turns."""

    def __init__(self) -> None:
        self.holds: list[float] = []
        self.works: list[float] = []
        self.beats: list[float] = []
        self.rests: list[float] = []
        self.setups: list[float] = []


def hear(turn: Turn, item: RoutineItem, heard: Heard, path: Path, label: str) -> None:
    """Render one turn, measure it, and file each measured silence under what it is."""
    wav = render_slowly(join_chained_breaks(to_ssml(turn)), path)
    spoken = audio_seconds(wav)
    assert spoken <= MAX_TURN_SECONDS, f"{label}: {spoken:.0f} s, over Alexa's limit, said slowly"
    measured = [s for s in silences(wav) if s >= SHORTEST_SILENCE_SECONDS - 0.15]
    groups = [g for g in silence_groups(turn) if g[1] >= SHORTEST_SILENCE_SECONDS]
    assert len(measured) == len(groups), f"{label}: {len(measured)} silences, {len(groups)} pauses"
    timing = item.timing
    rests = [
        timing.rest_between_reps_seconds,
        timing.rest_between_sets_seconds,
        timing.rest_between_sides_seconds,
        timing.rest_between_variations_seconds,
    ]
    running: float | None = None  # a hold or work period cut by "Halfway."
    for (kinds, _, after), seconds in zip(groups, measured, strict=True):
        if kinds in (("hold",), ("work",)):
            running = (running or 0.0) + seconds
            if after and all(s.role == "cue" for s in after):
                continue
            (heard.holds if kinds == ("hold",) else heard.works).append(running)
            running = None
        elif kinds == ("tempo",):
            heard.beats.append(seconds)
        elif kinds == ("tempo", "rest"):
            heard.beats.append(timing.rep_seconds or 0.0)
            heard.rests.append(seconds - (timing.rep_seconds or 0.0))
        elif kinds == ("rest",):
            heard.rests.append(seconds)
        elif kinds == ("setup",):
            heard.setups.append(seconds)
        else:
            pytest.fail(f"{label}: a silence made of {kinds}")
    for rest in heard.rests:
        assert close_to(rest, *rests), f"{label}: a rest of {rest:.1f} s, content says {rests}"


def reps_in_all(item: RoutineItem) -> int:
    timing = item.timing
    sides = 2 if timing.sides == "each" else 1
    return timing.sets * sides * max(1, len(timing.variations)) * timing.reps


@pytest.mark.parametrize("plan", SESSIONS)
def test_every_silence_heard_is_the_contents_number(coach: Coach, plan: str, tmp_path: Path):
    routine = LIBRARY.plan(plan)
    heard = {index: Heard() for index in range(len(routine.items))}
    step = coach.start(plan)
    while not step.position.finished:
        index = step.position.item
        item = routine.items[index]
        label = f"{plan} item {index + 1} part {step.position.part + 1}"
        hear(step.turn, item, heard[index], tmp_path / "turn.wav", label)
        step = coach.next(step.position)
    for index, item in enumerate(routine.items):
        timing, got = item.timing, heard[index]
        label = f"{plan} item {index + 1} ({item.exercise.id})"
        reps = reps_in_all(item)
        if timing.hold_seconds:
            assert len(got.holds) == reps, label
            assert all(close_to(h, timing.hold_seconds) for h in got.holds), (label, got.holds)
        elif timing.work_seconds:
            assert len(got.works) == reps, label
            assert all(close_to(w, timing.work_seconds) for w in got.works), (label, got.works)
        else:  # counted: a beat of the article's tempo after every count
            assert len(got.beats) == reps, label
            assert all(close_to(b, timing.rep_seconds or 0) for b in got.beats), label
            if timing.end_hold_seconds:
                ends = timing.sets * (2 if timing.sides == "each" else 1)
                assert len(got.holds) == ends, label
                assert all(close_to(h, timing.end_hold_seconds) for h in got.holds), label
        assert got.setups and all(
            s >= item.exercise.setup_seconds - TOLERANCE_SECONDS for s in got.setups
        ), label


def side_announcements() -> set[str]:
    """Every sentence that tells the person to start on, or change to, a side."""
    said = {WORDS.say("coaching.switch_sides")}
    for exercise in LIBRARY.exercises.values():
        said |= set(exercise.side_cue.values())
        for side in ("left", "right"):
            name = WORDS.say("coaching.side", side=side, limb=exercise.limb)
            said.add(WORDS.say("coaching.start_with", side=name))
            said.add(WORDS.say("coaching.switch_to", side=name))
    return said


SIDES = side_announcements()
#: Said between a side's announcement and its silence: the set, getting into position.
BEFORE_THE_SILENCE = SIDES | {
    WORDS.say("coaching.get_ready"),
    WORDS.say("coaching.get_into_position"),
    *(WORDS.say("coaching.set_of", set=n, sets=m) for m in range(2, 11) for n in range(1, m + 1)),
}


def walk_turns(coach: Coach, plan: str, coached: tuple[str, ...] = ()):
    step = coach.start(plan, coached)
    while not step.position.finished:
        yield step.turn
        step = coach.next(step.position)


@pytest.mark.parametrize("plan", SESSIONS + EXERCISES + LEVELS)
@pytest.mark.parametrize("knows", [False, True], ids=["new", "returning"])
def test_a_change_of_side_is_said_before_a_silence_to_make_it(coach, plan, knows):
    coached = tuple(LIBRARY.exercises) if knows else ()
    for number, turn in enumerate(walk_turns(coach, plan, coached), 1):
        segments = turn.segments
        for index, segment in enumerate(segments):
            if not (isinstance(segment, Speech) and segment.text in SIDES):
                continue
            following = index + 1
            while (
                following < len(segments)
                and isinstance(segments[following], Speech)
                and segments[following].text in BEFORE_THE_SILENCE
            ):
                following += 1
            after = segments[following] if following < len(segments) else None
            assert isinstance(after, Pause) and after.seconds >= MIN_SWITCH_SECONDS, (
                f"{plan} turn {number}: {segment.text!r} is followed by {after!r}"
            )


@pytest.mark.parametrize("plan", SESSIONS + EXERCISES + LEVELS)
def test_cues_inside_a_hold_are_far_enough_apart_to_be_coaching(coach, plan):
    """'Halfway.' then 'Ten seconds left.' five seconds later is chatter, not coaching."""
    for number, turn in enumerate(walk_turns(coach, plan), 1):
        segments = turn.segments
        for index in range(1, len(segments) - 1):
            before, segment, after = segments[index - 1], segments[index], segments[index + 1]
            if (
                isinstance(segment, Pause)
                and isinstance(before, Speech)
                and before.role == "cue"
                and isinstance(after, Speech)
                and after.role == "cue"
            ):
                assert segment.seconds >= CUE_GAP_SECONDS, f"{plan} turn {number}"


@pytest.mark.parametrize("plan", SESSIONS + EXERCISES)
def test_the_first_side_is_named_once_before_the_first_silence(coach, plan):
    """'... right foot first. Start with your right foot.' says one thing twice."""
    for number, turn in enumerate(walk_turns(coach, plan), 1):
        words = []
        for segment in turn.segments:
            if isinstance(segment, Pause):
                break
            words.append(segment.text)
        opening = " ".join(words).lower()
        for limb in {e.limb for e in LIBRARY.exercises.values()}:
            for side in ("right", "left"):
                assert opening.count(f"{side} {limb}") <= 1, f"{plan} turn {number}: {opening}"


def closing_opener(turn: Turn) -> str:
    """The praise a turn ends with: 'Good', 'Well done', 'That's toe walking finished'."""
    closing = next(
        (s.text for s in reversed(turn.segments) if isinstance(s, Speech) and "Next" in s.text),
        turn.text,
    )
    return closing.replace(",", ".").split(".")[0]


@pytest.mark.parametrize("plan", SESSIONS)
def test_no_two_turns_in_a_row_end_with_the_same_praise(coach, plan):
    """Thirteen turns of 'Well done.' in a row is a recording, not a coach."""
    turns = list(walk_turns(coach, plan))
    openers = [closing_opener(turn) for turn in turns]
    for number, (before, after) in enumerate(pairwise(openers), 2):
        assert before != after, f"{plan} turns {number - 1} and {number}: {before!r}"
    praise = [o for o in openers if o.split()[0] in {"Well", "Good", "Nicely"}]
    assert len(praise) < len(openers) or len(openers) <= 2, f"{plan}: praise every turn"
