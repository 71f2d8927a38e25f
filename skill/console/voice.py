"""Say replies aloud with espeak-ng, every pause at its real length, or write them to a WAV.

The silences are the product: a 30-second hold must be 30 seconds of quiet. espeak-ng plays
one SSML break but not Alexa's chained ones, so each run of words is spoken on its own and
each silence is kept here: by sleeping between words on the sound card (``Speaker``), or by
writing exactly that many silent frames into a WAV file (``WavWriter``), which is also how
a test listens without a sound card. A chunk's own quiet lead-in and tail are trimmed, so
the pause heard is the pause in the response. ``pause_scale`` (0.1 for ``--fast``) shortens
every pause for a demo.
"""

from __future__ import annotations

import array
import shutil
import subprocess
import tempfile
import time
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from skill.console.speech import Silence, Sound, Spoken

ESPEAK = "espeak-ng"
#: espeak-ng voices by request locale; the rest of the English locales sound British.
VOICES = {"en-US": "en-us", "en-CA": "en-us"}
DEFAULT_VOICE = "en-gb"
#: espeak-ng writes 16-bit mono at this rate; used until the first chunk says otherwise.
DEFAULT_FRAME_RATE = 22050
#: Samples quieter than this at a chunk's edges are espeak-ng's lead-in and tail, not speech.
EDGE_AMPLITUDE = 50


class VoiceUnavailable(RuntimeError):
    """espeak-ng is missing or failed: say so plainly instead of a traceback."""


class Voice(Protocol):
    """Somewhere replies are heard: the sound card, or a file."""

    def play(self, played: tuple[Sound, ...]) -> None: ...

    def close(self) -> None: ...


def find_espeak() -> str:
    path = shutil.which(ESPEAK)
    if path is None:
        raise VoiceUnavailable(
            "speaking needs espeak-ng, which is not installed"
            " (Debian/Ubuntu: sudo apt-get install espeak-ng; macOS: brew install espeak-ng)."
        )
    return path


def voice_for(locale: str) -> str:
    return VOICES.get(locale, DEFAULT_VOICE)


#: espeak-ng's usual speed, words a minute; a ``<prosody rate>`` scales it.
ESPEAK_WORDS_A_MINUTE = 175


def _at_rate(command: list[str], rate: float) -> list[str]:
    """The espeak-ng command speaking at ``rate`` times its usual speed."""
    return command if rate == 1.0 else [*command, "-s", str(round(ESPEAK_WORDS_A_MINUTE * rate))]


def _espeak(command: list[str], text: str) -> None:
    try:
        subprocess.run(command, input=text.encode("utf-8"), check=True, capture_output=True)
    except subprocess.CalledProcessError as exc:
        detail = exc.stderr.decode("utf-8", "replace").strip()
        raise VoiceUnavailable(f"espeak-ng failed: {detail or exc}") from exc


class Speaker:
    """Plays replies on the sound card, sleeping through each pause."""

    def __init__(
        self,
        locale: str,
        pause_scale: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.command = [find_espeak(), "-v", voice_for(locale), "--stdin"]
        self.pause_scale = pause_scale
        self.sleep = sleep

    def play(self, played: tuple[Sound, ...]) -> None:
        for sound in played:
            if isinstance(sound, Spoken):
                _espeak(_at_rate(self.command, sound.rate), sound.text)
            else:
                self.sleep(sound.seconds * self.pause_scale)

    def close(self) -> None:
        """Nothing to finish: the sound card has already played everything."""


def _trimmed(frames: bytes) -> bytes:
    """16-bit mono frames without the quiet before the first and after the last word."""
    samples = array.array("h", frames)
    loud = [i for i, sample in enumerate(samples) if abs(sample) > EDGE_AMPLITUDE]
    return samples[loud[0] : loud[-1] + 1].tobytes() if loud else b""


class WavWriter:
    """Writes every reply it is given, one after another, into one 16-bit mono WAV file."""

    def __init__(self, path: Path, locale: str, pause_scale: float = 1.0) -> None:
        self.path = path
        self.command = [find_espeak(), "-v", voice_for(locale), "--stdin"]
        self.pause_scale = pause_scale
        self.frame_rate: int | None = None
        self._parts: list[bytes | float] = []  # speech frames, or seconds of silence
        self._scratch = tempfile.TemporaryDirectory(prefix="footcoach-voice-")

    def _render(self, text: str, rate: float = 1.0) -> bytes:
        chunk = Path(self._scratch.name) / "chunk.wav"
        _espeak([*_at_rate(self.command, rate), "-w", str(chunk)], text)
        with wave.open(str(chunk)) as audio:
            if audio.getnchannels() != 1 or audio.getsampwidth() != 2:
                raise VoiceUnavailable("espeak-ng wrote audio that is not 16-bit mono")
            self.frame_rate = self.frame_rate or audio.getframerate()
            return _trimmed(audio.readframes(audio.getnframes()))

    def play(self, played: tuple[Sound, ...]) -> None:
        for sound in played:
            if isinstance(sound, Spoken):
                self._parts.append(self._render(sound.text, sound.rate))
            elif isinstance(sound, Silence):
                self._parts.append(sound.seconds * self.pause_scale)

    def close(self) -> None:
        """Write the file: speech as rendered, each silence exact to the frame."""
        rate = self.frame_rate or DEFAULT_FRAME_RATE
        with wave.open(str(self.path), "wb") as audio:
            audio.setnchannels(1)
            audio.setsampwidth(2)
            audio.setframerate(rate)
            for part in self._parts:
                audio.writeframes(
                    part if isinstance(part, bytes) else bytes(2 * round(part * rate))
                )
        self._scratch.cleanup()


def render_wav(
    played: tuple[Sound, ...], path: Path, locale: str, pause_scale: float = 1.0
) -> Path:
    """One reply as a WAV file: what a person would hear, pauses included."""
    writer = WavWriter(path, locale, pause_scale)
    writer.play(played)
    writer.close()
    return path
