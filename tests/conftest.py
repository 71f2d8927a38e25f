"""Shared fixtures: the real content library and the engine over it."""

from __future__ import annotations

import pytest

from skill.engine.navigation import Coach
from skill.library import Library, load_library


@pytest.fixture(scope="session")
def library() -> Library:
    return load_library()


@pytest.fixture(scope="session")
def coach(library: Library) -> Coach:
    return Coach(library)
