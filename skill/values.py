"""Equality, hashing and repr for the skill's frozen dataclasses, shared instead of generated.

On Python 3.11 (Lambda's runtime here) ``@dataclass`` writes each method it adds as source
text and compiles it with ``exec``: about 0.12 ms a method, six methods for a frozen class
with ``eq``. The 29 frozen value classes a first answer loads spent about 16 ms of every cold
start compiling (165 compiles), about a sixth of Foot Coach's start. These three need not be
compiled per class: ``Value`` gives every subclass the same meaning the generated ones had
(equal when the class is the same and every compared field is equal; hashed over the fields
``hash`` or ``compare`` selects; ``Name(field=value, ...)`` over the fields with ``repr``),
reading each class's fields once. Declare a value as::

    @dataclass(frozen=True, eq=False, repr=False)
    class Timing(Value): ...

``eq=False`` and ``repr=False`` leave ``__eq__``, ``__hash__`` and ``__repr__`` to ``Value``;
``frozen=True`` still makes instances immutable, which is what makes the hash safe.
"""

from __future__ import annotations

from dataclasses import fields
from operator import attrgetter
from reprlib import recursive_repr
from typing import Any


def _reader(names: list[str]) -> Any:
    """A function from an instance to the tuple of the named fields (C's ``attrgetter``)."""
    if not names:
        return lambda _: ()
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda value: (one(value),)
    return attrgetter(*names)


class _Plan:
    """What a class compares, hashes and shows: worked out from its fields on first use."""

    __slots__ = ("compared", "hashed", "shown")

    def __init__(self, cls: type) -> None:
        every = fields(cls)
        self.compared = _reader([f.name for f in every if f.compare])
        self.hashed = _reader([f.name for f in every if (f.compare if f.hash is None else f.hash)])
        self.shown = tuple(f.name for f in every if f.repr)


def _plan(cls: type) -> _Plan:
    plan = cls.__dict__.get("_value_plan")
    if plan is None:
        plan = _Plan(cls)
        type.__setattr__(cls, "_value_plan", plan)
    return plan


class Value:
    """Base of a frozen dataclass declared with ``eq=False, repr=False`` (see the module)."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        compared = _plan(self.__class__).compared
        return compared(self) == compared(other)

    def __hash__(self) -> int:
        return hash(_plan(self.__class__).hashed(self))

    @recursive_repr()
    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in _plan(self.__class__).shown)
        return f"{self.__class__.__qualname__}({shown})"
