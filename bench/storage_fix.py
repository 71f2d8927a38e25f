"""A what-if for skill/storage/sqlite.py, measured beside the real adapter (not used by the skill).

Profiling a turn (cProfile over the scripted dialog) puts about three quarters of Foot Coach's
server time in ``SQLitePersistenceAdapter.save_attributes``, in two places:

- ``Connection.close``: every operation opens and closes its own connection, and when the last
  connection to a WAL database closes, SQLite checkpoints the WAL into the database and
  deletes it, with its fsyncs, on every turn;
- ``COMMIT``: in WAL mode the default ``synchronous=FULL`` fsyncs the WAL on every commit.

This subclass changes only that: one connection per thread (and per process, so none crosses a
gunicorn fork), kept open, with ``synchronous=NORMAL``, which in WAL mode still never corrupts
the database and can lose only the last turns' progress on a power cut, not on a crash of the
process. Transactions, the merge and error handling are the real adapter's.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter

from skill.progress import merge
from skill.storage.sqlite import SQLitePersistenceAdapter


class KeptConnectionSQLiteAdapter(SQLitePersistenceAdapter):
    """The real adapter, with one long-lived connection per thread and process."""

    def __init__(self, path: str | os.PathLike[str], **kwargs) -> None:
        self._local = threading.local()
        super().__init__(path, **kwargs)

    @contextlib.contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        held = getattr(self._local, "held", None)
        if held is None or held[0] != os.getpid():
            connection = sqlite3.connect(
                self.path, timeout=self.busy_timeout_ms / 1000, isolation_level=None
            )
            connection.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
            connection.execute("PRAGMA synchronous = NORMAL")
            held = self._local.held = (os.getpid(), connection)
        yield held[1]


def open_kept_connection_storage(path: str | Path) -> AbstractPersistenceAdapter:
    """What ``open_storage(path)`` returns, with the proposed connection handling."""
    return KeptConnectionSQLiteAdapter(Path(path), merge=merge)
