"""A speaker's first answer loads only what a speaker needs: the rest waits for its request.

Cold start (a new Lambda container, a new worker) is mostly imports. The Reminders API client
(``requests``), the APL models and the screens are loaded by the requests that use them, and
those requests still get them. Checked in a new interpreter, as a container starts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

from echo import REQUESTS

ROOT = Path(__file__).resolve().parent.parent
LATER = (
    "requests",
    "ask_sdk_model.interfaces.alexa.presentation.apl",
    "skill.alexa.screens",
    "isodate",  # a plan's length
    "zoneinfo",  # a reminder's time zone
    "html",
    "logging",  # the skill logs only when something goes wrong
    "hashlib",  # OpenSSL's: a pseudonym in an error log; the content fingerprint is zlib's
)
PROBE = """
import json, sys
from skill.lambda_function import handler
loaded_at_start = {{m: m in sys.modules for m in {later!r}}}
answer = handler(json.loads(sys.argv[1]), None)
print(json.dumps({{"start": loaded_at_start,
                  "after": {{m: m in sys.modules for m in {later!r}}},
                  "answer": answer}}))
"""


def first_answer(event: dict, tmp_path: Path) -> dict:
    env = {
        **os.environ,
        "FOOTCOACH_DB": str(tmp_path / "start.sqlite3"),
        "FOOTCOACH_SKILL_ID": event["context"]["System"]["application"]["applicationId"],
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(later=LATER), json.dumps(event)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout)


def test_a_speakers_launch_loads_no_api_client_apl_or_screens(tmp_path: Path) -> None:
    seen = first_answer(json.loads((REQUESTS / "launch.json").read_text()), tmp_path)
    assert not any(seen["start"].values()), seen["start"]
    assert not any(seen["after"].values()), seen["after"]
    assert "Foot Coach" in seen["answer"]["response"]["outputSpeech"]["ssml"]


def test_a_screen_device_still_gets_its_screen(tmp_path: Path) -> None:
    from devices import APL_INTERFACE, SHOW_VIEWPORT

    event = json.loads((REQUESTS / "launch.json").read_text())
    system = event["context"]["System"]
    system["device"].setdefault("supportedInterfaces", {})["Alexa.Presentation.APL"] = APL_INTERFACE
    event["context"]["Viewports"] = [SHOW_VIEWPORT]
    seen = first_answer(event, tmp_path)
    assert not any(seen["start"].values()), seen["start"]
    assert seen["after"]["skill.alexa.screens"]
    assert not seen["after"]["requests"]
    kinds = [d["type"] for d in seen["answer"]["response"].get("directives", [])]
    assert "Alexa.Presentation.APL.RenderDocument" in kinds


def test_the_api_client_is_made_on_the_first_call_and_kept(monkeypatch) -> None:
    from skill.alexa import api_client, timed_api_client

    made = []

    class Recording:
        def __init__(self) -> None:
            made.append(self)

        def invoke(self, request):
            return ("answered", request)

    monkeypatch.setattr(timed_api_client, "TimedApiClient", Recording)
    client = api_client.AlexaApiClient()
    assert made == []
    first, second = (
        SimpleNamespace(url=f"https://api.amazonalexa.com/v1/{n}") for n in ("first", "second")
    )
    assert client.invoke(first) == ("answered", first)
    assert client.invoke(second) == ("answered", second)
    assert len(made) == 1


def test_the_real_client_times_out_every_call() -> None:
    from ask_sdk_model.services import ApiClientRequest

    from skill.alexa.timed_api_client import (
        CONNECT_TIMEOUT_SECONDS,
        READ_TIMEOUT_SECONDS,
        TimedApiClient,
    )

    method = TimedApiClient()._resolve_method(ApiClientRequest(method="GET", url="http://x"))
    assert method.keywords["timeout"] == (CONNECT_TIMEOUT_SECONDS, READ_TIMEOUT_SECONDS)


def test_ssml_escaping_is_html_escape_without_quotes() -> None:
    import html

    from skill.engine.ssml import escape_text

    for text in ["a & b < c > d \"q\" 's'", "&amp;", "<<>>&&", "", "toe press"]:
        assert escape_text(text) == html.escape(text, quote=False)


def test_a_lazy_logger_is_the_named_logger(caplog) -> None:
    import logging

    from skill.lazy_log import logger

    log = logger("skill.alexa.somewhere")
    with caplog.at_level(logging.WARNING, logger="skill.alexa.somewhere"):
        log.warning("storage is %s", "down")
        try:
            raise OSError("disk")
        except OSError:
            log.exception("could not save")
    assert [(r.name, r.levelname, r.getMessage()) for r in caplog.records] == [
        ("skill.alexa.somewhere", "WARNING", "storage is down"),
        ("skill.alexa.somewhere", "ERROR", "could not save"),
    ]
    assert caplog.records[1].exc_info[0] is OSError
    assert log.name == "skill.alexa.somewhere"
