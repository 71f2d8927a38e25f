"""Embedded SQLite storage for users' progress, as an ask-sdk-core persistence adapter.

Why SQLite: it is the default store so that a newcomer can clone the repo and run the
skill on a laptop or a small server with no cloud account, no database server and no
credentials -- progress lives in one file. The adapter implements ask-sdk-core's
``AbstractPersistenceAdapter``, so the SDK's ``AttributesManager`` uses it exactly like
the official DynamoDB adapter and a deployment can swap one for the other.

Why a save is one conditional write, and merges only on conflict:
Alexa can deliver two turns for the same user at nearly the same moment (two devices, a
retry, a timer callback racing a spoken turn), and the web app may serve them from different
threads or gunicorn worker processes. A plain "read at the start of the turn, write at the
end" would let the later writer silently drop a routine the earlier one just completed.
So the adapter remembers the row this thread's turn read and writes with a single
``UPDATE ... WHERE attributes = <what was read>`` (or an ``INSERT`` that does nothing if a
row appeared). If the row is still the one read, the turn's attributes, which it made from
that row, already hold everything stored: they are written as they are, with no merge. If
another turn wrote in between, that write changes nothing, and the save falls back to taking
SQLite's write lock (``BEGIN IMMEDIATE``), re-reading the stored row, merging (``merge``,
supplied by the domain) and committing while no other writer can interleave. A save that
carries only part of a record (``save_part``: one recognised person's) is always merged.
Concurrent writers wait on ``busy_timeout`` instead of failing, and WAL journal mode lets
reads proceed while a write is in progress. In the common case the write lock is held for
one statement, and Python does nothing but encode.

Why a connection per thread: a ``sqlite3.Connection`` must not be shared across threads,
and opening and closing one per operation made SQLite checkpoint and delete the WAL on every
turn, so each thread keeps its own, per process (none crosses a gunicorn fork), dropped after
any error or when the file it opened is no longer the one at ``path`` (``_connection``).

Why every failure becomes ``PersistenceException``: storage trouble (a locked or
unwritable file, a corrupt row) should surface as the SDK's persistence error, which the
skill's exception handler can catch to still say something useful to the user instead
of the request crashing.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_model import RequestEnvelope

from skill.storage.merging import Attributes, MergeFunction, run_merge

__all__ = [
    "DEFAULT_BUSY_TIMEOUT_MS",
    "Attributes",
    "MergeFunction",
    "PartitionKeygen",
    "SQLitePersistenceAdapter",
    "user_id_partition_keygen",
]


PartitionKeygen = Callable[[RequestEnvelope], str]
"""Maps a request to the key its attributes are stored under."""

DEFAULT_BUSY_TIMEOUT_MS = 5000
"""How long a writer waits for another writer's lock before giving up.

Long enough to ride out a concurrent turn's transaction (milliseconds), short enough
that a stuck lock still lets the skill answer within Alexa's response deadline.
"""

_NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
"""SQL for ``updated_at``: UTC, ISO 8601 to the millisecond, sorts lexicographically; made
by SQLite in the statement rather than by Python for every save."""
_UPSERT = (
    f"INSERT INTO progress (user_key, attributes, updated_at) VALUES (?, ?, {_NOW})"
    " ON CONFLICT(user_key) DO UPDATE SET"
    " attributes = excluded.attributes, updated_at = excluded.updated_at"
)
_SELECT = "SELECT attributes FROM progress WHERE user_key = ?"
_INSERT_IF_NONE = (
    f"INSERT INTO progress (user_key, attributes, updated_at) VALUES (?, ?, {_NOW})"
    " ON CONFLICT(user_key) DO NOTHING"
)
_UPDATE_IF_UNCHANGED = (
    f"UPDATE progress SET attributes = ?, updated_at = {_NOW} WHERE user_key = ? AND attributes = ?"
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS progress (
    user_key   TEXT PRIMARY KEY,
    attributes TEXT NOT NULL,
    updated_at TEXT
)
"""


def user_id_partition_keygen(request_envelope: RequestEnvelope) -> str:
    """Return the Alexa user id of the request, the key progress is stored under.

    Equivalent to ``ask_sdk_dynamodb.partition_keygen.user_id_partition_keygen``,
    written here so the default storage never imports AWS libraries (the DynamoDB adapter
    package imports boto3 and needs an AWS region at import time). Keying by user
    (not device) means progress follows the person across their Echo devices.

    :raises PersistenceException: if the request carries no user id.
    """
    try:
        user_id = request_envelope.context.system.user.user_id
    except AttributeError as exc:
        raise PersistenceException(
            "Couldn't retrieve user id from request envelope, for partition key use"
        ) from exc
    if not user_id:
        raise PersistenceException(
            "Couldn't retrieve user id from request envelope, for partition key use"
        )
    return str(user_id)


class SQLitePersistenceAdapter(AbstractPersistenceAdapter):
    """Persist each user's attributes as one JSON row in a local SQLite file.

    This is the zero-setup default store (see the module docstring for the reasoning).
    It is safe to construct one instance per worker process, or several on the same
    file: all coordination happens in SQLite's file locks, not in Python objects.

    :param path: database file; its parent directories and the ``progress`` table are
        created if missing. ``":memory:"`` is not supported (each call opens its own
        connection, so an in-memory database would vanish between calls).
    :param merge: optional ``merge(stored, new)`` called inside the write transaction;
        its result is what gets stored. Supplied by the domain layer so that concurrent
        turns for one user union their completed routines instead of the last write
        winning. Without it, ``save_attributes`` overwrites.
    :param partition_key: maps a request to its row key; defaults to the Alexa user id.
    :param busy_timeout_ms: how long to wait for another writer's lock before failing.
    :raises PersistenceException: if the file or table cannot be created/opened.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        merge: MergeFunction | None = None,
        partition_key: PartitionKeygen = user_id_partition_keygen,
        busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
    ) -> None:
        self.path = Path(path)
        self._file = str(self.path)
        self.merge = merge
        self.partition_key = partition_key
        self.busy_timeout_ms = busy_timeout_ms
        self._local = threading.local()
        self._initialise()

    # -- ask-sdk-core AbstractPersistenceAdapter -------------------------------------

    def get_attributes(self, request_envelope: RequestEnvelope) -> Attributes:
        """Return the user's stored attributes, or ``{}`` for a user never seen before.

        :raises PersistenceException: on a missing user id, a database error, or a
            stored row that is not a JSON object (corruption is reported, not ignored,
            so progress is never silently reset by the next save).
        """
        key = self.partition_key(request_envelope)
        self._local.read = None
        with _Using(self, "read progress") as conn:
            row = conn.execute(_SELECT, (key,)).fetchone()
        text = None if row is None else row[0]
        value = {} if text is None else self._decode(text)
        self._local.read = (key, text)  # what a save this turn writes against
        return value

    def save_attributes(self, request_envelope: RequestEnvelope, attributes: Attributes) -> None:
        """Store the user's whole record, made this turn from what ``get_attributes`` read.

        The common case is one conditional write of ``attributes`` as they are, against the
        row this thread's turn read (see the module docstring): the turn made them from that
        row, so merging would give them back. If another turn wrote since the read, or this
        thread read no row for this user, ``merge(stored, attributes)`` is stored in one
        ``BEGIN IMMEDIATE`` transaction -- take the write lock, read the stored row, merge,
        write, commit -- so a concurrent save for the same user either fully precedes or
        fully follows this one and nothing is lost. Without ``merge`` the row is simply
        replaced (which also repairs a corrupt row).

        :raises PersistenceException: on a missing user id, a database error (e.g. the
            lock could not be obtained within ``busy_timeout_ms``), a corrupt stored row,
            attributes that are not JSON-serialisable, or a failing ``merge``. The stored
            row is left unchanged in every case.
        """
        self._save(request_envelope, attributes, whole=True)

    def save_part(self, request_envelope: RequestEnvelope, part: Attributes) -> None:
        """Store ``merge(stored, part)``: a save that carries only part of the record.

        ``skill.storage.people`` saves one recognised person's record this way; the rest of
        the account's record is not in ``part``, so it is merged even when no other turn
        wrote (against the row read this turn, in one conditional write, as
        ``save_attributes``). Without ``merge``, ``part`` replaces the row.

        :raises PersistenceException: as ``save_attributes``.
        """
        self._save(request_envelope, part, whole=False)

    def _save(self, request_envelope: RequestEnvelope, attributes: Attributes, whole: bool) -> None:
        key = self.partition_key(request_envelope)
        read = getattr(self._local, "read", None)
        self._local.read = None
        with _Using(self, "save progress") as conn:
            if self.merge is not None and read is not None and read[0] == key:
                if whole:
                    payload = self._encode(attributes)
                else:
                    stored = {} if read[1] is None else self._decode(read[1])
                    payload = self._encode(
                        run_merge(self.merge, stored, attributes, str(self.path))
                    )
                if self._write_if_unchanged(conn, key, read[1], payload):
                    return
            conn.execute("BEGIN IMMEDIATE")
            try:
                to_store = attributes
                if self.merge is not None:
                    row = conn.execute(_SELECT, (key,)).fetchone()
                    stored = {} if row is None else self._decode(row[0])
                    to_store = run_merge(self.merge, stored, attributes, str(self.path))
                conn.execute(_UPSERT, (key, self._encode(to_store)))
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    @staticmethod
    def _write_if_unchanged(
        conn: sqlite3.Connection, key: str, read: str | None, payload: str
    ) -> bool:
        """Store ``payload`` if the row is still ``read``; False if another turn wrote.

        One statement, so it is atomic on its own: an ``UPDATE`` guarded by the text that was
        read (``None``: there was no row, so an ``INSERT`` that yields to one that appeared).
        """
        if read is None:
            cursor = conn.execute(_INSERT_IF_NONE, (key, payload))
        else:
            cursor = conn.execute(_UPDATE_IF_UNCHANGED, (payload, key, read))
        return cursor.rowcount == 1

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        """Remove the user's row (used when the user disables the skill).

        Deleting a user with no row is a no-op, so a repeated disable event is harmless.

        :raises PersistenceException: on a missing user id or a database error.
        """
        key = self.partition_key(request_envelope)
        with _Using(self, "delete progress") as conn:
            conn.execute("DELETE FROM progress WHERE user_key = ?", (key,))

    def close(self) -> None:
        """Close this thread's kept connection (a worker shutting down, or a test)."""
        held = getattr(self._local, "held", None)
        if held is not None:
            self._drop(held)

    # -- internals ------------------------------------------------------------------

    def _initialise(self) -> None:
        """Create the directory, the table and switch the file to WAL mode.

        WAL is a persistent property of the database file, so it is set once here rather
        than on every connection; it lets readers proceed while a writer holds the lock.
        """
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PersistenceException(
                f"Cannot create the directory for the progress database {self.path}: {exc}"
            ) from exc
        with _Using(self, "initialise the progress database") as conn:
            self._create_schema(conn)

    def _create_schema(self, conn: sqlite3.Connection) -> None:
        """WAL mode and the ``progress`` table: at start-up, and again if the file vanished."""
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise PersistenceException(
                f"Progress database {self.path} could not switch to WAL mode "
                f"(journal_mode is {mode!r})"
            )
        conn.execute(_SCHEMA)

    def _connection(self) -> sqlite3.Connection:
        """This thread's connection to the database file, kept open between turns.

        Opening and closing a connection per operation made SQLite checkpoint and delete
        the WAL on every turn (three quarters of a turn's server time, bench/RESULTS.md).
        A connection is kept per thread and per process (none crosses a gunicorn fork), and
        is dropped after any error (``_Using``) or when the file at ``path`` is no longer the
        one it opened (moved, deleted, replaced), so nothing is written into an unlinked
        file: looked at before every use, a save too, though its turn's read looked a moment
        before (the file can go in between: tests/test_storage_adapters.py). A deleted file
        is made again with its schema on the next request; a vanished directory (an
        unmounted volume?) fails loudly rather than writing elsewhere.
        ``synchronous=NORMAL`` in WAL mode never corrupts the database; a power cut (not a
        process crash) can lose the last turns.

        ``isolation_level=None`` puts the sqlite3 module in autocommit mode so that the
        explicit ``BEGIN IMMEDIATE`` in ``save_attributes`` is the only transaction
        control; the module's implicit deferred ``BEGIN`` would otherwise let two
        writers both read the old row before either takes the write lock.
        """
        held = getattr(self._local, "held", None)
        pid = os.getpid()
        try:
            identity = (pid, os.stat(self._file).st_ino)
        except OSError:
            identity = None
        if held is not None and (identity is None or held[0] != identity):
            self._drop(held)
            held = None
        if held is None:
            conn = sqlite3.connect(
                self.path, timeout=self.busy_timeout_ms / 1000, isolation_level=None
            )
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
            conn.execute("PRAGMA synchronous = NORMAL")
            if identity is None:  # the file was deleted and SQLite made a new, empty one:
                self._create_schema(conn)  # recover, rather than "no such table" until restart
            held = ((pid, os.stat(self._file).st_ino), conn)
            self._local.held = held
        return held[1]

    def _drop(self, held: tuple[tuple[int, int], sqlite3.Connection]) -> None:
        self._local.held = None
        if held[0][0] == os.getpid():  # never close a connection inherited across a fork
            with contextlib.suppress(sqlite3.Error):
                held[1].close()

    def _encode(self, attributes: Attributes) -> str:
        if not isinstance(attributes, dict):
            raise PersistenceException(
                f"Persistent attributes must be a dict, got {type(attributes).__name__}"
            )
        try:
            return _ENCODER.encode(attributes)
        except (TypeError, ValueError) as exc:
            raise PersistenceException(
                f"Persistent attributes are not JSON-serialisable: {exc}"
            ) from exc

    def _decode(self, text: str) -> Attributes:
        try:
            value = json.loads(text)
        except (TypeError, ValueError) as exc:
            raise PersistenceException(
                f"Stored progress in {self.path} is corrupt (invalid JSON): {exc}"
            ) from exc
        if not isinstance(value, dict):
            raise PersistenceException(
                f"Stored progress in {self.path} is corrupt: expected a JSON object, "
                f"got {type(value).__name__}"
            )
        return value


class _Using:
    """``with _Using(adapter, action) as conn``: this thread's connection, for one action.

    On any error the connection is dropped, and SQLite's errors become the SDK's
    ``PersistenceException`` naming the action, so that storage trouble (a locked or
    unwritable file) reaches the skill's handler as the persistence error it can apologise
    for. A class rather than ``contextlib.contextmanager``: entered once or twice a turn, two
    nested generator-based managers cost a third of the read.
    """

    __slots__ = ("_action", "_adapter")

    def __init__(self, adapter: SQLitePersistenceAdapter, action: str) -> None:
        self._adapter, self._action = adapter, action

    def __enter__(self) -> sqlite3.Connection:
        try:
            return self._adapter._connection()
        except sqlite3.Error as exc:
            raise self._failure(exc) from exc

    def __exit__(self, kind: object, exc: BaseException | None, trace: object) -> None:
        if exc is None:
            return
        held = getattr(self._adapter._local, "held", None)
        if held is not None:
            self._adapter._drop(held)
        if isinstance(exc, sqlite3.Error):
            raise self._failure(exc) from exc

    def _failure(self, exc: sqlite3.Error) -> PersistenceException:
        return PersistenceException(
            f"Could not {self._action} in SQLite database {self._adapter.path}: {exc}"
        )


#: json.dumps(ensure_ascii=False, allow_nan=False), made once rather than at every save.
_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False)
