"""Time to change position between exercises, as data (``content/moves.json``).

A routine that goes from standing to lying on a mat needs more than the few seconds an
exercise's own setup gives; a coach waits longer when you get down to the floor or up again.
The engine asks ``Moves.extra_seconds(before, after)`` with two starting positions.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from skill.library import ContentError, content_dir
from skill.values import Value, value_class


@value_class
class Moves(Value):
    """Starting position -> place (up, chair, floor), and extra seconds per change of place."""

    places: Mapping[str, str]
    extra: Mapping[str, float]

    def extra_seconds(self, before: str | None, after: str) -> float:
        """Extra setup seconds to go from ``before`` (None: the routine's start) to ``after``."""
        if before is None:
            return 0.0
        key = f"{self.places.get(before, before)}>{self.places.get(after, after)}"
        return float(self.extra.get(key, 0))


@cache
def load_moves(root: Path | None = None) -> Moves:
    path = (root or content_dir()) / "moves.json"
    name = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ContentError(name, "", f"cannot read: {exc}") from exc
    places, extra = data.get("places"), data.get("extra_seconds")
    if not isinstance(places, dict) or not all(isinstance(v, str) for v in places.values()):
        raise ContentError(name, "places", "must map starting positions to places")
    if not isinstance(extra, dict) or not all(
        isinstance(v, int | float) and 0 <= v <= 60 for v in extra.values()
    ):
        raise ContentError(name, "extra_seconds", "must map 'from>to' to 0-60 seconds")
    known = set(places.values())
    for key in extra:
        ends = key.split(">")
        if len(ends) != 2 or not set(ends) <= known:
            raise ContentError(name, f"extra_seconds.{key}", f"is not 'place>place' of {known}")
    return Moves(dict(places), {k: float(v) for k, v in extra.items()})
