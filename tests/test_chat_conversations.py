"""Conversations through ``footcoach chat``: what the person types, what they hear.

Scripts in tests/scripts/ run against the skill in-process (SQLite in tmp_path, the user id
kept in a tmp config dir) and, once, against a real ``footcoach serve --no-verify`` over
HTTP. A stub endpoint stands in for a broken deployment, to show that a script fails loudly.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner, Result

from skill import replies
from skill.cli import main
from skill.engine.navigation import Coach
from skill.words import load_words

SCRIPTS = Path(__file__).parent / "scripts"


@dataclass
class Turn:
    """One exchange in a printed transcript."""

    said: str | None  # None for the session end the console sends on leaving
    request: str
    heard: str = ""
    reprompt: str = ""
    session_open: bool = False


def turns(output: str) -> list[Turn]:
    """The transcript, read back: each request with the speech and session that followed."""
    result: list[Turn] = []
    said: str | None = None
    for line in output.splitlines():
        if line.startswith("you> "):
            said = line.removeprefix("you> ")
        elif line.startswith("  ["):
            result.append(Turn(said, line.strip()[1:-1]))
            said = None
        elif line.startswith("alexa> "):
            result[-1].heard = line.removeprefix("alexa> ")
        elif line.startswith("  reprompt: "):
            result[-1].reprompt = line.removeprefix("  reprompt: ")
        elif line.strip() in ("(session open)", "(session closed)"):
            result[-1].session_open = line.strip() == "(session open)"
    return result


def chat(tmp_path: Path, *args: str, stdin: str | None = None) -> Result:
    """``footcoach chat`` with its progress and user id kept under tmp_path."""
    return CliRunner().invoke(
        main,
        ["chat", "--db", str(tmp_path / "progress.sqlite3"), *args],
        input=stdin,
        env={"XDG_CONFIG_HOME": str(tmp_path / "config")},
    )


def script(name: str) -> str:
    return str(SCRIPTS / name)


def test_a_whole_quick_routine_ends_in_praise(tmp_path, library):
    result = chat(tmp_path, "--script", script("quick_routine.txt"))
    assert result.exit_code == 0, result.output
    said = turns(result.output)
    assert [t.said for t in said] == [
        "open foot coach",
        "start the quick routine",
        "next",
        "next",
        "next",
        "next",
        "stop",
    ]
    assert said[0].request == "LaunchRequest"
    assert said[1].request == "StartRoutineIntent  routine='quick' -> quick"
    exercises = [item.exercise.name for item in library.routines["quick"].items]
    for turn, exercise in zip(said[1:5], exercises, strict=True):
        assert exercise in turn.heard
        assert "[pause " in turn.heard  # coached with timed silences, not just described
        assert turn.session_open
    assert replies.finished_praise(1) in said[5].heard
    assert said[5].session_open
    assert said[6].request == "AMAZON.StopIntent"
    assert not said[6].session_open


def test_a_question_after_an_exercise_is_heard_through_then_next_goes_on(tmp_path, library):
    """Words said plainly come after the reply has played, as on an Echo: the exercise was
    heard through, so "next" after a question starts the next one, not the same again."""
    result = chat(
        tmp_path, stdin="open foot coach\nstart the quick routine\nhow long is left\nnext\n"
    )
    started, asked, moved_on = turns(result.output)[1:4]
    first, second = (item.exercise.name for item in library.routines["quick"].items[:2])
    assert asked.request == "HowLongIntent"
    assert moved_on.request == "AMAZON.NextIntent"
    opening = moved_on.heard.split(".")[0]  # "Exercise 2 of 4: toe walking"
    assert first in started.heard and second in opening and first not in opening, opening


def test_the_wake_word_is_said_over_the_reply(tmp_path, library):
    """'Alexa, pause' interrupts the exercise while it plays: resume does it again."""
    result = chat(tmp_path, stdin="open foot coach\nstart the quick routine\nalexa pause\nresume\n")
    paused, resumed = turns(result.output)[2:4]
    first, second = (item.exercise.name for item in library.routines["quick"].items[:2])
    assert paused.request == "AMAZON.PauseIntent"
    opening = resumed.heard.split(".")[0]  # "Exercise 1 of 4: toe press"
    assert first in opening and second not in opening, opening


def test_chat_shows_what_each_slot_resolved_to(tmp_path):
    result = chat(
        tmp_path,
        stdin="open foot coach\na ten minute routine for my knees without a band\n"
        "I have half an hour\nI've got a tennis ball\n",
    )
    said = turns(result.output)
    assert said[1].request == (
        "PlanRoutineIntent  minutes='ten' -> 10  area='knees' -> knees  lack='band' -> band"
    )
    assert said[2].request == "PlanRoutineIntent  duration='half an hour' -> PT30M"
    assert said[3].request == "EquipmentIntent  have='tennis ball' -> tennis_ball"


def test_how_to_then_yes_coaches_the_exercise(tmp_path, library):
    result = chat(tmp_path, "--script", script("how_to_then_yes.txt"))
    assert result.exit_code == 0, result.output
    ask, yes, stop = turns(result.output)
    name = library.exercises["ankle_circles"].name
    assert ask.request == "ExerciseHowToIntent  exercise='ankle circles' -> ankle_circles"
    assert name.lower() in ask.heard.lower()
    assert "[pause " not in ask.heard  # explained, not yet coached
    assert ask.session_open
    assert yes.request == "AMAZON.YesIntent"
    assert name.lower() in yes.heard.lower()
    assert "[pause " in yes.heard
    assert not stop.session_open


def test_resume_after_quitting_in_a_new_session(tmp_path, library):
    first = chat(tmp_path, "--script", script("resume_start.txt"))
    assert first.exit_code == 0, first.output
    *_, walked_away = turns(first.output)
    assert walked_away.request == "SessionEndedRequest (USER_INITIATED)"
    user_id = (tmp_path / "config" / "footcoach" / "user-id").read_text()

    second = chat(tmp_path, "--script", script("resume_finish.txt"))
    assert second.exit_code == 0, second.output
    launch, resume, _ = turns(second.output)
    # walking away, the person let the exercise play to its end: done, the next one is next
    done, following = (i.exercise.name for i in library.routines["quick"].items[1:3])
    assert done in launch.heard and following in launch.heard, launch.heard
    assert resume.request == "AMAZON.ResumeIntent"
    assert following in resume.heard.split(".")[0]
    assert (tmp_path / "config" / "footcoach" / "user-id").read_text() == user_id


def test_stopped_mid_exercise_it_is_resumed_from_its_start(tmp_path, library):
    first = chat(tmp_path, stdin="open foot coach\nstart the quick routine\nnext\nalexa stop\n")
    assert first.exit_code == 0, first.output
    second = chat(tmp_path, "--script", script("resume_finish.txt"))
    launch, resume, _ = turns(second.output)
    cut_short = library.routines["quick"].items[1].exercise.name
    assert f"You were on {cut_short}" in launch.heard, launch.heard
    assert resume.heard.startswith(turns(first.output)[2].heard.split(".")[0])


def test_another_user_has_no_place_to_resume(tmp_path):
    first = chat(tmp_path, "--script", script("resume_start.txt"))
    assert first.exit_code == 0, first.output
    someone_else = ("--user", "amzn1.ask.account.SOMEONEELSE")
    other = chat(tmp_path, *someone_else, "--script", script("resume_finish.txt"))
    assert other.exit_code == 0, other.output
    launch, resume, _ = turns(other.output)
    assert launch.heard == turns(first.output)[0].heard  # welcomed as a first-timer
    words = load_words()
    not_in_routine = words.say("replies.not_in_routine", what_now=words.say("replies.what_now"))
    assert not_in_routine in resume.heard


def test_typing_keeps_the_session_and_ctrl_d_ends_it(tmp_path):
    result = chat(tmp_path, stdin="next\nopen foot coach\nstart the quick routine\nrepeat\n")
    assert result.exit_code == 0, result.output
    assert "no session is open" in result.output  # "next" before any session is not sent
    _, start, repeat, ended = turns(result.output)
    assert repeat.heard == start.heard  # the skill found its last prompt in the session
    assert ended.request == "SessionEndedRequest (USER_INITIATED)"
    assert not ended.session_open


def test_stop_goes_to_the_skill_and_quit_then_leaves(tmp_path):
    result = chat(tmp_path, stdin="open foot coach\nstop\nquit\nopen foot coach\n")
    assert result.exit_code == 0, result.output
    _, stop = turns(result.output)  # nothing after "quit": the console has left
    assert stop.request == "AMAZON.StopIntent"
    assert not stop.session_open


def test_slash_quit_leaves_an_open_session(tmp_path):
    result = chat(tmp_path, stdin="open foot coach\n/quit\nnext\n")
    assert [t.request for t in turns(result.output)] == [
        "LaunchRequest",
        "SessionEndedRequest (USER_INITIATED)",
    ]


def test_naming_the_skill_again_starts_a_new_session(tmp_path):
    result = chat(tmp_path, stdin="open foot coach\nask foot coach to list the routines\n")
    requests_sent = [t.request for t in turns(result.output)]
    assert requests_sent == [
        "LaunchRequest",
        "SessionEndedRequest (USER_INITIATED)",
        "ListRoutinesIntent",
        "SessionEndedRequest (USER_INITIATED)",
    ]


def test_a_script_fails_on_an_utterance_that_cannot_be_sent(tmp_path):
    lines = tmp_path / "lost.txt"
    lines.write_text("# nobody opened the skill\nnext\n")
    result = chat(tmp_path, "--script", str(lines))
    assert result.exit_code == 1
    assert "line 2" in result.output
    assert "no session is open" in result.output


def test_a_script_fails_when_the_skill_errors(tmp_path, monkeypatch):
    def broken(self, routine_id, coached=()):
        raise RuntimeError("the engine broke")

    monkeypatch.setattr(Coach, "start", broken)
    result = chat(tmp_path, "--script", script("quick_routine.txt"))
    assert result.exit_code == 1
    assert "line 3" in result.output
    assert "RuntimeError: the engine broke" in result.output


# -- over HTTP ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server(tmp_path) -> Iterator[str]:
    """``footcoach serve --no-verify`` on a free local port; yields its /alexa URL."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "skill.cli",
            "serve",
            "--no-verify",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--db",
            str(tmp_path / "served.sqlite3"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if requests.get(f"{base}/health", timeout=1).ok:
                    break
            except requests.ConnectionError:
                pass
            assert process.poll() is None, process.stderr.read().decode()
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)
        yield f"{base}/alexa"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_url_mode_talks_to_a_running_server(tmp_path, server, library):
    result = chat(tmp_path, "--url", server, "--script", script("how_to_then_yes.txt"))
    assert result.exit_code == 0, result.output
    ask, yes, stop = turns(result.output)
    assert ask.request == "ExerciseHowToIntent  exercise='ankle circles' -> ankle_circles"
    assert library.exercises["ankle_circles"].name.lower() in yes.heard.lower()
    assert "[pause " in yes.heard
    assert not stop.session_open
    assert not (tmp_path / "progress.sqlite3").exists()  # the server kept the progress


@pytest.fixture
def stub() -> Iterator[tuple[str, list[dict], Callable]]:
    """A local endpoint that records requests and answers what the test tells it to."""
    received: list[dict] = []
    answer = {"status": 200, "body": b"{}"}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            received.append(json.loads(self.rfile.read(length)))
            self.send_response(answer["status"])
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(answer["body"])

        def log_message(self, *args: object) -> None:
            pass

    endpoint = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=endpoint.serve_forever, args=(0.05,), daemon=True).start()

    def set_answer(status: int, body: object) -> None:
        answer.update(
            status=status, body=body if isinstance(body, bytes) else json.dumps(body).encode()
        )

    try:
        yield f"http://127.0.0.1:{endpoint.server_port}/alexa", received, set_answer
    finally:
        endpoint.shutdown()
        endpoint.server_close()


OPEN_ANSWER = {
    "version": "1.0",
    "sessionAttributes": {"seen": 1},
    "response": {
        "outputSpeech": {"type": "SSML", "ssml": "<speak>Hi.</speak>"},
        "shouldEndSession": False,
    },
}


def test_url_mode_sends_the_locale_user_and_session_attributes(tmp_path, stub):
    url, received, set_answer = stub
    set_answer(200, OPEN_ANSWER)
    lines = tmp_path / "two.txt"
    lines.write_text("open foot coach\nnext\n")
    result = chat(
        tmp_path,
        "--url",
        url,
        "--locale",
        "en-IN",
        "--user",
        "amzn1.ask.account.X",
        "--script",
        str(lines),
    )
    assert result.exit_code == 0, result.output
    launch, intent, _ = received
    assert [r["request"]["type"] for r in received] == [
        "LaunchRequest",
        "IntentRequest",
        "SessionEndedRequest",
    ]
    assert {r["request"]["locale"] for r in received} == {"en-IN"}
    assert {r["session"]["user"]["userId"] for r in received} == {"amzn1.ask.account.X"}
    assert len({r["session"]["sessionId"] for r in received}) == 1
    assert [r["session"]["new"] for r in received] == [True, False, False]
    assert launch["session"]["attributes"] == {}
    assert intent["session"]["attributes"] == {"seen": 1}
    assert not (tmp_path / "config" / "footcoach" / "user-id").exists()


@pytest.mark.parametrize(
    ("status", "body", "reason"),
    [
        (500, {"error": "boom"}, "answered HTTP 500"),
        (400, {"error": "missing signature"}, "missing signature"),
        (200, b"<html>not json</html>", "not JSON"),
        (200, {"version": "1.0"}, "no response object"),
    ],
)
def test_a_script_fails_on_a_bad_endpoint(tmp_path, stub, status, body, reason):
    url, _, set_answer = stub
    set_answer(status, body)
    result = chat(tmp_path, "--url", url, "--script", script("how_to_then_yes.txt"))
    assert result.exit_code == 1
    assert "line 2" in result.output
    assert reason in result.output


def test_a_script_fails_when_the_endpoint_is_down(tmp_path):
    url = f"http://127.0.0.1:{free_port()}/alexa"
    result = chat(tmp_path, "--url", url, "--script", script("how_to_then_yes.txt"))
    assert result.exit_code == 1
    assert "cannot reach" in result.output
