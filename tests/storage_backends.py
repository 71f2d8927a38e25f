"""The storage backends the persistence tests run against, behind one small interface.

Each backend makes adapters on a fresh store (a new SQLite file, a new DynamoDB table), can
list the keys really stored (bypassing the adapter), can open the store the way production
does (``open_storage`` with the one setting), and can make the store unreachable for a while.
A test module's ``backend`` fixture runs each test once against each.
"""

from __future__ import annotations

import contextlib
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_model import Application, Context, RequestEnvelope, User
from ask_sdk_model.interfaces.system import SystemState
from dynamo_server import REGION, LocalDynamoDB

from skill.storage import open_storage
from skill.storage.dynamodb import DynamoDbPersistenceAdapter, dynamodb_resource
from skill.storage.sqlite import SQLitePersistenceAdapter, user_id_partition_keygen

USER_A = "amzn1.ask.account.AAAA"
USER_B = "amzn1.ask.account.BBBB"

Merge = Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]]

# Short enough that a stopped server fails a request in about a second, not botocore's
# default of ten retries.
TEST_TIMEOUTS = "connect_timeout_seconds=1&read_timeout_seconds=2&attempts=2"


def envelope(user_id: str | None = USER_A) -> RequestEnvelope:
    """A minimal but real request envelope for ``user_id`` (no user when None)."""
    user = None if user_id is None else User(user_id=user_id)
    return RequestEnvelope(
        version="1.0",
        context=Context(
            system=SystemState(
                user=user,
                application=Application(application_id="amzn1.ask.skill.test"),
            )
        ),
    )


def union_completions(stored: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Stand-in for the domain merge: keep the new attributes, union ``completed``."""
    merged = {**stored, **new}
    merged["completed"] = sorted(set(stored.get("completed", [])) | set(new.get("completed", [])))
    return merged


class SQLiteBackend:
    """A fresh SQLite file; unreachable = its directory moved away."""

    name = "sqlite"

    def __init__(self, tmp_path: Path) -> None:
        self.data_dir = tmp_path / "data"
        self.path = self.data_dir / "progress.sqlite3"

    def adapter(
        self, merge: Merge | None = None, partition_key: Callable[..., str] | None = None
    ) -> AbstractPersistenceAdapter:
        return SQLitePersistenceAdapter(
            self.path, merge=merge, partition_key=partition_key or user_id_partition_keygen
        )

    def open(self) -> AbstractPersistenceAdapter:
        return open_storage(f"sqlite:///{self.path}")

    def stored_keys(self) -> set[str]:
        with contextlib.closing(sqlite3.connect(self.path)) as conn:
            return {key for (key,) in conn.execute("SELECT user_key FROM progress")}

    @contextlib.contextmanager
    def unreachable(self) -> Iterator[None]:
        hidden = self.data_dir.with_name("data-hidden")
        self.data_dir.rename(hidden)
        try:
            yield
        finally:
            hidden.rename(self.data_dir)


class DynamoBackend:
    """A fresh table on the local DynamoDB server; unreachable = the server stopped."""

    name = "dynamodb"

    def __init__(self, server: LocalDynamoDB) -> None:
        assert server.endpoint.startswith("http://127.0.0.1:")  # never real AWS
        self.server = server
        self.table = f"progress-{uuid.uuid4().hex[:12]}"
        self.resource = dynamodb_resource(
            REGION,
            server.endpoint,
            connect_timeout_seconds=1,
            read_timeout_seconds=2,
            attempts=2,
        )
        self.setting = (
            f"dynamodb://{self.table}?region={REGION}&endpoint={server.endpoint}"
            f"&create_table=true&{TEST_TIMEOUTS}"
        )

    def adapter(
        self, merge: Merge | None = None, partition_key: Callable[..., str] | None = None
    ) -> DynamoDbPersistenceAdapter:
        return DynamoDbPersistenceAdapter(
            self.table,
            self.resource,
            merge=merge,
            partition_keygen=partition_key or user_id_partition_keygen,
            create_table=True,
        )

    def open(self) -> AbstractPersistenceAdapter:
        return open_storage(self.setting)

    def stored_keys(self) -> set[str]:
        items = self.resource.Table(self.table).scan(ConsistentRead=True)["Items"]
        return {item["id"] for item in items}

    def raw_item(self, key: str) -> dict[str, Any] | None:
        table = self.resource.Table(self.table)
        return table.get_item(Key={"id": key}, ConsistentRead=True).get("Item")

    @contextlib.contextmanager
    def unreachable(self) -> Iterator[None]:
        self.server.stop()
        try:
            yield
        finally:
            self.server.start()


Backend = SQLiteBackend | DynamoBackend
