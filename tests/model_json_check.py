"""Every envelope the tests send and every response they get, read and written both ways.

``PlannedSerializer`` must give what ask-sdk-core's ``DefaultSerializer`` gives. The suite's
autouse fixture (conftest.py) wraps its two entry points so that, in every test, each request
envelope is also read by the SDK and each response also written by the SDK, and any difference
fails the test, even where the endpoint would have turned it into a 400 the test expected.
"""

from __future__ import annotations

import json
import threading
from enum import Enum
from typing import Any

from ask_sdk_core.serialize import DefaultSerializer

from skill.alexa.model_json import PlannedSerializer


def same_models(ours: Any, theirs: Any) -> bool:
    """Equal values of the same types all the way down (model ``==`` compares ``__dict__``,
    which would let ``1 == 1.0`` or two time zones of the same instant pass)."""
    if type(ours) is not type(theirs):
        return False
    if isinstance(ours, Enum):
        return ours is theirs
    if isinstance(ours, dict):
        return list(ours) == list(theirs) and all(
            same_models(ours[key], theirs[key]) for key in ours
        )
    if isinstance(ours, list | tuple):
        return len(ours) == len(theirs) and all(map(same_models, ours, theirs))
    if hasattr(ours, "__dict__") and not isinstance(ours, type):
        return same_models(vars(ours), vars(theirs))
    if hasattr(ours, "tzinfo"):
        return ours == theirs and repr(ours) == repr(theirs)
    return ours == theirs


def _outcome(read: Any) -> tuple[str, Any]:
    try:
        return "value", read()
    except Exception as exc:  # the comparison is of whatever happens, errors included
        return "error", f"{type(exc).__name__}: {exc}"


class Checker:
    """Wraps PlannedSerializer's entry points; ``differences`` lists what did not match."""

    def __init__(self) -> None:
        self.differences: list[str] = []
        self.compared = 0
        self.sdk = DefaultSerializer()
        self._writing = threading.local()  # the suite's concurrency tests write in threads

    def install(self, monkeypatch: Any) -> None:
        planned_read = PlannedSerializer.deserialize_data
        planned_write = PlannedSerializer.serialize
        checker = self

        def deserialize_data(self: PlannedSerializer, data: Any, obj_type: Any) -> Any:
            text = json.dumps(data)
            ours = _outcome(lambda: planned_read(self, data, obj_type))
            theirs = _outcome(lambda: checker.sdk.deserialize(text, obj_type))
            checker.compare("read", text, ours, theirs)
            if ours[0] == "error":
                return planned_read(self, data, obj_type)  # raise it again
            return ours[1]

        def serialize(self: PlannedSerializer, obj: Any) -> Any:
            if getattr(checker._writing, "on", False):  # whole objects compared, not each part
                return planned_write(self, obj)
            checker._writing.on = True
            try:
                ours = _outcome(lambda: planned_write(self, obj))
            finally:
                checker._writing.on = False
            theirs = _outcome(lambda: checker.sdk.serialize(obj))
            checker.compare("write", type(obj).__name__, ours, theirs)
            if ours[0] == "error":
                return planned_write(self, obj)
            return ours[1]

        monkeypatch.setattr(PlannedSerializer, "deserialize_data", deserialize_data)
        monkeypatch.setattr(PlannedSerializer, "serialize", serialize)

    def compare(self, what: str, given: str, ours: tuple, theirs: tuple) -> None:
        self.compared += 1
        if ours[0] != theirs[0] or not same_models(ours[1], theirs[1]):
            self.differences.append(f"{what} {given[:300]}: ours {ours!r:.300} sdk {theirs!r:.300}")
