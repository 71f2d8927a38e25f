"""What only the DynamoDB adapter has: optimistic concurrency, the official table layout,
DynamoDB's limits, timeouts, and the ``dynamodb://`` setting.

Everything that both backends must do is in test_storage_adapters.py. These tests talk to
moto over HTTP on 127.0.0.1 (see ``dynamo_server``), never to AWS.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_model import RequestEnvelope
from dynamo_server import (
    FAKE_AWS_ENVIRONMENT,
    REGION,
    UNSET_AWS_ENVIRONMENT,
    LocalDynamoDB,
    running_dynamodb,
)
from storage_backends import USER_A, DynamoBackend, envelope, union_completions

from skill import progress
from skill.alexa.interceptors import NOT_LOADED
from skill.alexa.skill_builder import build_skill
from skill.storage import StorageSettingError, open_storage
from skill.storage.dynamodb import (
    DEFAULT_ATTEMPTS,
    DEFAULT_CONNECT_TIMEOUT_SECONDS,
    DEFAULT_READ_TIMEOUT_SECONDS,
    DynamoDbAdapter,
    DynamoDbPersistenceAdapter,
)
from skill.storage.sqlite import user_id_partition_keygen

ALEXA_DEADLINE_SECONDS = 8


@pytest.fixture(scope="session")
def dynamo_server() -> Iterator[LocalDynamoDB]:
    with running_dynamodb() as server:
        yield server


@pytest.fixture
def dynamo(dynamo_server: LocalDynamoDB) -> DynamoBackend:
    """A fresh table on the session's local DynamoDB."""
    return DynamoBackend(dynamo_server)


@pytest.fixture
def fake_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials and no AWS config files, for tests that start no server."""
    for name in UNSET_AWS_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    for name, value in FAKE_AWS_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)


def official(dynamo: DynamoBackend) -> Any:
    """The official ASK adapter on the same table, as another deployment might run it."""
    return DynamoDbAdapter(
        dynamo.table, dynamodb_resource=dynamo.resource, partition_keygen=user_id_partition_keygen
    )


# -- the table layout: the official adapter's ---------------------------------------------


def test_item_is_the_official_layout_plus_a_revision(dynamo: DynamoBackend) -> None:
    adapter = dynamo.adapter(merge=union_completions)

    adapter.save_attributes(envelope(), {"completed": ["a"], "streak": 3})

    item = dynamo.raw_item(USER_A)
    assert item is not None and set(item) == {"id", "attributes", "revision"}
    assert item["id"] == USER_A and item["attributes"] == {"completed": ["a"], "streak": 3}
    assert official(dynamo).get_attributes(envelope()) == {"completed": ["a"], "streak": 3}


def test_a_record_written_by_the_official_adapter_is_read_and_merged(
    dynamo: DynamoBackend,
) -> None:
    adapter = dynamo.adapter(merge=union_completions)  # creates the table
    official(dynamo).save_attributes(envelope(), {"completed": ["a"], "streak": 1})
    assert "revision" not in (dynamo.raw_item(USER_A) or {})

    assert adapter.get_attributes(envelope()) == {"completed": ["a"], "streak": 1}
    adapter.save_attributes(envelope(), {"completed": ["a", "b"], "streak": 2})

    assert adapter.get_attributes(envelope()) == {"completed": ["a", "b"], "streak": 2}
    assert "revision" in (dynamo.raw_item(USER_A) or {})
    adapter.save_part(envelope(), {"completed": ["c"], "streak": 3})
    assert adapter.get_attributes(envelope()) == {"completed": ["a", "b", "c"], "streak": 3}


def test_a_save_after_a_read_is_one_conditional_write_with_no_merge(
    dynamo: DynamoBackend,
) -> None:
    merges: list[Any] = []

    def counted(stored: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
        merges.append(new)
        return union_completions(stored, new)

    adapter = dynamo.adapter(merge=counted)
    adapter.save_attributes(envelope(), {"completed": ["a"]})
    calls: list[str] = []
    adapter.dynamodb.meta.client.meta.events.register(
        "before-call.dynamodb", lambda model, **_: calls.append(model.name)
    )
    stored = adapter.get_attributes(envelope())
    merges.clear()
    made = {"completed": [*stored["completed"], "b"], "streak": 2}
    adapter.save_attributes(envelope(), made)

    assert calls == ["GetItem", "PutItem"] and merges == []
    assert adapter.get_attributes(envelope()) == made


@pytest.mark.parametrize("save", ["whole", "part"])
def test_a_write_between_a_turns_read_and_save_is_merged_not_lost(
    dynamo: DynamoBackend, save: str
) -> None:
    first = dynamo.adapter(merge=union_completions)
    other = dynamo.adapter(merge=union_completions)
    first.save_attributes(envelope(), {"completed": ["a"]})
    seen = first.get_attributes(envelope())["completed"]
    other_seen = other.get_attributes(envelope())["completed"]
    other.save_attributes(envelope(), {"completed": [*other_seen, "other device"]})
    if save == "whole":
        first.save_attributes(envelope(), {"completed": [*seen, "this device"]})
    else:
        first.save_part(envelope(), {"completed": ["this device"]})

    assert other.get_attributes(envelope()) == {"completed": ["a", "other device", "this device"]}


# -- optimistic concurrency ------------------------------------------------------------


def test_a_write_between_read_and_write_is_caught_and_merged_again(dynamo: DynamoBackend) -> None:
    """The other device saves while this save is merging: its write is not overwritten."""
    other_device = dynamo.adapter(merge=union_completions)
    other_device.save_attributes(envelope(), {"completed": ["a"]})
    seen: list[dict[str, Any]] = []

    def merge(stored: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
        seen.append(stored)
        if len(seen) == 1:
            other_device.save_attributes(envelope(), {"completed": ["other"]})
        return union_completions(stored, new)

    dynamo.adapter(merge=merge).save_attributes(envelope(), {"completed": ["b"]})

    assert seen == [{"completed": ["a"]}, {"completed": ["a", "other"]}]
    assert other_device.get_attributes(envelope()) == {"completed": ["a", "b", "other"]}


def test_a_delete_and_recreate_between_read_and_write_is_caught(dynamo: DynamoBackend) -> None:
    """A record deleted and written afresh meanwhile never passes for the one that was read."""
    other = dynamo.adapter()
    other.save_attributes(envelope(), {"completed": ["old"]})
    seen: list[dict[str, Any]] = []

    def merge(stored: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
        seen.append(stored)
        if len(seen) == 1:
            other.delete_attributes(envelope())  # the person disabled the skill...
            other.save_attributes(envelope(), {"completed": ["fresh"]})  # ...and came back
        return union_completions(stored, new)

    dynamo.adapter(merge=merge).save_attributes(envelope(), {"completed": ["b"]})

    assert seen == [{"completed": ["old"]}, {"completed": ["fresh"]}]
    assert other.get_attributes(envelope()) == {"completed": ["b", "fresh"]}


def test_gives_up_after_a_bounded_number_of_conflicts(dynamo: DynamoBackend) -> None:
    other = dynamo.adapter()
    other.save_attributes(envelope(), {"completed": ["a"]})
    calls: list[int] = []

    def merge(stored: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
        calls.append(1)
        other.save_attributes(envelope(), {"completed": [f"other-{len(calls)}"]})
        return union_completions(stored, new)

    adapter = DynamoDbPersistenceAdapter(
        dynamo.table, dynamo.resource, merge=merge, max_save_attempts=3
    )

    with pytest.raises(PersistenceException, match="3 times in a row"):
        adapter.save_attributes(envelope(), {"completed": ["b"]})

    assert len(calls) == 3
    assert other.get_attributes(envelope()) == {"completed": ["other-3"]}  # not overwritten


# -- DynamoDB's limits and failures ----------------------------------------------------


def test_an_item_over_400_kb_is_refused_and_the_stored_one_kept(dynamo: DynamoBackend) -> None:
    adapter = dynamo.adapter(merge=union_completions)
    adapter.save_attributes(envelope(), {"completed": ["a"]})
    stored = adapter.get_attributes(envelope())

    with pytest.raises(PersistenceException, match="size"):
        adapter.save_attributes(envelope(), {"completed": ["b"], "notes": "x" * 410_000})

    assert adapter.get_attributes(envelope()) == stored


@pytest.mark.parametrize("corrupt", ["a string", ["a", "list"]], ids=["string", "list"])
def test_a_stored_value_that_is_not_a_map_is_reported_not_overwritten(
    dynamo: DynamoBackend, corrupt: Any
) -> None:
    merging = dynamo.adapter(merge=union_completions)
    dynamo.resource.Table(dynamo.table).put_item(Item={"id": USER_A, "attributes": corrupt})

    with pytest.raises(PersistenceException, match="corrupt"):
        merging.get_attributes(envelope())
    # A merging save must not silently discard what it cannot read...
    with pytest.raises(PersistenceException, match="corrupt"):
        merging.save_attributes(envelope(), {"completed": ["b"]})
    assert (dynamo.raw_item(USER_A) or {}).get("attributes") == corrupt
    # ...while a plain overwrite replaces it.
    dynamo.adapter().save_attributes(envelope(), {"completed": ["b"]})
    assert merging.get_attributes(envelope()) == {"completed": ["b"]}


def test_a_missing_table_raises_persistence_exception(dynamo: DynamoBackend) -> None:
    adapter = DynamoDbPersistenceAdapter(
        "no-such-table", dynamo.resource, merge=progress.merge, create_table=False
    )

    with pytest.raises(PersistenceException):
        adapter.get_attributes(envelope())
    with pytest.raises(PersistenceException, match="no-such-table"):
        adapter.save_attributes(envelope(), {"completed": ["a"]})
    with pytest.raises(PersistenceException):
        adapter.delete_attributes(envelope())


@pytest.fixture
def hung_endpoint() -> Iterator[str]:
    """A port that accepts connections (the kernel's backlog) and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


def test_a_hung_dynamodb_still_lets_the_turn_answer_in_time(
    fake_aws: None, hung_endpoint: str
) -> None:
    """With the production timeouts, a turn against a store that never answers apologises,
    says the step, and is done well inside Alexa's 8 seconds."""
    adapter = open_storage(f"dynamodb://progress?region={REGION}&endpoint={hung_endpoint}")
    skill = build_skill(adapter)
    request = skill.serializer.deserialize(
        json.dumps(
            {
                "version": "1.0",
                "session": {"new": True, "sessionId": "s", "user": {"userId": USER_A}},
                "context": {"System": {"user": {"userId": USER_A}}},
                "request": {
                    "type": "IntentRequest",
                    "requestId": "r",
                    "timestamp": "2026-11-22T09:00:05Z",
                    "locale": "en-US",
                    "intent": {"name": "StartRoutineIntent"},
                },
            }
        ),
        RequestEnvelope,
    )

    started = time.monotonic()
    response = skill.invoke(request_envelope=request, context=None).response
    elapsed_seconds = time.monotonic() - started

    assert response.output_speech.ssml.startswith(f"<speak>{NOT_LOADED}")
    assert "<break" in response.output_speech.ssml  # the step itself, with its pauses
    assert elapsed_seconds < ALEXA_DEADLINE_SECONDS / 2


# -- the setting ---------------------------------------------------------------------------


def test_setting_with_every_option(dynamo_server: LocalDynamoDB) -> None:
    table = "footcoach-progress.test_1"
    adapter = open_storage(
        f"dynamodb://{table}?region=eu-west-1&endpoint={dynamo_server.endpoint}"
        "&create_table=true&connect_timeout_seconds=0.5&read_timeout_seconds=3&attempts=4"
    )

    assert isinstance(adapter, DynamoDbPersistenceAdapter)
    assert adapter.table_name == table and adapter.merge is progress.merge
    client = adapter.dynamodb.meta.client
    assert client.meta.region_name == "eu-west-1"
    assert client.meta.endpoint_url == dynamo_server.endpoint
    config = client.meta.config
    assert (config.connect_timeout, config.read_timeout) == (0.5, 3.0)
    assert config.retries["total_max_attempts"] == 4
    assert table in client.list_tables()["TableNames"]  # create_table made it


def test_setting_defaults_are_short_and_create_nothing(fake_aws: None) -> None:
    adapter = open_storage("dynamodb://footcoach-progress?region=eu-west-1")

    client = adapter.dynamodb.meta.client
    assert client.meta.endpoint_url == "https://dynamodb.eu-west-1.amazonaws.com"
    assert adapter.create_table is False  # so no request was made
    config = client.meta.config
    assert config.connect_timeout == DEFAULT_CONNECT_TIMEOUT_SECONDS
    assert config.read_timeout == DEFAULT_READ_TIMEOUT_SECONDS
    assert config.retries["total_max_attempts"] == DEFAULT_ATTEMPTS
    worst_request_seconds = DEFAULT_ATTEMPTS * (
        DEFAULT_CONNECT_TIMEOUT_SECONDS + DEFAULT_READ_TIMEOUT_SECONDS
    ) + (DEFAULT_ATTEMPTS - 1)  # botocore's standard backoff: under a second per retry
    assert worst_request_seconds < ALEXA_DEADLINE_SECONDS


def test_region_may_come_from_the_environment(
    fake_aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-southeast-2")  # as Lambda sets it

    adapter = open_storage("dynamodb://footcoach-progress")

    assert adapter.dynamodb.meta.client.meta.region_name == "ap-southeast-2"


def test_no_region_anywhere_is_a_setting_error(
    fake_aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION")

    with pytest.raises(StorageSettingError, match="region"):
        open_storage("dynamodb://footcoach-progress")


@pytest.mark.parametrize(
    ("setting", "complaint"),
    [
        ("dynamodb://", "TABLE"),
        ("dynamodb://ab?region=eu-west-1", "TABLE"),
        ("dynamodb://bad@table?region=eu-west-1", "TABLE"),
        ("dynamodb://progress/extra?region=eu-west-1", "TABLE"),
        ("dynamodb://progress?regoin=eu-west-1", "unknown option"),
        ("dynamodb://progress?region=eu-west-1&region=us-east-1", "repeated option"),
        ("dynamodb://progress?region=eu-west-1&attempts=0", "attempts must be a positive"),
        ("dynamodb://progress?read_timeout_seconds=soon", "read_timeout_seconds must be"),
        ("dynamodb://progress?create_table=maybe", "create_table must be true or false"),
        ("dynamodb://progress?region", "bad query"),
        ("mysql://localhost/progress", "dynamodb://TABLE"),
    ],
)
def test_malformed_settings_are_rejected(fake_aws: None, setting: str, complaint: str) -> None:
    with pytest.raises(StorageSettingError, match=complaint):
        open_storage(setting)
