"""``footcoach chat``: type what you would say to an Echo, read (and hear) what Alexa would say.

This is the terminal end of the console: it reads utterances from the keyboard or a script,
prints each exchange (what Alexa understood, the speech with its pauses, the reprompt,
whether the session is still open) and hands speech to a voice. Everything Alexa-like lives
in the modules beside it. The user id is made once and kept in the app directory, so
progress saved today is offered for resuming tomorrow, as on a real account.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

import click

from skill.console.chat import Chat, Exchange, NotInSession
from skill.console.envelopes import Device
from skill.console.responses import InvalidResponse
from skill.console.speech import transcript
from skill.console.transport import HttpSkill, InProcessSkill, SkillError
from skill.console.understanding import Understanding, load_model, locales
from skill.console.voice import Speaker, Voice, VoiceUnavailable, WavWriter

APP_NAME = "footcoach"
#: Ends the console from any state; plain "quit" is an utterance while a session is open.
QUIT_COMMAND = "/quit"
#: With no session open these cannot reach the skill, so they end the console instead.
LEAVE_WORDS = ("quit", "exit")
DEFAULT_SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"


def saved_user_id(app_dir: Path) -> str:
    """This computer's Alexa user id, made on first use and kept so progress carries over."""
    path = app_dir / "user-id"
    if path.is_file() and path.read_text(encoding="utf-8").strip():
        return path.read_text(encoding="utf-8").strip()
    app_dir.mkdir(parents=True, exist_ok=True)
    user_id = f"amzn1.ask.account.CONSOLE{uuid.uuid4().hex.upper()}"
    path.write_text(user_id + "\n", encoding="utf-8")
    return user_id


def saved_clock(app_dir: Path) -> datetime:
    """When the last chat on this computer left off, if later than now: replies played on
    the chat's own clock (``Chat.now``), which runs ahead of the wall clock, and a new chat
    must not start before the progress it resumes was saved."""
    now = datetime.now(UTC)
    try:
        saved = datetime.fromisoformat((app_dir / "clock").read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        return now
    return max(now, saved) if saved.tzinfo else now


def save_clock(app_dir: Path, now: datetime) -> None:
    app_dir.mkdir(parents=True, exist_ok=True)
    (app_dir / "clock").write_text(now.isoformat() + "\n", encoding="utf-8")


def script_lines(script: TextIO) -> Iterator[tuple[int, str]]:
    """(line number, utterance) for each line that says something; "#" starts a comment."""
    for number, line in enumerate(script, start=1):
        utterance = line.split("#", 1)[0].strip()
        if utterance:
            yield number, utterance


def typed_lines() -> Iterator[tuple[int, str]]:
    """Utterances typed at the prompt, until Ctrl-D (or Ctrl-C).

    Piped input is echoed after the prompt, so the printed transcript reads as typed.
    """
    piped = not sys.stdin.isatty()
    number = 0
    while True:
        try:
            line = input("you> ")
        except (EOFError, KeyboardInterrupt):
            click.echo()
            return
        if piped:
            click.echo(line)
        number += 1
        if line.strip():
            yield number, line.strip()


def slot_lines(understood: Understanding) -> list[str]:
    """Each slot that was said, with what the skill gets for it: ``routine='quick' -> quick``,
    ``duration='half an hour' -> PT30M``."""
    lines = []
    for slot in understood.slots:
        if slot.spoken is None:
            continue
        if slot.is_builtin:
            got = slot.value or "not understood"
        else:
            got = ", ".join(v.id for v in slot.resolved) or "no match"
        lines.append(f"{slot.name}={slot.spoken!r} -> {got}")
    return lines


def describe(exchange: Exchange) -> list[str]:
    """The lines printed for one exchange: the request, the speech, the reprompt, the session."""
    request = exchange.request["request"]
    understood = exchange.understood
    if understood is None or understood.is_launch:
        heard = request["type"] + (f" ({request['reason']})" if "reason" in request else "")
    else:
        heard = understood.intent or ""
        heard += "".join(f"  {slot_text}" for slot_text in slot_lines(understood))
    lines = [f"  [{heard}]"]
    reply = exchange.reply
    if reply.speech:
        lines.append(f"alexa> {transcript(reply.speech)}")
    if reply.reprompt:
        lines.append(f"  reprompt: {transcript(reply.reprompt)}")
    lines.append("  (session open)" if reply.session_open else "  (session closed)")
    return lines


def _voice(speak: bool, wav: Path | None, fast: bool, locale: str) -> Voice | None:
    scale = 0.1 if fast else 1.0
    try:
        if wav is not None:
            return WavWriter(wav, locale, scale)
        return Speaker(locale, scale) if speak else None
    except VoiceUnavailable as exc:
        raise click.ClickException(str(exc)) from exc


def converse(
    chat: Chat, lines: Iterable[tuple[int, str]], voice: Voice | None, strict: bool
) -> None:
    """Send each utterance and show (and play) the replies; ``strict`` stops at a failure."""
    for number, utterance in lines:
        if strict:
            click.echo(f"you> {utterance}")
        if utterance == QUIT_COMMAND or (
            utterance.lower() in LEAVE_WORDS and not chat.session_open
        ):
            return
        try:
            exchanges = chat.say(utterance)
        except (NotInSession, SkillError, InvalidResponse) as exc:
            if strict:
                raise click.ClickException(f"line {number}: {exc}") from exc
            click.secho(str(exc), fg="yellow", err=True)
            continue
        for exchange in exchanges:
            click.echo("\n".join(describe(exchange)))
            if voice is not None and exchange.reply.speech:
                try:
                    voice.play(exchange.reply.speech)
                except VoiceUnavailable as exc:
                    raise click.ClickException(str(exc)) from exc


@click.command()
@click.option(
    "--locale",
    type=click.Choice(locales()),
    default="en-US",
    show_default=True,
    help="Interaction model and request locale.",
)
@click.option("--user", "user_id", help="Alexa user id (default: one kept for this computer).")
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="SQLite file for progress (in-process only).",
)
@click.option(
    "--url",
    help="Send requests to this running endpoint instead, e.g. "
    "http://127.0.0.1:5000/alexa from `footcoach serve --no-verify`.",
)
@click.option(
    "--script",
    type=click.File("r", encoding="utf-8"),
    help="Read utterances from FILE (one a line, # comments) and print the transcript.",
)
@click.option("--speak", is_flag=True, help="Speak through espeak-ng with real pauses.")
@click.option("--fast", is_flag=True, help="With --speak or --wav: pauses a tenth as long.")
@click.option(
    "--wav",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the speech, pauses included, to this WAV file instead of playing it.",
)
@click.option(
    "--skill-id",
    default=DEFAULT_SKILL_ID,
    show_default=True,
    help="Application id sent in requests (match `serve --skill-id`).",
)
def chat(
    locale: str,
    user_id: str | None,
    db_path: Path | None,
    url: str | None,
    script: TextIO | None,
    speak: bool,
    fast: bool,
    wav: Path | None,
    skill_id: str,
) -> None:
    """Talk to Foot Coach by typing what you would say to an Echo.

    Start with "open foot coach" or "ask foot coach to start the quick routine". Inside a
    session say anything the skill understands ("next", "repeat", "stop"). Ctrl-D or /quit
    leaves, ending an open session as walking away from an Echo does.
    """
    app_dir = Path(click.get_app_dir(APP_NAME))
    device = Device(user_id=user_id or saved_user_id(app_dir), skill_id=skill_id, locale=locale)
    voice = _voice(speak, wav, fast, locale)
    endpoint = HttpSkill(url) if url else InProcessSkill(db_path or app_dir / "progress.sqlite3")
    conversation = Chat(load_model(locale), endpoint, device, saved_clock(app_dir))
    if script is None:
        name = conversation.model.invocation_name
        click.echo(f'Say "open {name}" to start. Ctrl-D or /quit leaves.')
    try:
        converse(
            conversation, script_lines(script) if script else typed_lines(), voice, bool(script)
        )
    finally:
        _leave(conversation, voice)
        save_clock(app_dir, conversation.now)


def _leave(conversation: Chat, voice: Voice | None) -> None:
    """End an open session as walking away does, then finish the voice (writes a WAV)."""
    try:
        ended = conversation.hang_up()
        if ended is not None:
            click.echo("\n".join(describe(ended)))
    except (SkillError, InvalidResponse) as exc:
        raise click.ClickException(f"ending the session: {exc}") from exc
    finally:
        if voice is not None:
            voice.close()
