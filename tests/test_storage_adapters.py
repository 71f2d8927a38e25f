"""One persistence suite, run against every storage backend: SQLite and DynamoDB.

The DynamoDB runs go over HTTP to moto on 127.0.0.1 (see ``dynamo_server``), so what is
tested is the adapter boto3 really drives: conditional writes, item limits, a server that
goes away. Whatever a deployment picks with its one storage setting, a person's progress
must round-trip, follow them across devices without losing a routine, disappear when they
disable the skill, and never cost them their step when storage is down.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter, AttributesManager
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_model import RequestEnvelope
from dynamo_server import LocalDynamoDB, running_dynamodb
from storage_backends import (
    USER_A,
    USER_B,
    Backend,
    DynamoBackend,
    SQLiteBackend,
    envelope,
    union_completions,
)

from skill import progress
from skill.alexa.interceptors import NOT_LOADED, NOT_SAVED
from skill.alexa.skill_builder import build_skill
from skill.progress import MAX_COMPLETIONS, RECENT_COMPLETIONS, Progress
from skill.replies import DISCLAIMER

DYNAMODB_ITEM_LIMIT_BYTES = 400 * 1024
INTENT_REQUEST = Path(__file__).parent / "requests" / "intent.json"


@pytest.fixture(scope="session")
def dynamo_server() -> Iterator[LocalDynamoDB]:
    with running_dynamodb() as server:
        yield server


@pytest.fixture(params=["sqlite", "dynamodb"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    """Each test once on a fresh SQLite file and once on a fresh DynamoDB table."""
    if request.param == "sqlite":
        return SQLiteBackend(tmp_path)
    return DynamoBackend(request.getfixturevalue("dynamo_server"))


# -- save, load, delete ---------------------------------------------------------------


def test_round_trip_keeps_values_and_types(backend: Backend) -> None:
    adapter = backend.adapter()
    attributes = {
        "completed": ["toe-spread"],
        "streak": 3,
        "pace": 0.75,
        "heard": True,
        "position": None,
        "note": "",
        "settings": {"pace": "slow", "sides": [], "big": 2**53},
    }

    adapter.save_attributes(envelope(), attributes)

    loaded = adapter.get_attributes(envelope())
    assert loaded == attributes
    # DynamoDB numbers come back as int or float, never Decimal: the record stays JSON.
    assert type(loaded["streak"]) is int and type(loaded["pace"]) is float
    assert json.loads(json.dumps(loaded)) == attributes


def test_unknown_user_gets_empty_dict(backend: Backend) -> None:
    adapter = backend.adapter()
    adapter.save_attributes(envelope(USER_A), {"streak": 1})

    assert adapter.get_attributes(envelope("amzn1.ask.account.NEVER-SEEN")) == {}


def test_unicode_values_round_trip(backend: Backend) -> None:
    adapter = backend.adapter()
    attributes = {"name": "Zoë", "note": "足のストレッチ ✅", "emoji": "🦶", "ß": "straße"}

    adapter.save_attributes(envelope(), attributes)

    assert adapter.get_attributes(envelope()) == attributes


def test_users_are_isolated(backend: Backend) -> None:
    adapter = backend.adapter()

    adapter.save_attributes(envelope(USER_A), {"completed": ["a"]})
    adapter.save_attributes(envelope(USER_B), {"completed": ["b"]})

    assert adapter.get_attributes(envelope(USER_A)) == {"completed": ["a"]}
    assert adapter.get_attributes(envelope(USER_B)) == {"completed": ["b"]}
    assert backend.stored_keys() == {USER_A, USER_B}


def test_delete_removes_the_user_and_is_idempotent(backend: Backend) -> None:
    adapter = backend.adapter()
    adapter.save_attributes(envelope(USER_A), {"streak": 2})
    adapter.save_attributes(envelope(USER_B), {"streak": 5})

    adapter.delete_attributes(envelope(USER_A))
    adapter.delete_attributes(envelope(USER_A))  # a repeated disable event is harmless

    assert adapter.get_attributes(envelope(USER_A)) == {}
    assert adapter.get_attributes(envelope(USER_B)) == {"streak": 5}
    assert backend.stored_keys() == {USER_B}


def test_overwrites_without_merge(backend: Backend) -> None:
    adapter = backend.adapter()
    adapter.save_attributes(envelope(), {"completed": ["a"], "streak": 1})

    adapter.save_attributes(envelope(), {"completed": ["b"]})

    assert adapter.get_attributes(envelope()) == {"completed": ["b"]}


def test_another_adapter_on_the_same_store_sees_the_data(backend: Backend) -> None:
    backend.adapter().save_attributes(envelope(), {"completed": ["a"]})

    assert backend.adapter().get_attributes(envelope()) == {"completed": ["a"]}


def test_works_with_the_sdk_attributes_manager(backend: Backend) -> None:
    adapter = backend.adapter()
    manager = AttributesManager(envelope(), persistence_adapter=adapter)

    manager.persistent_attributes = {"completed": ["heel-raise"]}
    manager.save_persistent_attributes()
    assert AttributesManager(envelope(), adapter).persistent_attributes == {
        "completed": ["heel-raise"]
    }

    manager.delete_persistent_attributes()
    assert adapter.get_attributes(envelope()) == {}


def test_custom_partition_key(backend: Backend) -> None:
    adapter = backend.adapter(partition_key=lambda env: "fixed-key")

    adapter.save_attributes(envelope(USER_A), {"streak": 1})

    assert backend.stored_keys() == {"fixed-key"}
    assert adapter.get_attributes(envelope(USER_B)) == {"streak": 1}


def test_open_storage_setting_gives_a_merging_adapter(backend: Backend) -> None:
    """The one production setting opens this backend with ``progress.merge`` installed."""
    adapter = backend.open()
    earlier, later = Progress(), Progress()
    earlier.record_completion("quick", date(2026, 11, 20))
    later.record_completion("full", date(2026, 11, 21))

    adapter.save_attributes(envelope(), earlier.to_json())
    adapter.save_attributes(envelope(), later.to_json())

    stored = Progress.from_json(adapter.get_attributes(envelope()))
    assert [c.routine_id for c in stored.completions] == ["quick", "full"]


# -- the item size ---------------------------------------------------------------------


def large_progress(completions: int, start: date = date(2023, 1, 1)) -> Progress:
    """Years of daily use: a completion and a session day for every day."""
    record = Progress(disclaimer_heard=True, last_routine="full")
    record.position = {"routine_id": "full", "part": 3, "set": 2, "side": "left"}
    for day in range(completions):
        record.record_completion("full" if day % 2 else "quick", start + timedelta(days=day))
    return record


def test_years_of_daily_use_make_a_small_record_that_round_trips(backend: Backend) -> None:
    """Every turn reads the record and every saving turn writes it whole: it must not grow.

    Years of daily use keep RECENT_COMPLETIONS completions one by one and fold the rest into
    a count and the streak's run, so the record a turn writes is a few KB (it was 96 KB at
    1,000 completions), and what the skill says about them is unchanged.
    """
    adapter = backend.open()
    years = large_progress(1200)
    record = years.to_json()
    assert len(record["completions"]) == RECENT_COMPLETIONS
    assert len(json.dumps(record).encode()) < 8 * 1024
    last_day = date(2023, 1, 1) + timedelta(days=1199)

    adapter.save_attributes(envelope(), record)

    stored = adapter.get_attributes(envelope())
    assert stored == record
    again = Progress.from_json(stored)
    assert again.completed == 1200
    assert again.streak_days(last_day) == 1200  # every day for 1200 days, folded or not


def test_a_version_3_record_of_years_is_folded_when_next_saved(backend: Backend) -> None:
    """A record stored one completion at a time (schema 3) reads whole and is saved small."""
    adapter = backend.open()
    days = [date(2023, 1, 1) + timedelta(days=n) for n in range(1000)]
    old = {
        "schema_version": 3,
        "disclaimer_heard": True,
        "completions": [
            {"id": f"{n:032x}", "routine_id": "quick", "day": day.isoformat()}
            for n, day in enumerate(days)
        ],
        "session_days": [day.isoformat() for day in days[-400:]],
    }
    adapter.save_attributes(envelope(), old)

    loaded = Progress.from_json(adapter.get_attributes(envelope()))
    loaded.record_completion("quick", days[-1] + timedelta(days=1))
    adapter.save_attributes(envelope(), loaded.to_json())

    stored = adapter.get_attributes(envelope())
    assert len(json.dumps(stored)) < len(json.dumps(old)) / 10
    after = Progress.from_json(stored)
    assert after.completed == 1001
    assert after.streak_days(days[-1] + timedelta(days=1)) == 1001


def test_a_forged_record_of_completions_in_one_week_stays_bounded(backend: Backend) -> None:
    """However many completions one week holds, a record keeps MAX_COMPLETIONS one by one."""
    adapter = backend.open()
    record = Progress()
    for n in range(MAX_COMPLETIONS * 5):
        record.record_completion("quick", date(2026, 11, 20) + timedelta(days=n % 3))
    saved = record.to_json()
    assert len(saved["completions"]) == MAX_COMPLETIONS
    assert len(json.dumps(saved).encode()) < DYNAMODB_ITEM_LIMIT_BYTES / 10

    adapter.save_attributes(envelope(), saved)

    assert Progress.from_json(adapter.get_attributes(envelope())).completed == MAX_COMPLETIONS * 5


# -- merge -----------------------------------------------------------------------------


def test_merge_receives_stored_and_new_and_its_result_is_stored(backend: Backend) -> None:
    calls: list[tuple[dict[str, Any], dict[str, Any]]] = []

    def merge(stored: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
        calls.append((stored, new))
        return union_completions(stored, new)

    adapter = backend.adapter(merge=merge)
    adapter.save_attributes(envelope(), {"completed": ["a"], "streak": 1})
    adapter.save_attributes(envelope(), {"completed": ["b"], "streak": 2})

    assert calls == [
        ({}, {"completed": ["a"], "streak": 1}),  # {} when nothing is stored
        ({"completed": ["a"], "streak": 1}, {"completed": ["b"], "streak": 2}),
    ]
    assert adapter.get_attributes(envelope()) == {"completed": ["a", "b"], "streak": 2}


def test_failing_merge_raises_persistence_exception_and_keeps_data(backend: Backend) -> None:
    def broken_merge(stored: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
        raise KeyError("boom")

    backend.adapter().save_attributes(envelope(), {"completed": ["a"]})
    adapter = backend.adapter(merge=broken_merge)

    with pytest.raises(PersistenceException, match="Merging progress") as info:
        adapter.save_attributes(envelope(), {"completed": ["b"]})

    assert isinstance(info.value.__cause__, KeyError)
    assert adapter.get_attributes(envelope()) == {"completed": ["a"]}


def test_merge_returning_non_dict_is_rejected(backend: Backend) -> None:
    adapter = backend.adapter(merge=lambda stored, new: None)  # type: ignore[arg-type,return-value]

    with pytest.raises(PersistenceException, match="must return a dict"):
        adapter.save_attributes(envelope(), {"completed": ["a"]})
    assert adapter.get_attributes(envelope()) == {}


# -- two devices of one account, at the same moment -------------------------------------


def finish_at_once(
    devices: list[AbstractPersistenceAdapter], user: str, routines: list[str]
) -> list[BaseException]:
    """Each device loads the progress, waits for the others, then saves its new completion.

    All loads happen before any save, so every device saves a record that lacks the
    others' completions: only the merge at save time can keep them all.
    """
    barrier = threading.Barrier(len(devices))
    errors: list[BaseException] = []

    def finish(device: AbstractPersistenceAdapter, routine: str) -> None:
        try:
            record = Progress.from_json(device.get_attributes(envelope(user)))
            barrier.wait(timeout=10)
            record.record_completion(routine, date(2026, 11, 22))
            device.save_attributes(envelope(user), record.to_json())
        except BaseException as exc:  # surfaced to the test
            errors.append(exc)

    threads = [
        threading.Thread(target=finish, args=(device, routine))
        for device, routine in zip(devices, routines, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return errors


def test_two_devices_finishing_at_the_same_moment_both_count(backend: Backend) -> None:
    # Each adapter stands for a separate worker or Lambda instance: its own connections.
    kitchen = backend.adapter(merge=progress.merge)
    bedroom = backend.adapter(merge=progress.merge)

    for attempt in range(10):
        user = f"amzn1.ask.account.RACE{attempt}"
        before = Progress(disclaimer_heard=True)
        earlier = before.record_completion("full", date(2026, 11, 21))
        kitchen.save_attributes(envelope(user), before.to_json())

        assert finish_at_once([kitchen, bedroom], user, ["quick", "ankle"]) == []

        stored = Progress.from_json(bedroom.get_attributes(envelope(user)))
        assert sorted(c.routine_id for c in stored.completions) == ["ankle", "full", "quick"]
        assert earlier in stored.completions
        assert stored.streak_days(date(2026, 11, 22)) == 2


# -- errors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "request_envelope",
    [envelope(user_id=None), RequestEnvelope(version="1.0"), envelope(user_id="")],
    ids=["no-user", "no-context", "empty-user-id"],
)
def test_missing_user_id_raises_persistence_exception(
    backend: Backend, request_envelope: RequestEnvelope
) -> None:
    adapter = backend.adapter()

    with pytest.raises(PersistenceException, match="user id"):
        adapter.get_attributes(request_envelope)
    with pytest.raises(PersistenceException, match="user id"):
        adapter.save_attributes(request_envelope, {"streak": 1})
    with pytest.raises(PersistenceException, match="user id"):
        adapter.delete_attributes(request_envelope)
    assert backend.stored_keys() == set()


def test_unserialisable_attributes_raise_and_keep_data(backend: Backend) -> None:
    adapter = backend.adapter()
    adapter.save_attributes(envelope(), {"completed": ["a"]})

    with pytest.raises(PersistenceException, match="JSON-serialisable"):
        adapter.save_attributes(envelope(), {"completed": {"a", "b"}})  # a set
    with pytest.raises(PersistenceException, match="JSON-serialisable"):
        adapter.save_attributes(envelope(), {"score": float("nan")})

    assert adapter.get_attributes(envelope()) == {"completed": ["a"]}


# -- through the skill: disabling it, and storage that is down ---------------------------


def start_routine(user: str, *, new_session: bool = True) -> str:
    """'Alexa, ask Foot Coach to start the quick routine' as Alexa sends it, as JSON."""
    body = json.loads(INTENT_REQUEST.read_text())
    body["session"]["new"] = new_session
    body["session"]["user"]["userId"] = body["context"]["System"]["user"]["userId"] = user
    return json.dumps(body)


def skill_disabled(user: str) -> str:
    """The event Alexa sends when the person disables the skill (outside any session)."""
    return json.dumps(
        {
            "version": "1.0",
            "context": {
                "System": {
                    "application": {"applicationId": "amzn1.ask.skill.test"},
                    "user": {"userId": user},
                }
            },
            "request": {
                "type": "AlexaSkillEvent.SkillDisabled",
                "requestId": "amzn1.echo-api.request.disable",
                "timestamp": "2026-11-22T09:30:00Z",
                "body": {"userId": user, "userInformationPersistenceStatus": "NOT_PERSISTED"},
            },
        }
    )


def say(adapter: AbstractPersistenceAdapter, request_json: str) -> str:
    """Invoke the real skill in-process; the SSML the person hears."""
    skill = build_skill(adapter)
    request = skill.serializer.deserialize(request_json, RequestEnvelope)
    response = skill.invoke(request_envelope=request, context=None).response
    ssml = getattr(response.output_speech, "ssml", "") if response.output_speech else ""
    return ssml


def a_regular(adapter: AbstractPersistenceAdapter, user: str) -> dict[str, Any]:
    """Store the record of someone who has used the skill for a few days."""
    record = Progress(disclaimer_heard=True, last_routine="quick")
    for day in (19, 20, 21):
        record.record_completion("quick", date(2026, 11, day))
    adapter.save_attributes(envelope(user), record.to_json())
    return adapter.get_attributes(envelope(user))


def test_disabling_the_skill_deletes_what_is_stored(backend: Backend) -> None:
    adapter = backend.open()
    a_regular(adapter, USER_A)
    a_regular(adapter, USER_B)

    say(adapter, skill_disabled(USER_A))

    assert adapter.get_attributes(envelope(USER_A)) == {}
    assert backend.stored_keys() == {USER_B}
    # Coming back later is a fresh start: the safety disclaimer is heard again.
    assert escape(DISCLAIMER) in say(adapter, start_routine(USER_A))


def test_storage_down_the_step_is_still_heard_and_nothing_is_lost(
    backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    adapter = backend.open()
    stored = a_regular(adapter, USER_A)
    # What a person with no saved progress hears when storage works: the same step.
    healthy = say(adapter, start_routine("amzn1.ask.account.NEWCOMER"))

    with backend.unreachable(), caplog.at_level(logging.ERROR):
        heard = say(adapter, start_routine(USER_A))

    assert heard == healthy.replace("<speak>", f"<speak>{NOT_LOADED}", 1)
    assert "could not load progress" in caplog.text
    assert adapter.get_attributes(envelope(USER_A)) == stored  # nothing saved over it

    # Storage back: the next turn saves as usual, on top of the intact record.
    heard_again = say(adapter, start_routine(USER_A))
    assert NOT_LOADED not in heard_again and NOT_SAVED not in heard_again
    after = Progress.from_json(adapter.get_attributes(envelope(USER_A)))
    assert after.completions == Progress.from_json(stored).completions
    assert stored["position"] is None and after.position is not None
    assert "2026-11-22" in after.session_days  # the day of this turn


class GoesDownAfterLoading(AbstractPersistenceAdapter):
    """The real adapter, but the store becomes unreachable between the load and the save."""

    def __init__(self, backend: Backend, adapter: AbstractPersistenceAdapter) -> None:
        self.adapter = adapter
        self.backend = backend
        self.outage: Any = None

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        attributes = self.adapter.get_attributes(request_envelope)
        self.outage = self.backend.unreachable()
        self.outage.__enter__()
        return attributes

    def save_attributes(self, request_envelope: RequestEnvelope, attributes: dict) -> None:
        self.adapter.save_attributes(request_envelope, attributes)

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        self.adapter.delete_attributes(request_envelope)

    def recover(self) -> None:
        if self.outage is not None:
            self.outage.__exit__(None, None, None)


def test_storage_lost_mid_turn_the_step_is_heard_with_an_apology(
    backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    adapter = backend.open()
    stored = a_regular(adapter, USER_A)
    a_regular(adapter, USER_B)
    # What the same regular hears when storage works.
    healthy = say(adapter, start_routine(USER_B, new_session=False))
    flaky = GoesDownAfterLoading(backend, adapter)

    try:
        with caplog.at_level(logging.ERROR):
            heard = say(flaky, start_routine(USER_A, new_session=False))
    finally:
        flaky.recover()

    assert flaky.outage is not None  # the load happened, then the store went away
    assert heard == healthy.replace("<speak>", f"<speak>{NOT_SAVED}", 1)
    assert "could not save progress" in caplog.text
    assert adapter.get_attributes(envelope(USER_A)) == stored
