"""DynamoDB storage for users' progress: the official ASK adapter, made safe for concurrent turns.

Why DynamoDB: when the skill runs as several web workers or Lambda functions, they need one
shared store that scales with the number of users and needs no server of ours. The table
layout is the official ``ask-sdk-dynamodb-persistence-adapter``'s (partition key ``id``, the
attributes as one map under ``attributes``), so a table written by the official adapter is
read unchanged, and the official class still does the reads, the deletes and the table
creation.

Why ``save_attributes`` is overridden: the official save is a blind ``put_item``. Two devices
on one account can finish routines at the same moment; each turn read the record at its
start, so whichever ``put_item`` lands second silently drops the other's completion. DynamoDB
cannot hold a lock across a read and a write the way SQLite's ``BEGIN IMMEDIATE`` does, so
the save uses optimistic concurrency instead: every item carries a ``revision`` token, and a
write is conditional on the revision still being the one read (``attribute_not_exists`` when
no item was read, or one written by the official adapter). A turn's save is the record it
made from what it read, so it is one conditional ``put_item`` against that read's revision,
with no merge. If another turn wrote in between, DynamoDB rejects the write with
``ConditionalCheckFailedException``, and the save reads the item (strongly consistent), lets
``merge(stored, new)`` combine it with the new attributes and writes again, a bounded number
of times; a save without a read this turn, or of part of a record (``save_part``), starts
there. The token is random rather than a counter, so an item deleted and re-created between
the read and the write can never look unchanged. Only saves through this class are checked: a
blind ``put_item`` from elsewhere (the official adapter itself) still overwrites.

Numbers: boto3 hands back DynamoDB numbers as ``Decimal`` and refuses ``float``, so the
attributes go in as JSON (integers stay integers, other numbers become ``Decimal``) and come
back as ``int`` or ``float``. What is not JSON (a set, NaN) is refused, as SQLite refuses it.

Item size: DynamoDB refuses any item over 400 KB (attribute names plus values, in UTF-8);
such a save raises ``PersistenceException`` and the stored item is left as it was. A progress
record stays far below that: ``skill.progress`` keeps recent completions one by one and folds
older ones into a count (``Earlier``), and keeps ``MAX_SESSION_DATES`` session days, so years
of daily use are a few KB (a write of a few units, not the 96 it took at 1,000 completions).

Time: Alexa gives a skill 8 seconds to answer, and a turn reads once and saves once, so
``dynamodb_resource`` sets short connect and read timeouts and few attempts; when DynamoDB is
down or slow the turn fails fast and the skill still says the step, with an apology.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import boto3
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_model import RequestEnvelope
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from skill.storage.merging import Attributes, MergeFunction, run_merge
from skill.storage.sqlite import PartitionKeygen, user_id_partition_keygen

__all__ = [
    "DEFAULT_ATTEMPTS",
    "DEFAULT_CONNECT_TIMEOUT_SECONDS",
    "DEFAULT_MAX_SAVE_ATTEMPTS",
    "DEFAULT_READ_TIMEOUT_SECONDS",
    "DynamoDbAdapter",
    "DynamoDbPersistenceAdapter",
    "dynamodb_resource",
]

log = logging.getLogger(__name__)

DEFAULT_CONNECT_TIMEOUT_SECONDS = 1.0
DEFAULT_READ_TIMEOUT_SECONDS = 1.0
DEFAULT_ATTEMPTS = 2
"""Tries per DynamoDB request, the first included.

DynamoDB answers in milliseconds, so a request that has not connected in a second or answered
in a second is stuck. Two tries of at most two seconds each, with botocore's backoff of under
a second between them, fail a request within about five seconds; a turn whose read fails does
not save, so when DynamoDB is down or hung the turn still answers inside Alexa's 8 seconds.
(botocore's own default for DynamoDB is ten retries with a 60-second read timeout.)
"""

DEFAULT_MAX_SAVE_ATTEMPTS = 5
"""How often a save reads, merges and writes again after another turn wrote first.

Each retry means a concurrent turn for the same person saved in between; more than a few in
a row means something is writing in a loop, and the save gives up rather than spin.
"""

_CONFLICT_BACKOFF_SECONDS = 0.02
_CONDITION_FAILED = "ConditionalCheckFailedException"


def _official_adapter_class() -> type:
    """Import ``ask_sdk_dynamodb.adapter.DynamoDbAdapter`` on any machine.

    Its constructor's default argument ``boto3.resource("dynamodb")`` is evaluated on import,
    which raises ``NoRegionError`` where no AWS region is configured (a laptop running the
    tests; a server whose region is in the storage setting). That default resource is never
    used here, as every adapter is given its own, so the import runs with a throwaway default
    session that names a region, and boto3's default session is put back afterwards.
    """
    saved = boto3.DEFAULT_SESSION
    try:
        if boto3.session.Session().region_name is None:
            boto3.DEFAULT_SESSION = boto3.session.Session(region_name="us-east-1")
        from ask_sdk_dynamodb.adapter import DynamoDbAdapter
    finally:
        boto3.DEFAULT_SESSION = saved
    return DynamoDbAdapter


DynamoDbAdapter = _official_adapter_class()
"""The official ``ask_sdk_dynamodb.adapter.DynamoDbAdapter``, importable without a region."""


def dynamodb_resource(
    region: str | None = None,
    endpoint_url: str | None = None,
    *,
    connect_timeout_seconds: float = DEFAULT_CONNECT_TIMEOUT_SECONDS,
    read_timeout_seconds: float = DEFAULT_READ_TIMEOUT_SECONDS,
    attempts: int = DEFAULT_ATTEMPTS,
) -> Any:
    """A boto3 DynamoDB resource that gives up quickly enough for a voice turn.

    :param region: AWS region; ``None`` uses boto3's usual lookup (``AWS_DEFAULT_REGION``,
        which Lambda sets, then the AWS config file).
    :param endpoint_url: a DynamoDB-compatible server (DynamoDB Local, moto) instead of AWS.
    :param attempts: tries per request, the first included (botocore's
        ``total_max_attempts``, standard retry mode).
    :raises botocore.exceptions.NoRegionError: if no region is given or configured.
    """
    config = Config(
        connect_timeout=connect_timeout_seconds,
        read_timeout=read_timeout_seconds,
        retries={"mode": "standard", "total_max_attempts": attempts},
    )
    return boto3.resource("dynamodb", region_name=region, endpoint_url=endpoint_url, config=config)


class DynamoDbPersistenceAdapter(DynamoDbAdapter):
    """The official DynamoDB adapter whose save merges instead of overwriting.

    Reads are the official class's (kept with their revision), deletes and table creation
    are its own; ``save_attributes`` is a conditional write against the revision read this
    turn, and a read -> merge -> conditional write when another turn wrote first (see the
    module docstring). Any number of instances, in any number of processes, may share a
    table: all coordination happens in DynamoDB's conditional writes.

    :param table_name: the DynamoDB table, partition key ``id`` (a string).
    :param dynamodb_resource: from :func:`dynamodb_resource`; required, so that no request
        ever goes to a region or endpoint nobody chose.
    :param merge: ``merge(stored, new)``, whose result is stored; ``stored`` is ``{}`` when
        the user has no item. Without it, ``save_attributes`` overwrites.
    :param partition_keygen: maps a request to its item key; defaults to the Alexa user id.
    :param create_table: create the table if it does not exist (for local servers and
        first runs; in production the table is usually made with the rest of the stack).
    :param max_save_attempts: how many read-merge-writes a save tries before giving up.
    :raises PersistenceException: if ``create_table`` is set and creating the table fails.
    """

    def __init__(
        self,
        table_name: str,
        dynamodb_resource: Any,
        merge: MergeFunction | None = None,
        partition_keygen: PartitionKeygen = user_id_partition_keygen,
        create_table: bool = False,
        max_save_attempts: int = DEFAULT_MAX_SAVE_ATTEMPTS,
        partition_key_name: str = "id",
        attribute_name: str = "attributes",
        revision_attribute_name: str = "revision",
    ) -> None:
        if max_save_attempts < 1:
            raise ValueError("max_save_attempts must be at least 1")
        super().__init__(
            table_name,
            partition_key_name=partition_key_name,
            attribute_name=attribute_name,
            create_table=create_table,
            partition_keygen=partition_keygen,
            dynamodb_resource=dynamodb_resource,
        )
        self.merge = merge
        self.max_save_attempts = max_save_attempts
        self.revision_attribute_name = revision_attribute_name
        self._local = threading.local()  # (key, revision) this thread's turn read

    # -- ask-sdk-core AbstractPersistenceAdapter -------------------------------------

    def get_attributes(self, request_envelope: RequestEnvelope) -> Attributes:
        """Return the user's stored attributes, or ``{}`` for a user never seen before.

        The official adapter's strongly consistent read, keeping the item's revision for a
        save this turn.

        :raises PersistenceException: on a missing user id, a DynamoDB error, or a stored
            value that is not a map (reported, so the next save cannot silently reset it).
        """
        self._local.read = None
        key = self.partition_keygen(request_envelope)
        with self._errors("get attributes from"):
            item = self._item(self.dynamodb.Table(self.table_name), key)
        attributes = self._stored_attributes(item.get(self.attribute_name, {}))
        self._local.read = (key, item.get(self.revision_attribute_name))
        return attributes

    def save_attributes(self, request_envelope: RequestEnvelope, attributes: Attributes) -> None:
        """Store the user's whole record, made this turn from what ``get_attributes`` read.

        One conditional write against the revision read (see the module docstring); if
        another turn wrote since, or nothing was read this turn, read-merge-write.

        :raises PersistenceException: on a missing user id, a DynamoDB error (including an
            item over 400 KB), a stored value that is not a map, attributes that are not
            JSON, a failing ``merge``, or other turns writing first ``max_save_attempts``
            times in a row. The stored item is left unchanged in every case.
        """
        key = self.partition_keygen(request_envelope)
        read = getattr(self._local, "read", None)
        self._local.read = None
        table = self.dynamodb.Table(self.table_name)
        if self.merge is not None and read is not None and read[0] == key:
            with self._errors("save attributes to"):
                if self._put(table, key, _to_dynamodb(attributes), read[1]):
                    return
            log.debug("progress changed by another turn since it was read; merging")
        self._merge_and_write(table, key, attributes)

    def save_part(self, request_envelope: RequestEnvelope, part: Attributes) -> None:
        """Store ``merge(stored, part)``: a save that carries only part of the record.

        ``skill.storage.people`` saves one recognised person's record this way: always read,
        merged and written (conditionally, again on a conflict), since the rest of the record
        is not in ``part``.
        """
        self._local.read = None
        self._merge_and_write(
            self.dynamodb.Table(self.table_name), self.partition_keygen(request_envelope), part
        )

    def _merge_and_write(self, table: Any, key: str, attributes: Attributes) -> None:
        for attempt in range(self.max_save_attempts):
            if attempt:
                log.debug("progress changed by another turn while saving; merging again")
                time.sleep(random.uniform(0, _CONFLICT_BACKOFF_SECONDS * 2**attempt))
            with self._errors("save attributes to"):
                if self._write(table, key, attributes):
                    return
        raise PersistenceException(
            f"Could not save attributes to DynamoDB table {self.table_name}: other turns "
            f"changed them {self.max_save_attempts} times in a row"
        )

    # delete_attributes and table creation: the official class's, unchanged.

    # -- internals ------------------------------------------------------------------

    def _item(self, table: Any, key: str) -> dict[str, Any]:
        """The stored item (strongly consistent), ``{}`` if there is none."""
        found = table.get_item(Key={self.partition_key_name: key}, ConsistentRead=True)
        return found.get("Item") or {}

    def _write(self, table: Any, key: str, attributes: Attributes) -> bool:
        """One read-merge-write; ``False`` if another turn wrote since the read."""
        if self.merge is None:
            table.put_item(Item=self._new_item(key, _to_dynamodb(attributes)))
            return True
        stored_item = self._item(table, key)
        merged = run_merge(
            self.merge,
            self._stored_attributes(stored_item.get(self.attribute_name, {})),
            attributes,
            f"DynamoDB table {self.table_name}",
        )
        return self._put(
            table, key, _to_dynamodb(merged), stored_item.get(self.revision_attribute_name)
        )

    def _new_item(self, key: str, value: dict[str, Any]) -> dict[str, Any]:
        """The item that stores ``value`` for ``key``, with a new revision token."""
        return {
            self.partition_key_name: key,
            self.revision_attribute_name: uuid.uuid4().hex,
            self.attribute_name: value,
        }

    def _put(self, table: Any, key: str, value: dict[str, Any], seen: Any) -> bool:
        """Write ``value`` if the item's revision is still ``seen``; ``False`` if it moved.

        ``seen`` None: no item was read, or one without a revision (the official adapter's).
        """
        condition = (
            {"ConditionExpression": "attribute_not_exists(#revision)"}
            if seen is None
            else {
                "ConditionExpression": "#revision = :seen",
                "ExpressionAttributeValues": {":seen": seen},
            }
        )
        try:
            table.put_item(
                Item=self._new_item(key, value),
                ExpressionAttributeNames={"#revision": self.revision_attribute_name},
                **condition,
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == _CONDITION_FAILED:
                return False
            raise
        return True

    def _stored_attributes(self, value: Any) -> Attributes:
        if not isinstance(value, dict):
            raise PersistenceException(
                f"Stored progress in DynamoDB table {self.table_name} is corrupt: expected "
                f"a map, got {type(value).__name__}"
            )
        return _from_dynamodb(value)

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        """Translate boto3 errors into the SDK's ``PersistenceException``."""
        try:
            yield
        except (BotoCoreError, ClientError) as exc:
            raise PersistenceException(
                f"Could not {action} DynamoDB table {self.table_name}: {exc}"
            ) from exc


def _to_dynamodb(attributes: Attributes) -> dict[str, Any]:
    """JSON attributes as boto3 writes them: non-integer numbers as ``Decimal``."""
    if not isinstance(attributes, dict):
        raise PersistenceException(
            f"Persistent attributes must be a dict, got {type(attributes).__name__}"
        )
    try:
        text = json.dumps(attributes, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise PersistenceException(
            f"Persistent attributes are not JSON-serialisable: {exc}"
        ) from exc
    return json.loads(text, parse_float=Decimal)


def _from_dynamodb(value: Any) -> Any:
    """What boto3 read, as plain JSON values: ``Decimal`` becomes ``int`` or ``float``."""
    if isinstance(value, dict):
        return {k: _from_dynamodb(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_dynamodb(v) for v in value]
    if isinstance(value, set):  # only in items written by other code: sets are not JSON
        return sorted((_from_dynamodb(v) for v in value), key=str)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value
