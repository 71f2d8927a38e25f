"""The yardsticks: the smallest ask-sdk-core skill, alone and with one SQLite row per turn.

*hello-world* says "hello" to anything. *hello-world + SQLite* does the same and also reads
the user's row and writes it back (a turn counter) on every turn, through ask-sdk-core's
persistence adapter as Foot Coach does, with the same SQLite settings (one kept connection per
thread, WAL, ``synchronous=NORMAL``) but a plain upsert: what any skill that remembers
something per person pays at least. Neither knows anything of Foot Coach; they are hosted by
a plain Flask route (``bench.apps``) and have the same Lambda-style ``handler`` shape.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import CustomSkillBuilder
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import RequestEnvelope, Response


class HelloHandler(AbstractRequestHandler):
    """Any launch or intent: say hello and keep listening."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("LaunchRequest")(handler_input) or is_request_type("IntentRequest")(
            handler_input
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        return handler_input.response_builder.speak("hello").ask("hello").response


class CountingHelloHandler(HelloHandler):
    """Hello, and one more turn counted in the user's stored row."""

    def handle(self, handler_input: HandlerInput) -> Response:
        attributes = handler_input.attributes_manager
        stored = attributes.persistent_attributes
        attributes.persistent_attributes = {"turns": stored.get("turns", 0) + 1}
        attributes.save_persistent_attributes()
        return super().handle(handler_input)


class PlainSQLite(AbstractPersistenceAdapter):
    """One row per user: SELECT to read, an upsert to write; one connection per thread."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._local = threading.local()
        with sqlite3.connect(path) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS progress (user_key TEXT PRIMARY KEY, attributes TEXT)"
            )
        conn.close()

    def _conn(self) -> sqlite3.Connection:
        held = getattr(self._local, "held", None)
        if held is None or held[0] != os.getpid():
            conn = sqlite3.connect(self.path, timeout=5, isolation_level=None)
            conn.execute("PRAGMA synchronous = NORMAL")
            held = self._local.held = (os.getpid(), conn)
        return held[1]

    @staticmethod
    def _key(request_envelope: RequestEnvelope) -> str:
        return request_envelope.context.system.user.user_id

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        row = (
            self._conn()
            .execute(
                "SELECT attributes FROM progress WHERE user_key = ?", (self._key(request_envelope),)
            )
            .fetchone()
        )
        return {} if row is None else json.loads(row[0])

    def save_attributes(self, request_envelope: RequestEnvelope, attributes: dict) -> None:
        self._conn().execute(
            "INSERT INTO progress VALUES (?, ?)"
            " ON CONFLICT(user_key) DO UPDATE SET attributes = excluded.attributes",
            (self._key(request_envelope), json.dumps(attributes)),
        )

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        self._conn().execute(
            "DELETE FROM progress WHERE user_key = ?", (self._key(request_envelope),)
        )


def build_hello_skill(skill_id: str | None = None) -> CustomSkill:
    builder = CustomSkillBuilder()
    builder.skill_id = skill_id
    builder.add_request_handler(HelloHandler())
    return builder.create()


def build_hello_sqlite_skill(db: str, skill_id: str | None = None) -> CustomSkill:
    builder = CustomSkillBuilder(persistence_adapter=PlainSQLite(db))
    builder.skill_id = skill_id
    builder.add_request_handler(CountingHelloHandler())
    return builder.create()


def _lambda_skill() -> CustomSkill:
    """Built at import, as skill.lambda_function is: with a store if BENCH_HELLO_DB names one."""
    db = os.environ.get("BENCH_HELLO_DB")
    return build_hello_sqlite_skill(db) if db else build_hello_skill()


skill = _lambda_skill()


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The Lambda-style entry point, shaped as skill.lambda_function.handler is."""
    envelope = skill.serializer.deserialize(json.dumps(event), RequestEnvelope)
    return skill.serializer.serialize(skill.invoke(request_envelope=envelope, context=context))
