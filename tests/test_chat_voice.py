"""``--speak`` is heard with real pauses: render to a WAV with espeak-ng and measure silences.

There is no sound card in CI, so the console writes the same speech to a file (``--wav``)
and the silences are measured with the listening test's own ruler: every quiet stretch of
half a second or more must be one of the printed pauses, in order, within 0.3 s.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_listening import SHORTEST_SILENCE_SECONDS, silences

from skill.cli import main
from skill.console import voice
from skill.console.speech import Silence, Spoken
from skill.console.voice import Speaker, render_wav

SCRIPTS = Path(__file__).parent / "scripts"


def printed_pauses(output: str) -> list[float]:
    return [float(s) for s in re.findall(r"\[pause ([\d.]+) s\]", output)]


def chat(tmp_path: Path, *args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(
        main,
        ["chat", "--db", str(tmp_path / "progress.sqlite3"), *args],
        env={"XDG_CONFIG_HOME": str(tmp_path / "config"), **(env or {})},
    )


def test_the_spoken_conversation_keeps_every_pause(tmp_path):
    wav = tmp_path / "heard.wav"
    result = chat(
        tmp_path, "--speak", "--wav", str(wav), "--script", str(SCRIPTS / "how_to_then_yes.txt")
    )
    assert result.exit_code == 0, result.output
    expected = [p for p in printed_pauses(result.output) if p >= SHORTEST_SILENCE_SECONDS]
    assert len(expected) >= 5  # the exercise is coached with holds, not just described
    heard = silences(wav)
    assert len(heard) == len(expected)
    for got, want in zip(heard, expected, strict=True):
        assert got == pytest.approx(want, abs=0.3)


def test_fast_divides_every_pause_by_ten(tmp_path):
    played = (
        Spoken("Lift your toes and hold."),
        Silence(15.0),
        Spoken("And relax."),
        Silence(6.0),
        Spoken("Well done."),
        Silence(3.0),
        Spoken("That's it."),
    )
    heard = silences(render_wav(played, tmp_path / "fast.wav", "en-US", pause_scale=0.1))
    assert heard == [pytest.approx(1.5, abs=0.3), pytest.approx(0.6, abs=0.3)]


def test_a_missing_espeak_is_a_clear_message(tmp_path):
    result = chat(
        tmp_path,
        "--speak",
        "--script",
        str(SCRIPTS / "how_to_then_yes.txt"),
        env={"PATH": str(tmp_path)},
    )
    assert result.exit_code == 1
    assert "espeak-ng, which is not installed" in result.output
    assert "Traceback" not in result.output


def test_the_speaker_says_each_chunk_and_waits_out_each_pause(tmp_path, monkeypatch):
    said = tmp_path / "said.txt"
    fake = tmp_path / "espeak-ng"
    fake.write_text(f'#!/bin/sh\ncat >> "{said}"\necho >> "{said}"\n')
    fake.chmod(0o755)
    monkeypatch.setattr(voice, "find_espeak", lambda: str(fake))
    waited: list[float] = []
    speaker = Speaker("en-GB", pause_scale=0.1, sleep=waited.append)
    speaker.play((Spoken("Hold."), Silence(12.5), Spoken("Relax."), Silence(3.0)))
    assert said.read_text().splitlines() == ["Hold.", "Relax."]
    assert waited == [pytest.approx(1.25), pytest.approx(0.3)]
    assert speaker.command[1:3] == ["-v", "en-gb"]


def test_prosody_rate_is_kept_with_the_words_it_wraps():
    from skill.console.speech import sounds

    played = sounds(
        '<speak><prosody rate="85%">Hold. <break time="3s"/> Relax.</prosody> Next.</speak>'
    )
    assert played == (
        Spoken("Hold.", 0.85),
        Silence(3.0),
        Spoken("Relax.", 0.85),
        Spoken("Next.", 1.0),
    )


def test_slower_speech_is_heard_slower_with_the_same_silences(tmp_path):
    import wave

    words = "Stand up tall, hold the chair, and rise onto your toes slowly."
    lengths = {}
    for rate in (1.0, 0.85):
        played = (Spoken(words, rate), Silence(3.0), Spoken(words, rate))
        path = render_wav(played, tmp_path / f"{rate}.wav", "en-US")
        with wave.open(str(path)) as audio:
            lengths[rate] = audio.getnframes() / audio.getframerate()
        assert silences(path) == [pytest.approx(3.0, abs=0.3)]
    assert lengths[0.85] > lengths[1.0] * 1.08  # the words take longer; the pause does not
