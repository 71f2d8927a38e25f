"""What only the SQLite adapter has: the file, WAL, its locks, several processes.

Everything that every backend must do (round trips, merge, two devices at once, missing
user ids, storage down during a turn) is in test_storage_adapters.py, run against SQLite
and DynamoDB alike. These use real files under ``tmp_path`` because the properties tested
here -- atomic merge under SQLite's write lock, lock handling, survival across processes --
only exist at the level of SQLite's file locks.
"""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.exceptions import PersistenceException
from storage_backends import USER_A, USER_B, envelope, union_completions

from skill.storage.sqlite import (
    SQLitePersistenceAdapter,
    user_id_partition_keygen,
)


def raw_rows(path: Path) -> dict[str, tuple[str, str | None]]:
    """Read the table directly, bypassing the adapter, to check what is really stored."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT user_key, attributes, updated_at FROM progress").fetchall()
    conn.close()
    return {key: (attrs, updated) for key, attrs, updated in rows}


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "nested" / "dir" / "progress.sqlite3"


# -- basic behaviour ------------------------------------------------------------------


def test_creates_parent_dirs_table_and_wal_mode(db_path: Path) -> None:
    SQLitePersistenceAdapter(db_path)

    assert db_path.is_file()
    with sqlite3.connect(db_path) as conn:
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        columns = {row[1]: row for row in conn.execute("PRAGMA table_info(progress)")}
    conn.close()
    assert mode == "wal"
    assert set(columns) == {"user_key", "attributes", "updated_at"}
    assert columns["user_key"][5] == 1  # primary key
    assert columns["attributes"][3] == 1  # NOT NULL


def test_rows_hold_readable_json_and_an_update_time(db_path: Path) -> None:
    attributes = {"completed": ["toe-spread"], "note": "足のストレッチ ✅"}

    SQLitePersistenceAdapter(db_path).save_attributes(envelope(), attributes)

    stored_json, updated_at = raw_rows(db_path)[USER_A]
    assert json.loads(stored_json) == attributes
    # Readable UTF-8, not \\u escapes, so the file can be inspected by hand.
    assert "足のストレッチ" in stored_json
    assert updated_at is not None and updated_at.startswith("20")


# -- merge inside the transaction ------------------------------------------------------


def test_merge_runs_while_holding_the_write_lock(db_path: Path) -> None:
    """While ``merge`` runs, no other writer can commit: the read-merge-write is atomic."""
    impatient = SQLitePersistenceAdapter(db_path, busy_timeout_ms=50)
    impatient.save_attributes(envelope(), {"completed": ["a"]})
    outcome: dict[str, Any] = {}

    def merge(stored: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
        # A competing writer (separate adapter, separate connection) must be locked out.
        try:
            impatient.save_attributes(envelope(), {"completed": ["intruder"]})
        except PersistenceException as exc:
            outcome["blocked"] = str(exc)
        # Readers are not blocked in WAL mode, and see the last committed state.
        outcome["read_during_merge"] = impatient.get_attributes(envelope())
        return union_completions(stored, new)

    SQLitePersistenceAdapter(db_path, merge=merge).save_attributes(envelope(), {"completed": ["b"]})

    assert "locked" in outcome["blocked"]
    assert outcome["read_during_merge"] == {"completed": ["a"]}
    assert impatient.get_attributes(envelope()) == {"completed": ["a", "b"]}


def _worker_saves(path: str, worker: int, rounds: int, barrier: Any, read: str) -> None:
    """Child-process body: its own adapter, saving one new completion per round.

    Without a read, each save is merged under the write lock. With one, each round is a turn:
    read the record, then save what the turn made of it ("whole") or only what it adds
    ("part"), in the conditional write, which must fall back to the merge whenever another
    worker wrote in between.
    """
    adapter = SQLitePersistenceAdapter(path, merge=union_completions)
    barrier.wait(timeout=60)
    for i in range(rounds):
        done = f"w{worker}-r{i}"
        if read == "whole":
            stored = adapter.get_attributes(envelope())
            adapter.save_attributes(envelope(), {"completed": [*stored.get("completed", []), done]})
        elif read == "part":
            adapter.get_attributes(envelope())
            adapter.save_part(envelope(), {"completed": [done]})
        else:
            adapter.save_attributes(envelope(), {"completed": [done]})


@pytest.mark.parametrize("read", ["", "whole", "part"], ids=["save only", "turns", "parts"])
def test_concurrent_saves_from_separate_processes_lose_nothing(db_path: Path, read) -> None:
    SQLitePersistenceAdapter(db_path)  # create the file before the workers race
    ctx = multiprocessing.get_context("spawn")
    workers, rounds = 4, 25
    barrier = ctx.Barrier(workers)
    processes = [
        ctx.Process(target=_worker_saves, args=(str(db_path), w, rounds, barrier, read))
        for w in range(workers)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)

    assert [p.exitcode for p in processes] == [0] * workers
    completed = SQLitePersistenceAdapter(db_path).get_attributes(envelope())["completed"]
    assert sorted(completed) == sorted(f"w{w}-r{i}" for w in range(workers) for i in range(rounds))


def test_a_save_after_a_read_is_one_conditional_write_with_no_merge(db_path: Path) -> None:
    """The common turn: one statement under the write lock, and the record written as made."""
    merges: list[Any] = []

    def counted(stored: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
        merges.append(new)
        return union_completions(stored, new)

    adapter = SQLitePersistenceAdapter(db_path, merge=counted)
    adapter.save_attributes(envelope(), {"completed": ["a"]})
    stored = adapter.get_attributes(envelope())
    merges.clear()
    statements: list[str] = []
    adapter._local.held[1].set_trace_callback(statements.append)  # this thread's connection
    made = {"completed": [*stored["completed"], "b"], "streak": 2}
    adapter.save_attributes(envelope(), made)
    assert len(statements) == 1 and statements[0].startswith("UPDATE"), statements
    assert merges == []
    assert adapter.get_attributes(envelope()) == made


def test_a_part_saved_after_a_read_is_merged_in_one_conditional_write(db_path: Path) -> None:
    adapter = SQLitePersistenceAdapter(db_path, merge=union_completions)
    adapter.save_attributes(envelope(), {"completed": ["a"]})
    adapter.get_attributes(envelope())
    statements: list[str] = []
    adapter._local.held[1].set_trace_callback(statements.append)
    adapter.save_part(envelope(), {"completed": ["b"]})
    assert len(statements) == 1 and statements[0].startswith("UPDATE"), statements
    assert adapter.get_attributes(envelope()) == {"completed": ["a", "b"]}


def test_a_save_without_a_read_this_turn_is_merged(db_path: Path) -> None:
    adapter = SQLitePersistenceAdapter(db_path, merge=union_completions)
    adapter.save_attributes(envelope(), {"completed": ["a"]})
    adapter.save_attributes(envelope(), {"completed": ["b"]})
    assert adapter.get_attributes(envelope()) == {"completed": ["a", "b"]}


def test_a_read_of_another_user_does_not_let_a_save_skip_the_merge(db_path: Path) -> None:
    adapter = SQLitePersistenceAdapter(db_path, merge=union_completions)
    adapter.save_attributes(envelope(USER_A), {"completed": ["a"]})
    adapter.get_attributes(envelope(USER_B))
    adapter.save_attributes(envelope(USER_A), {"completed": ["b"]})
    assert adapter.get_attributes(envelope(USER_A)) == {"completed": ["a", "b"]}


@pytest.mark.parametrize("existing", [["a"], None], ids=["stored row", "new user"])
@pytest.mark.parametrize("save", ["whole", "part"])
def test_a_write_between_a_turns_read_and_save_is_merged_not_lost(db_path: Path, existing, save):
    first = SQLitePersistenceAdapter(db_path, merge=union_completions)
    other = SQLitePersistenceAdapter(db_path, merge=union_completions)
    if existing:
        first.save_attributes(envelope(), {"completed": existing})
    seen = first.get_attributes(envelope()).get("completed", [])
    other_seen = other.get_attributes(envelope()).get("completed", [])
    other.save_attributes(envelope(), {"completed": [*other_seen, "other device"]})
    if save == "whole":
        first.save_attributes(envelope(), {"completed": [*seen, "this device"]})
    else:
        first.save_part(envelope(), {"completed": ["this device"]})
    stored = json.loads(raw_rows(db_path)[USER_A][0])
    assert stored["completed"] == sorted([*(existing or []), "other device", "this device"])


# -- errors ----------------------------------------------------------------------------


def test_user_id_partition_keygen_returns_user_id() -> None:
    assert user_id_partition_keygen(envelope(USER_B)) == USER_B


def test_locked_database_raises_and_leaves_data_unchanged(db_path: Path) -> None:
    adapter = SQLitePersistenceAdapter(db_path, busy_timeout_ms=50)
    adapter.save_attributes(envelope(), {"completed": ["a"]})

    holder = sqlite3.connect(db_path, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute(
            "UPDATE progress SET attributes = ? WHERE user_key = ?",
            ('{"completed": ["uncommitted"]}', USER_A),
        )
        with pytest.raises(PersistenceException, match="locked"):
            adapter.save_attributes(envelope(), {"completed": ["b"]})
        with pytest.raises(PersistenceException, match="locked"):
            adapter.delete_attributes(envelope())
        holder.execute("ROLLBACK")
    finally:
        holder.close()

    assert adapter.get_attributes(envelope()) == {"completed": ["a"]}


def test_waits_for_a_briefly_held_lock_instead_of_failing(db_path: Path) -> None:
    """busy_timeout makes a concurrent writer wait for the lock rather than error out."""
    adapter = SQLitePersistenceAdapter(db_path, busy_timeout_ms=5000)
    holder = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    releaser = threading.Timer(0.3, holder.execute, args=("COMMIT",))
    releaser.start()
    try:
        adapter.save_attributes(envelope(), {"completed": ["a"]})
    finally:
        releaser.join()
        holder.close()

    assert adapter.get_attributes(envelope()) == {"completed": ["a"]}


def test_path_that_is_a_directory_raises_persistence_exception(tmp_path: Path) -> None:
    with pytest.raises(PersistenceException, match=str(tmp_path)):
        SQLitePersistenceAdapter(tmp_path)


def test_parent_that_is_a_file_raises_persistence_exception(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")

    with pytest.raises(PersistenceException, match="directory"):
        SQLitePersistenceAdapter(blocker / "progress.sqlite3")


def test_database_removed_after_start_raises_persistence_exception(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    adapter = SQLitePersistenceAdapter(data_dir / "progress.sqlite3")
    for leftover in data_dir.iterdir():
        leftover.unlink()
    data_dir.rmdir()

    with pytest.raises(PersistenceException, match="Could not read progress"):
        adapter.get_attributes(envelope())


@pytest.mark.parametrize("corrupt", ["{not json", "[1, 2, 3]", '"a string"'])
def test_corrupt_row_raises_persistence_exception(db_path: Path, corrupt: str) -> None:
    merging = SQLitePersistenceAdapter(db_path, merge=union_completions)
    merging.save_attributes(envelope(), {"completed": ["a"]})
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE progress SET attributes = ? WHERE user_key = ?", (corrupt, USER_A))
    conn.close()

    with pytest.raises(PersistenceException, match="corrupt"):
        merging.get_attributes(envelope())
    # A merging save must not silently discard what it cannot read...
    with pytest.raises(PersistenceException, match="corrupt"):
        merging.save_attributes(envelope(), {"completed": ["b"]})
    assert raw_rows(db_path)[USER_A][0] == corrupt
    # ...while a plain overwrite replaces the corrupt row.
    SQLitePersistenceAdapter(db_path).save_attributes(envelope(), {"completed": ["b"]})
    assert merging.get_attributes(envelope()) == {"completed": ["b"]}
