"""A module's logger, with ``logging`` imported when the first message is logged.

The skill logs only when something goes wrong (storage down, a malformed request), yet
importing ``logging`` (with ``traceback``, ``string``, ``textwrap``...) was a few ms of every
cold start. ``logger(__name__)`` stands in for ``logging.getLogger(__name__)``: every attribute
asked of it is the real logger's, looked up by name when asked, so handlers, levels and test
captures set on that logger apply as usual.
"""

from __future__ import annotations

from typing import Any


class LazyLogger:
    """``logging.getLogger(name)``, found on first use."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __getattr__(self, attribute: str) -> Any:
        import logging

        return getattr(logging.getLogger(self.name), attribute)


def logger(name: str) -> Any:
    return LazyLogger(name)
