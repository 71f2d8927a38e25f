"""Shared fixtures: the real content library, the engine over it, and the web endpoint."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from echo import Echo
from flask.testing import FlaskClient
from model_json_check import Checker

from skill.engine.navigation import Coach
from skill.library import DEFAULT_CONTENT_DIR, Library, load_library
from skill.web.app import WebConfig, create_app


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


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A fresh progress database (a module may define its own)."""
    return tmp_path / "progress.sqlite3"


@pytest.fixture
def client(db: Path) -> FlaskClient:
    """The real Flask endpoint over ``db``, without request verification."""
    return create_app(WebConfig(db=str(db), skill_id=None, verify=False)).test_client()


@pytest.fixture
def echo(client: FlaskClient) -> Echo:
    """An Echo on ``client`` that has heard the first-time welcome (a module may define its
    own)."""
    device = Echo(client)
    device.launch()
    return device


@pytest.fixture(autouse=True)
def _serializer_matches_sdk(monkeypatch: pytest.MonkeyPatch):
    """Every test also checks that each envelope and response maps as the SDK maps it."""
    checker = Checker()
    checker.install(monkeypatch)
    yield checker
    assert not checker.differences, checker.differences[:3]
