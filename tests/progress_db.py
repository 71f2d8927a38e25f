"""Reading the SQLite progress file from a test, closing the connection every time.

The skill keeps its own connection; a test's stray open connection would hold the WAL open
and change what the next test sees.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any


def query(db: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """All rows of ``sql`` (none when the file does not exist yet)."""
    if not db.exists():
        return []
    with closing(sqlite3.connect(db)) as connection:
        return connection.execute(sql, params).fetchall()


def execute(db: Path, sql: str, params: tuple[Any, ...] = ()) -> None:
    with closing(sqlite3.connect(db)) as connection, connection:
        connection.execute(sql, params)
