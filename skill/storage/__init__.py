"""Where progress is kept, chosen by one setting (``--db`` or ``FOOTCOACH_DB``).

A plain path (or ``sqlite:///path``) is the embedded SQLite file, so a newcomer runs the
skill with no cloud account; ``dynamodb://TABLE?region=…&endpoint=…`` is the shared store
for several web workers or Lambda functions. Every adapter stores what
``skill.progress.merge`` makes of the stored and the new record, so concurrent turns
never lose a completed routine.
"""

from __future__ import annotations

from pathlib import Path

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter

from skill.progress import merge
from skill.storage.sqlite import SQLitePersistenceAdapter


class StorageSettingError(ValueError):
    """The storage setting cannot be understood."""


def open_storage(setting: str | Path) -> AbstractPersistenceAdapter:
    """The persistence adapter a storage setting names."""
    text = str(setting)
    if text.startswith("sqlite:///"):
        return SQLitePersistenceAdapter(Path(text.removeprefix("sqlite:///")), merge=merge)
    if "://" in text:
        raise StorageSettingError(f"unknown storage {text!r}: use a file path or sqlite:///path")
    return SQLitePersistenceAdapter(Path(text), merge=merge)
