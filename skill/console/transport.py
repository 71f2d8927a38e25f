"""Where the console's requests go: the skill object in this process, or a running endpoint.

In-process is the default because it needs nothing running and no network: the same
``build_skill`` object the web endpoint and Lambda call, with SQLite progress. ``--url``
sends the same JSON over HTTP instead (to ``footcoach serve --no-verify``, say), which
exercises the web layer too. Either way a failure is a ``SkillError``: an unreachable or
refusing endpoint, or, in-process, an error the skill's catch-all handler turned into an
apology (it logs the error, which is how the console notices it).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import requests
from ask_sdk_model import RequestEnvelope

from skill.alexa.skill_builder import build_skill
from skill.progress import merge
from skill.storage.sqlite import SQLitePersistenceAdapter

#: How long to wait for an endpoint: responses come back at once, the pauses are in the SSML.
HTTP_TIMEOUT_SECONDS = 30.0


class SkillError(RuntimeError):
    """The skill failed, refused the request, or could not be reached."""


class Endpoint(Protocol):
    def send(self, request_envelope: dict[str, Any]) -> Any:
        """Deliver one request envelope; return the response body parsed from JSON."""
        ...


class _ErrorRecords(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            message += f" ({type(exc).__name__}: {exc})"
        self.messages.append(message)


@contextmanager
def _errors_logged(logger_name: str) -> Iterator[list[str]]:
    """The messages of errors logged under ``logger_name`` while the block runs."""
    handler = _ErrorRecords()
    logger = logging.getLogger(logger_name)
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)


class InProcessSkill:
    """The skill object itself, storing progress in a SQLite file."""

    def __init__(self, db_path: Path) -> None:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        self.skill = build_skill(SQLitePersistenceAdapter(db_path, merge=merge))

    def send(self, request_envelope: dict[str, Any]) -> Any:
        serializer = self.skill.serializer
        with _errors_logged("skill") as errors:
            try:
                envelope = serializer.deserialize(json.dumps(request_envelope), RequestEnvelope)
                response = self.skill.invoke(request_envelope=envelope, context=None)
                body = json.loads(json.dumps(serializer.serialize(response)))
            except Exception as exc:  # the SDK raises many types; all mean the turn failed
                raise SkillError(f"the skill raised {type(exc).__name__}: {exc}") from exc
        if errors:
            raise SkillError("the skill logged an error: " + "; ".join(errors))
        return body


class HttpSkill:
    """A running endpoint that accepts unsigned requests (``footcoach serve --no-verify``)."""

    def __init__(self, url: str, timeout_seconds: float = HTTP_TIMEOUT_SECONDS) -> None:
        self.url = url
        self.timeout_seconds = timeout_seconds

    def send(self, request_envelope: dict[str, Any]) -> Any:
        try:
            answer = requests.post(self.url, json=request_envelope, timeout=self.timeout_seconds)
        except requests.RequestException as exc:
            raise SkillError(f"cannot reach {self.url}: {exc}") from exc
        if answer.status_code != 200:
            raise SkillError(
                f"{self.url} answered HTTP {answer.status_code}: {answer.text.strip()[:300]}"
            )
        try:
            return answer.json()
        except ValueError as exc:
            raise SkillError(f"{self.url} answered with something that is not JSON") from exc
