"""Frozen value classes whose methods are shared instead of compiled for each class.

On Python 3.11 (Lambda's runtime here) ``@dataclass`` writes each method it adds as source
text and compiles it with ``exec``: about 0.2 ms a method, and a frozen class with ``eq``
gets six (``__init__``, ``__setattr__``, ``__delattr__``, ``__eq__``, ``__hash__``,
``__repr__``). The 30-odd value classes a first answer loads spent about 25 ms of every cold
start compiling them, more than a tenth of Foot Coach's start. Five of them need no copy of
their own, and the sixth need not be compiled before it is used. ``Value`` gives every
subclass the meaning the generated methods had:

- ``__init__``: compiled alone when the class's first instance is made (many are never made
  before a first answer), with the same parameters, so the same defaults, default factories
  and ``TypeError`` for a missing, repeated or unknown argument;
- ``__setattr__``/``__delattr__``: ``FrozenInstanceError``, as for ``frozen=True``;
- ``__eq__``: equal when the class is the same and every compared field is equal;
- ``__hash__``: over the fields ``hash`` or ``compare`` selects;
- ``__repr__``: ``Name(field=value, ...)`` over the fields with ``repr``,

reading each class's fields once, on first use. Declare a value as::

    @value_class
    class Timing(Value): ...

``value_class`` is ``@dataclass`` told to generate nothing it compiles (``init=False``,
``eq=False``, ``repr=False``, not frozen: ``Value`` freezes), so ``dataclasses.fields``,
``replace`` and ``asdict`` work as before, ``field(default_factory=..., compare=False, ...)``
keeps its meaning, and ``__post_init__`` is called as before.
"""

from __future__ import annotations

from dataclasses import MISSING, FrozenInstanceError, dataclass, field, fields
from operator import attrgetter
from reprlib import recursive_repr
from typing import Any, TypeVar, dataclass_transform

_T = TypeVar("_T", bound=type)


def _reader(names: list[str]) -> Any:
    """A function from an instance to the tuple of the named fields (C's ``attrgetter``)."""
    if not names:
        return lambda _: ()
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda value: (one(value),)
    return attrgetter(*names)


class _Plan:
    """What a class compares, hashes and shows: worked out from its fields once."""

    __slots__ = ("compared", "hashed", "shown")

    def __init__(self, cls: type) -> None:
        every = fields(cls)
        self.compared = _reader([f.name for f in every if f.compare])
        self.hashed = _reader([f.name for f in every if (f.compare if f.hash is None else f.hash)])
        self.shown = tuple(f.name for f in every if f.repr)


#: each value class's plan, made on first use (a dict lookup: cheaper than the class's own
#: ``__dict__``, which is a new mapping proxy at every read)
_PLANS: dict[type, _Plan] = {}


def _plan(cls: type) -> _Plan:
    try:
        return _PLANS[cls]
    except KeyError:
        plan = _PLANS[cls] = _Plan(cls)
        return plan


class _Factory:
    """The default of a parameter whose field has a default factory (called when it is seen)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()


def _compiled_init(cls: type) -> Any:
    """``cls``'s ``__init__``: the one ``@dataclass(frozen=True)`` would compile, alone.

    Its parameters are the fields in order with their defaults, so Python itself gives the
    ``TypeError`` for a missing, repeated or unknown argument. It writes the instance's own
    dict, as a frozen class's ``__init__`` must go around ``__setattr__``.
    """
    namespace: dict[str, Any] = {"_FACTORY": _FACTORY}
    parameters, lines = ["__value_self__"], ["    __value_dict__ = __value_self__.__dict__"]
    for number, each in enumerate(fields(cls)):
        name, default = each.name, f"_default_{number}"
        if each.default is not MISSING:
            namespace[default] = each.default
            parameters.append(f"{name}={default}")
            lines.append(f"    __value_dict__[{name!r}] = {name}")
        elif each.default_factory is not MISSING:
            namespace[default] = each.default_factory
            parameters.append(f"{name}=_FACTORY")
            lines.append(
                f"    __value_dict__[{name!r}] = {default}() if {name} is _FACTORY else {name}"
            )
        else:
            parameters.append(name)
            lines.append(f"    __value_dict__[{name!r}] = {name}")
    if hasattr(cls, "__post_init__"):
        lines.append("    __value_self__.__post_init__()")
    source = f"def __init__({', '.join(parameters)}):\n" + "\n".join(lines) + "\n"
    exec(source, namespace)  # the one compile; names are fields, checked by @dataclass
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    return init


def _first_init(self: Value, *args: Any, **kwargs: Any) -> None:
    """Every value class's ``__init__`` until its first instance: compiles the real one.

    Most value classes a start loads are not made before the first answer, or not at all in
    a short-lived process, so their ``__init__`` is compiled when first needed, once.
    """
    cls = self.__class__
    init = _compiled_init(cls)
    type.__setattr__(cls, "__init__", init)
    init(self, *args, **kwargs)


class Value:
    """Base of a frozen value class declared with ``@value_class`` (see the module)."""

    __slots__ = ()

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

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


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def value_class(cls: _T) -> _T:
    """Make ``cls`` (a subclass of ``Value``) a frozen dataclass that compiles nothing now.

    :raises TypeError: if ``cls`` is not a ``Value``, or a field without a default follows
        one with a default (as ``@dataclass`` would raise).
    """
    if not issubclass(cls, Value):
        raise TypeError(f"{cls.__qualname__} must subclass Value to be declared with @value_class")
    made = dataclass(init=False, eq=False, repr=False)(cls)
    type.__setattr__(made, "__init__", _first_init)
    defaulted = None
    for each in fields(made):
        if not each.init or each.kw_only:
            raise TypeError(f"{each.name!r}: @value_class takes every field, in order, in __init__")
        if each.default is not MISSING or each.default_factory is not MISSING:
            defaulted = each.name
        elif defaulted:
            raise TypeError(f"non-default argument {each.name!r} follows default argument")
    return made
