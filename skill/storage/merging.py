"""Running the domain's merge inside a storage write, the same way for every adapter.

Storage does not know what progress means; it only promises to store what ``merge(stored,
new)`` returns, inside its own transaction or conditional write. A merge that fails or
returns something other than a dict is a storage failure, so the skill apologises instead of
crashing and the stored record is left as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ask_sdk_core.exceptions import PersistenceException

Attributes = dict[str, Any]
MergeFunction = Callable[[Attributes, Attributes], Attributes]


def run_merge(merge: MergeFunction, stored: Attributes, new: Attributes, where: str) -> Attributes:
    """``merge(stored, new)``, with its failures as PersistenceException naming ``where``."""
    try:
        merged = merge(stored, new)
    except Exception as exc:
        raise PersistenceException(f"Merging progress for {where} failed: {exc!r}") from exc
    if not isinstance(merged, dict):
        raise PersistenceException(
            f"The merge function must return a dict, got {type(merged).__name__}"
        )
    return merged
