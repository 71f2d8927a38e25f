"""Where progress is kept, chosen by one setting (``--db`` or ``FOOTCOACH_DB``).

A plain path (or ``sqlite:///path``) is the embedded SQLite file, so a newcomer runs the
skill with no cloud account; ``dynamodb://TABLE?region=…&endpoint=…`` is the shared store
for several web workers or Lambda functions. Every adapter stores what
``skill.progress.merge`` makes of the stored and the new record, so concurrent turns
never lose a completed routine.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter

from skill.progress import merge
from skill.storage.sqlite import SQLitePersistenceAdapter

DYNAMODB_OPTIONS = {
    "region": "AWS region; when absent, AWS_DEFAULT_REGION (Lambda sets it) or the AWS config",
    "endpoint": "URL of a DynamoDB-compatible server (DynamoDB Local, moto) instead of AWS",
    "create_table": "true to create the table if it is missing (default false)",
    "connect_timeout_seconds": "seconds to wait for a connection",
    "read_timeout_seconds": "seconds to wait for an answer",
    "attempts": "tries per request, the first included",
}
"""The query parameters a ``dynamodb://`` setting understands, and what each means.

The timeouts and attempts default to the short ones in ``skill.storage.dynamodb``.
"""
_NUMBER_OPTIONS = {"connect_timeout_seconds": float, "read_timeout_seconds": float, "attempts": int}

_TABLE_NAME = re.compile(r"[A-Za-z0-9_.-]{3,255}")
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


class StorageSettingError(ValueError):
    """The storage setting cannot be understood."""


def open_storage(setting: str | Path) -> AbstractPersistenceAdapter:
    """The persistence adapter a storage setting names.

    :raises StorageSettingError: if the setting is malformed.
    :raises PersistenceException: if ``create_table`` is asked for and fails.
    """
    text = str(setting)
    if text.startswith("sqlite:///"):
        return SQLitePersistenceAdapter(Path(text.removeprefix("sqlite:///")), merge=merge)
    if text.startswith("dynamodb://"):
        return _open_dynamodb(text)
    if "://" in text:
        raise StorageSettingError(
            f"unknown storage {text!r}: use a file path, sqlite:///path or dynamodb://TABLE"
        )
    return SQLitePersistenceAdapter(Path(text), merge=merge)


def _open_dynamodb(url: str) -> AbstractPersistenceAdapter:
    """``dynamodb://TABLE?region=…&endpoint=…`` (options in ``DYNAMODB_OPTIONS``)."""
    # Imported here so that boto3 loads only for a DynamoDB setting.
    from botocore.exceptions import NoRegionError

    from skill.storage.dynamodb import DynamoDbPersistenceAdapter, dynamodb_resource

    parts = urlsplit(url)
    table = parts.netloc
    if not _TABLE_NAME.fullmatch(table) or parts.path not in ("", "/"):
        raise StorageSettingError(
            f"bad DynamoDB setting {url!r}: expected dynamodb://TABLE?region=REGION, where "
            "TABLE is 3 to 255 letters, digits, '_', '-' or '.'"
        )
    try:
        query = parse_qs(parts.query, keep_blank_values=True, strict_parsing=bool(parts.query))
    except ValueError as exc:
        raise StorageSettingError(f"bad query in DynamoDB setting {url!r}: {exc}") from exc
    unknown = sorted(set(query) - set(DYNAMODB_OPTIONS))
    repeated = sorted(name for name, values in query.items() if len(values) > 1)
    if unknown or repeated:
        raise StorageSettingError(
            f"bad DynamoDB setting {url!r}: "
            + (f"unknown option(s) {', '.join(unknown)}; " if unknown else "")
            + (f"repeated option(s) {', '.join(repeated)}; " if repeated else "")
            + f"known options: {', '.join(DYNAMODB_OPTIONS)}"
        )
    options = {name: values[0] for name, values in query.items()}
    numbers = {
        name: _positive(name, options[name], kind)
        for name, kind in _NUMBER_OPTIONS.items()
        if name in options
    }
    try:
        resource = dynamodb_resource(
            options.get("region") or None, options.get("endpoint") or None, **numbers
        )
    except NoRegionError as exc:
        raise StorageSettingError(
            f"DynamoDB setting {url!r} names no region and none is configured: "
            "add ?region=REGION or set AWS_DEFAULT_REGION"
        ) from exc
    return DynamoDbPersistenceAdapter(
        table, resource, merge=merge, create_table=_flag(options, "create_table")
    )


def _positive(name: str, text: str, kind: type[int] | type[float]) -> float:
    try:
        value = kind(text)
    except ValueError:
        value = 0
    if not value > 0:
        raise StorageSettingError(
            f"DynamoDB option {name} must be a positive {kind.__name__}, not {text!r}"
        )
    return value


def _flag(options: dict[str, str], name: str) -> bool:
    text = options.get(name, "false").lower()
    if text not in _TRUE | _FALSE:
        raise StorageSettingError(f"DynamoDB option {name} must be true or false, not {text!r}")
    return text in _TRUE
