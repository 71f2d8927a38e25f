"""Listen to the turns: render SSML with espeak-ng and measure the silences in the audio.

espeak-ng plays one <break> of any length but does not add up adjacent breaks the way Alexa
plays them one after another, so this test (not the product) joins chained breaks before
rendering. Every silence longer than half a second must match the engine's pause within
0.3 s, in order.
"""

from __future__ import annotations

import array
import re
import shutil
import subprocess
import wave
from pathlib import Path

import pytest

from skill.engine.ssml import to_ssml
from skill.engine.turn import Pause, Turn

SILENCE_AMPLITUDE = 300
WINDOW_SECONDS = 0.01
SHORTEST_SILENCE_SECONDS = 0.5


def join_chained_breaks(ssml: str) -> str:
    def total(match: re.Match) -> str:
        ms = sum(int(t) for t in re.findall(r'time="(\d+)ms"', match.group(0)))
        return f'<break time="{ms}ms"/>'

    return re.sub(r'(?:<break time="\d+ms"/>)+', total, ssml)


def render(ssml: str, path: Path) -> Path:
    espeak = shutil.which("espeak-ng")
    assert espeak, "espeak-ng is needed for the listening test (.ci/run installs it)"
    subprocess.run([espeak, "-m", "-w", str(path), ssml], check=True, capture_output=True)
    return path


def silences(path: Path) -> list[float]:
    """Lengths of the quiet stretches in a 16-bit mono WAV, in seconds."""
    with wave.open(str(path)) as audio:
        rate = audio.getframerate()
        samples = array.array("h", audio.readframes(audio.getnframes()))
    window = int(rate * WINDOW_SECONDS)
    quiet = [
        max(samples[i : i + window]) < SILENCE_AMPLITUDE
        and -min(samples[i : i + window]) < SILENCE_AMPLITUDE
        for i in range(0, len(samples) - window, window)
    ]
    runs, length = [], 0
    for is_quiet in [*quiet, False]:
        if is_quiet:
            length += 1
        else:
            if length * WINDOW_SECONDS >= SHORTEST_SILENCE_SECONDS:
                runs.append(length * WINDOW_SECONDS)
            length = 0
    return runs


def expected_silences(turn: Turn) -> list[float]:
    return [
        s.seconds
        for s in turn.segments
        if isinstance(s, Pause) and s.seconds >= SHORTEST_SILENCE_SECONDS
    ]


def turns_to_hear(coach, library):
    classic = coach.start("classic")
    yield "classic toe press (holds and rests)", classic.turn
    long_hold = next(e for e in library.exercises.values() if (e.timing.hold_seconds or 0) >= 30)
    yield f"{long_hold.id} (chained breaks, halfway cues)", coach.start_exercise(long_hold.id).turn
    strength = next(
        r for r in library.routines.values() if r.source_file and r.source_file.startswith("002")
    )
    counted = next(i for i, item in enumerate(strength.items) if item.timing.end_hold_seconds)
    step = coach.start(strength.id)
    while step.position.item != counted:
        step = coach.next(step.position)
    yield "towel toe curls (counted reps, end hold)", step.turn


def test_join_chained_breaks():
    assert (
        join_chained_breaks('a <break time="10000ms"/><break time="5000ms"/> b')
        == 'a <break time="15000ms"/> b'
    )


def test_silences_in_the_audio_match_the_content(coach, library, tmp_path):
    for label, turn in turns_to_hear(coach, library):
        wav = render(join_chained_breaks(to_ssml(turn)), tmp_path / "turn.wav")
        heard = silences(wav)
        expected = expected_silences(turn)
        assert len(heard) == len(expected), label
        for got, want in zip(heard, expected, strict=True):
            assert got == pytest.approx(want, abs=0.3), label
