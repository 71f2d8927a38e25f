"""Amazon's APL engine, headless: inflate a RenderDocument directive and read the tree.

``parseDirective`` (apl-core-library, see shared/tools/apl/README.md) lives beside the
repository in ``shared/``; it is looked for in the parents of the checkout. Where it is
absent (a fresh clone outside CI) ``PARSE_DIRECTIVE`` is None and the tests that need it
skip saying why.
"""

from __future__ import annotations

import json
import math
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _find() -> Path | None:
    for folder in ROOT.parents:
        candidate = folder / "shared" / "tools" / "apl" / "parseDirective"
        if candidate.is_file():
            return candidate
    return None


PARSE_DIRECTIVE = _find()
MISSING = "Amazon's APL engine (shared/tools/apl/parseDirective) is not beside this checkout"


@dataclass(frozen=True)
class Viewport:
    name: str
    width: int
    height: int
    round: bool = False

    def reachable(self, component: Component) -> bool:
        """On screen as laid out, or (inside a scrolling list) once scrolled to the middle."""
        if component.scrolls:
            middle = (self.height - component.height) / 2
            return self.contains(component.x, middle, component.width, component.height)
        return self.contains(component.x, component.y, component.width, component.height)

    def contains(self, x: float, y: float, width: float, height: float) -> bool:
        """Whether the rectangle is on the screen (for a round one, inside the circle)."""
        corners = [(x, y), (x + width, y), (x, y + height), (x + width, y + height)]
        if self.round:
            cx, cy, radius = self.width / 2, self.height / 2, min(self.width, self.height) / 2
            return all(math.hypot(px - cx, py - cy) <= radius + 0.5 for px, py in corners)
        return all(0 <= px <= self.width and 0 <= py <= self.height for px, py in corners)


VIEWPORTS = [
    Viewport("echo-show-5", 960, 480),
    Viewport("echo-show-8", 1280, 800),
    Viewport("echo-show-15", 1920, 1080),
    Viewport("echo-spot", 480, 480, round=True),
]


@dataclass(frozen=True)
class Component:
    """One inflated component: its properties, and its bounds on the screen."""

    properties: dict[str, Any]
    x: float
    y: float
    width: float
    height: float
    visible: bool
    in_button: bool
    within: tuple[str, ...]  # the ids of its ancestors
    scrolls: bool  # inside a Sequence or ScrollView: the person can scroll it into view

    def inside(self, component_id: str) -> bool:
        return component_id in self.within

    @property
    def type(self) -> str:
        return self.properties["type"]

    @property
    def text(self) -> str:
        value = self.properties.get("text")
        return value.get("text", "") if isinstance(value, dict) else str(value or "")


@dataclass(frozen=True)
class Inflated:
    log: list[str]
    tree: dict[str, Any]

    @property
    def problems(self) -> list[str]:
        """The engine's warnings and errors (its note that logging is not set up aside)."""
        return [
            line
            for line in self.log
            if line[:2] in ("W ", "E ") and "Logs not initialized" not in line
        ]

    def components(self) -> Iterator[Component]:
        def walk(node: dict, dx: float, dy: float, visible: bool, in_button: bool, within, scrolls):
            x, y, width, height = json.loads(node["_bounds"])
            x, y = x + dx, y + dy
            shown = visible and node.get("display") == "normal" and node.get("opacity", 1) > 0
            yield Component(node, x, y, width, height, shown, in_button, within, scrolls)
            button = in_button or node["type"] == "TouchWrapper"
            ids = (*within, node.get("__id", ""))
            scrolling = scrolls or node["type"] in ("Sequence", "ScrollView")
            for child in node.get("children", []):
                yield from walk(child, x, y, shown, button, ids, scrolling)

        yield from walk(self.tree, 0, 0, True, False, (), False)

    def by_id(self, component_id: str) -> Component:
        return next(c for c in self.components() if c.properties.get("__id") == component_id)


def inflate(directive: dict[str, Any], viewport: Viewport) -> Inflated:
    """Run Amazon's engine on a serialised RenderDocument directive for one viewport."""
    assert PARSE_DIRECTIVE is not None, MISSING
    with tempfile.NamedTemporaryFile("w", suffix=".json") as file:
        json.dump(directive, file)
        file.flush()
        size = ["-s", f"{viewport.width}x{viewport.height}", "-d", "160"]
        result = subprocess.run(
            [str(PARSE_DIRECTIVE), *size, *(["-r"] if viewport.round else []), "-f", file.name],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 0, f"parseDirective failed ({result.returncode}): {result.stderr}"
    lines = result.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("{"))
    return Inflated(lines[:start], json.loads("\n".join(lines[start:])))


def inflate_after(render: dict[str, Any], commands: list[Any], viewport: Viewport) -> Inflated:
    """The screen once ExecuteCommands ran on a rendered document: Amazon's engine runs the
    commands as the document mounts (``onMount``), then prints the tree as they left it."""
    directive = json.loads(json.dumps(render))
    directive["document"]["onMount"] = commands
    return inflate(directive, viewport)
