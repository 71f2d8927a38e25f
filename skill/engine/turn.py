"""What the coach says in one turn: speech and timed silences, before any SSML.

A turn is kept as segments rather than as a string so that tests (and people) can check
what a person actually hears: how long each hold is, how many reps are counted, how long
the whole turn runs. Rendering to SSML is a separate, small step (``ssml.py``).
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Literal

from skill.values import Value, value_class

#: Speaking rate used to estimate how long speech takes. Alexa's default voice speaks at
#: roughly 150-160 words a minute; estimating slower keeps turns safely under the limit.
WORDS_PER_MINUTE = 140

#: The fastest Alexa's voice is taken to speak, for the earliest a turn can have ended.
#: Alexa opens the microphone only when its speech ends, so a request sooner than that cut
#: the turn short ("Alexa, pause"); one later heard it through. Timing that against the
#: slow estimate above took an "okay" said just after a long turn ended for an interruption,
#: and played the exercise again.
FASTEST_WORDS_PER_MINUTE = 180

#: Alexa plays at most 240 seconds of speech in one response.
MAX_TURN_SECONDS = 240

#: What a turn is packed to, leaving room for the estimate being off.
TURN_BUDGET_SECONDS = 210

PauseKind = Literal["hold", "work", "tempo", "rest", "setup"]
SpeechRole = Literal["say", "count", "cue", "mark"]


@value_class
class Speech(Value):
    """Words spoken aloud. ``role``: instructions (say), rep counts, mid-hold cues, and marks
    (releases, rests, sides and sets) that repeat by nature, so checks can tell them apart."""

    text: str
    role: SpeechRole = "say"


@value_class
class Pause(Value):
    """A silence the person spends holding, working, resting or getting into position."""

    seconds: float
    kind: PauseKind


Segment = Speech | Pause


@value_class
class Turn(Value):
    """One response: segments to speak, and the short prompt to say if nobody answers."""

    segments: tuple[Segment, ...]
    reprompt: str

    # cached: a part's turn is built once per worker and asked again every time it is said
    @cached_property
    def text(self) -> str:
        """The spoken words alone, as one string (for logs, cards and the console)."""
        return " ".join(s.text for s in self.segments if isinstance(s, Speech))

    @property
    def pause_seconds(self) -> float:
        return sum(s.seconds for s in self.segments if isinstance(s, Pause))

    @cached_property
    def estimated_seconds(self) -> float:
        """Speech at WORDS_PER_MINUTE plus every pause: how long the turn plays."""
        return speech_seconds(self.text) + self.pause_seconds

    @cached_property
    def shortest_seconds(self) -> float:
        """Speech at FASTEST_WORDS_PER_MINUTE plus every pause: the soonest it can end."""
        return speech_seconds(self.text, FASTEST_WORDS_PER_MINUTE) + self.pause_seconds

    def then(self, other: Turn) -> Turn:
        """This turn's segments followed by another's, keeping the other's reprompt."""
        return Turn(self.segments + other.segments, other.reprompt)


def speech_seconds(text: str, words_per_minute: float = WORDS_PER_MINUTE) -> float:
    return len(re.findall(r"[\w']+", text)) * 60 / words_per_minute


def say(*texts: str) -> tuple[Speech, ...]:
    return tuple(Speech(t) for t in texts if t)


@value_class
class Stretch(Value):
    """What is said between two silences, and the (merged) silence after it.

    A turn is cut at every silence except the beats between counted reps ("1. [2 s] 2."):
    a voice counts those, and they stay inside one stretch. These are the pieces a screen
    speaks one by one and the places a paused turn can carry on from.
    """

    segments: tuple[Segment, ...]
    speech: tuple[Speech, ...]
    pause_kind: PauseKind | None
    pause_seconds: float

    @property
    def cue_only(self) -> bool:
        """Only a mid-hold cue ("Halfway."): part of the hold before it, not a place to start."""
        return bool(self.speech) and all(s.role == "cue" for s in self.speech)

    @property
    def estimated_seconds(self) -> float:
        """Its speech, its beats and the silence after it."""
        silences = sum(s.seconds for s in self.segments if isinstance(s, Pause))
        return speech_seconds(" ".join(s.text for s in self.speech)) + silences


def raw_stretches(turn: Turn) -> list[Stretch]:
    """The turn cut at every silence: speech, then the run of pauses after it."""
    found: list[Stretch] = []
    segments: list[Segment] = []
    speech: list[Speech] = []
    kind: PauseKind | None = None
    seconds = 0.0
    for segment in turn.segments:
        if isinstance(segment, Pause):
            segments.append(segment)
            if segment.seconds > 0:
                kind = kind or segment.kind
                seconds += segment.seconds
        elif seconds:
            found.append(Stretch(tuple(segments), tuple(speech), kind, seconds))
            segments, speech, kind, seconds = [segment], [segment], None, 0.0
        else:
            segments.append(segment)
            speech.append(segment)
    found.append(Stretch(tuple(segments), tuple(speech), kind, seconds))
    return found


def stretches(turn: Turn) -> list[Stretch]:
    """The turn's pieces: cut at its silences, the tempo beats between counts kept inside."""
    merged: list[Stretch] = []
    for stretch in raw_stretches(turn):
        if merged and merged[-1].pause_kind == "tempo":
            before = merged.pop()
            stretch = Stretch(
                before.segments + stretch.segments,
                before.speech + stretch.speech,
                stretch.pause_kind,
                stretch.pause_seconds,
            )
        merged.append(stretch)
    return merged


def piece_under_way(pieces: list[Stretch], seconds_left: float) -> int:
    """Which piece was playing when ``seconds_left`` of them remained (by their estimates).

    Counted back from the end, so whatever was said before the pieces (a disclaimer, an
    introduction) does not matter; speech is estimated slowly, so an error picks an earlier
    piece (said again) rather than a later one (skipped).
    """
    remaining = 0.0
    for index in range(len(pieces) - 1, -1, -1):
        remaining += pieces[index].estimated_seconds
        if remaining >= seconds_left:
            return index
    return 0
