"""Shared fixtures: the real content library and the engine over it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from skill.engine.navigation import Coach
from skill.library import DEFAULT_CONTENT_DIR, Library, load_library


@pytest.fixture(scope="session")
def library() -> Library:
    return load_library()


@pytest.fixture(scope="session")
def coach(library: Library) -> Coach:
    return Coach(library)


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A copy of the content to break on purpose."""
    root = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, root)
    return root
