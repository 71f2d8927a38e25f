"""Value gives frozen dataclasses the equality, hash and repr ``@dataclass`` would generate.

``skill.values`` exists for cold start (compiling those methods per class cost about 20 ms a
start on Python 3.11): these tests hold it to the meaning of the generated methods, field
options included, against a reference declared the standard way.
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
import sys
from dataclasses import dataclass, field

import pytest
from hypothesis import given
from hypothesis import strategies as st

import skill
from skill.library import load_library
from skill.values import Value

#: Modules that build the skill when imported (they need its environment): none declares a
#: dataclass.
STARTS_AN_APP = {"skill.lambda_function", "skill.wsgi"}


@dataclass(frozen=True, eq=False, repr=False)
class Sample(Value):
    a: int
    b: str = "x"
    ignored: int = field(default=0, compare=False)
    hidden: tuple[int, ...] = field(default=(), repr=False)
    unhashed: str = field(default="", hash=False)


@dataclass(frozen=True)
class Reference:
    a: int
    b: str = "x"
    ignored: int = field(default=0, compare=False)
    hidden: tuple[int, ...] = field(default=(), repr=False)
    unhashed: str = field(default="", hash=False)


values = st.tuples(
    st.integers(-3, 3), st.sampled_from("xy"), st.integers(0, 2), st.tuples(st.integers(0, 1)),
    st.sampled_from(["", "u"]),
)  # fmt: skip


@given(values, values)
def test_equality_and_hash_mean_what_the_generated_methods_meant(one, two) -> None:
    mine, theirs = (Sample(*one), Sample(*two)), (Reference(*one), Reference(*two))
    assert (mine[0] == mine[1]) == (theirs[0] == theirs[1])
    assert (mine[0] != mine[1]) == (theirs[0] != theirs[1])
    if mine[0] == mine[1]:
        assert hash(mine[0]) == hash(mine[1])
    # the fields a hash reads are the generated hash's: equal hashes where theirs are equal
    assert (hash(mine[0]) == hash(mine[1])) == (hash(theirs[0]) == hash(theirs[1]))


@given(values)
def test_repr_is_the_generated_repr(one) -> None:
    assert repr(Sample(*one)) == repr(Reference(*one)).replace("Reference(", "Sample(", 1)


def test_another_class_with_the_same_fields_is_not_equal_and_frozen_still_holds() -> None:
    @dataclass(frozen=True, eq=False, repr=False)
    class Other(Sample):  # the same fields, another class
        pass

    assert Sample(1) != Other(1) and Sample(1) != (1, "x")
    with pytest.raises(dataclasses.FrozenInstanceError):
        Sample(1).a = 2  # type: ignore[misc]
    assert dataclasses.replace(Sample(1), a=2) == Sample(2)


def test_content_loaded_twice_is_equal_and_hashes_alike() -> None:
    first, second = load_library(), load_library()
    for exercise_id, exercise in first.exercises.items():
        assert exercise == second.exercises[exercise_id] and exercise is not second.exercises[
            exercise_id
        ]
        assert hash(exercise.timing) == hash(second.exercises[exercise_id].timing)
    assert repr(first.routines["quick"]).startswith("Routine(id='quick', ")


def test_every_frozen_dataclass_of_the_skill_shares_values_methods() -> None:
    """A frozen dataclass declared the standard way compiles six methods at every start."""
    for module in pkgutil.walk_packages(skill.__path__, "skill."):
        if module.name not in STARTS_AN_APP:
            importlib.import_module(module.name)
    seen, pending = [], [Value]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        seen.append(cls)
    frozen = {
        cls
        for module in list(sys.modules.values())
        if getattr(module, "__name__", "").startswith("skill.")
        for cls in vars(module).values()
        if isinstance(cls, type)
        and cls.__module__ == module.__name__
        and dataclasses.is_dataclass(cls)
        and cls.__dataclass_params__.frozen  # type: ignore[attr-defined]
    }
    assert frozen, "no frozen dataclass found"
    assert {cls for cls in frozen if cls not in seen} == set()
    assert all("__eq__" not in vars(cls) and "__repr__" not in vars(cls) for cls in frozen)
