"""Issue 11's findings about operations: an undone deletion, forged log lines, a vanished file.

- Finding 7: SkillDisabled with the store down was answered 200 ("Sorry, something went
  wrong"), so Alexa never delivered it again and the person's data stayed.
- Finding 8: a newline in a SessionEndedRequest's error message wrote a forged log line.
- Finding 10: a database file deleted while running left an empty file, and every turn
  apologised until a restart.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
from pathlib import Path

import pytest
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope
from echo import Echo
from progress_db import query

from skill.alexa.skill_builder import build_skill
from skill.alexa.skill_events import SkillEventNotDone
from skill.progress import merge
from skill.storage.sqlite import SQLitePersistenceAdapter
from skill.web.app import WebConfig, create_app
from skill.web.logs import EscapingFormatter, escape_for_log


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "progress.sqlite3"


class StoreDown(SQLitePersistenceAdapter):
    """Every read, write and delete fails, as an unreachable database would."""

    def get_attributes(self, request_envelope):
        raise PersistenceException("database is locked")

    def save_attributes(self, request_envelope, attributes):
        raise PersistenceException("database is locked")

    def delete_attributes(self, request_envelope):
        raise PersistenceException("database is locked")


def envelope_of(data: dict) -> RequestEnvelope:
    return DefaultSerializer().deserialize(json.dumps(data), RequestEnvelope)


def _user_hash(echo: Echo) -> tuple[str, str]:
    user_id = echo.envelope({"type": "LaunchRequest"})["context"]["System"]["user"]["userId"]
    return hashlib.sha256(user_id.encode()).hexdigest()[:12], user_id


# -- finding 7 ------------------------------------------------------------------------------------


def test_skill_disabled_with_the_store_down_is_an_error_alexa_retries(db, caplog):
    """On main: HTTP 200 with "Sorry, something went wrong", and the event was never resent."""
    app = create_app(WebConfig(verify=False), skill=build_skill(StoreDown(db, merge=merge)))
    echo = Echo(app.test_client())
    user, user_id = _user_hash(echo)
    with caplog.at_level(logging.ERROR):
        reply = echo.event("AlexaSkillEvent.SkillDisabled")
    assert reply.status == 503
    assert "deliver it again" in reply.body["error"]
    assert not reply.response  # nothing spoken, no apology
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert f"could not delete progress for user {user}" in logged
    assert user_id not in logged


def test_on_lambda_the_undone_deletion_fails_the_invocation(db):
    """skill.invoke raises, as lambda_function.handler calls it: Lambda reports a failed
    invocation, which Alexa resends."""
    skill = build_skill(StoreDown(db, merge=merge))
    data = Echo(None).envelope({"type": "AlexaSkillEvent.SkillDisabled", "body": {}})
    data.pop("session")
    with pytest.raises(SkillEventNotDone):
        skill.invoke(request_envelope=envelope_of(data), context=None)


def test_skill_disabled_with_the_store_up_still_deletes_and_answers_200(db):
    app = create_app(WebConfig(db=str(db), verify=False))
    echo = Echo(app.test_client())
    echo.say("StartRoutineIntent", routine="quick")
    assert query(db, "SELECT user_key FROM progress")
    assert echo.event("AlexaSkillEvent.SkillDisabled").status == 200
    assert query(db, "SELECT user_key FROM progress") == []


# -- finding 8 ------------------------------------------------------------------------------------

FORGED = "[2026-12-02 04:00:00 +0000] [1] [INFO] forged: all data deleted"


@pytest.mark.parametrize("separator", ["\n", "\r", "\r\n", "\u2028", "\x85", "\x1b[2K\r"])
def test_a_log_message_is_always_one_line(separator):
    formatter = EscapingFormatter("%(levelname)s %(message)s")
    arguments = ("INTERNAL_ERROR", f"boom{separator}{FORGED}")
    message = "session ended with an error: %s %s"
    record = logging.LogRecord("h", logging.ERROR, __file__, 1, message, arguments, None)
    line = formatter.format(record)
    assert line.splitlines() == [line]
    assert len(line.split("\u2028")) == 1 and "\x85" not in line and "\x1b" not in line
    assert line.startswith("ERROR session ended with an error: INTERNAL_ERROR boom\\")
    assert escape_for_log(separator) in line


def test_tracebacks_keep_their_lines_but_the_message_is_escaped():
    formatter = EscapingFormatter("%(message)s")
    try:
        raise ValueError("inner")
    except ValueError:
        record = logging.LogRecord(
            "x", logging.ERROR, __file__, 1, "one\ntwo", None, sys.exc_info()
        )
    lines = formatter.format(record).splitlines()
    assert lines[0] == "one\\ntwo"
    assert lines[1].startswith("Traceback")


# -- finding 10 -----------------------------------------------------------------------------------


def _delete_database(db: Path) -> None:
    for path in db.parent.glob(db.name + "*"):  # the file, its -wal and -shm
        os.remove(path)


def test_a_database_deleted_while_running_is_recreated_on_the_next_request(db):
    """On main every later turn failed with "no such table: progress" until a restart."""
    app = create_app(WebConfig(db=str(db), verify=False))
    echo = Echo(app.test_client())
    echo.say("StartRoutineIntent", routine="quick")
    _delete_database(db)

    reply = echo.say("AMAZON.NextIntent")
    assert reply.status == 200
    assert "Sorry" not in reply.text
    assert query(db, "SELECT user_key FROM progress")  # saved in the new file


def test_the_adapter_recreates_the_schema_after_the_file_is_deleted(db):
    adapter = SQLitePersistenceAdapter(db)
    envelope = envelope_of(Echo(None).envelope({"type": "LaunchRequest"}))
    adapter.save_attributes(envelope, {"a": 1})
    _delete_database(db)

    assert adapter.get_attributes(envelope) == {}
    adapter.save_attributes(envelope, {"a": 2})
    assert adapter.get_attributes(envelope) == {"a": 2}
    assert SQLitePersistenceAdapter(db).get_attributes(envelope) == {"a": 2}  # on disk
    adapter.close()


def test_a_deleted_directory_still_fails_loudly(tmp_path):
    """A missing directory is more likely an unmounted volume than a mistake: recreating it
    would write progress to the wrong disk, so that stays an error (tests/test_storage_sqlite)."""
    db = tmp_path / "volume" / "progress.sqlite3"
    adapter = SQLitePersistenceAdapter(db)
    _delete_database(db)
    db.parent.rmdir()
    with pytest.raises(PersistenceException):
        adapter.get_attributes(envelope_of(Echo(None).envelope({"type": "LaunchRequest"})))
