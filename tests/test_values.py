"""``@value_class`` gives frozen dataclasses the methods ``@dataclass(frozen=True)`` generates.

``skill.values`` exists for cold start (compiling those methods per class cost about 25 ms a
start on Python 3.11): these tests hold it to the meaning of the generated methods (the
constructor, freezing, equality, hash and repr), field options included, against a reference
declared the standard way.
"""

from __future__ import annotations

import copy
import dataclasses
import importlib
import pickle
import pkgutil
import re
import sys
from dataclasses import dataclass, field
from functools import cached_property

import pytest
from hypothesis import given
from hypothesis import strategies as st

import skill
from skill.library import load_library
from skill.values import Value, value_class

#: Modules that build the skill when imported (they need its environment): none declares a
#: dataclass.
STARTS_AN_APP = {"skill.lambda_function", "skill.wsgi"}


@value_class
class Sample(Value):
    a: int
    b: str = "x"
    ignored: int = field(default=0, compare=False)
    hidden: tuple[int, ...] = field(default=(), repr=False)
    unhashed: str = field(default="", hash=False)
    made: list[int] = field(default_factory=list, compare=False)

    @cached_property
    def doubled(self) -> int:
        return self.a * 2


@dataclass(frozen=True)
class Reference:
    a: int
    b: str = "x"
    ignored: int = field(default=0, compare=False)
    hidden: tuple[int, ...] = field(default=(), repr=False)
    unhashed: str = field(default="", hash=False)
    made: list[int] = field(default_factory=list, compare=False)


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


def _fields(instance: object) -> dict[str, object]:
    return {f.name: getattr(instance, f.name) for f in dataclasses.fields(instance)}  # type: ignore[arg-type]


def _complaint(error: TypeError) -> str:
    return next(k for k in ("missing", "multiple", "unexpected", "positional") if k in str(error))


#: calls, as (positional, keyword) arguments, that the generated __init__ accepts or refuses
CALLS = [
    ((1,), {}),
    ((1, "y"), {}),
    ((1, "y", 2, (3,), "u", [4]), {}),
    ((), {"a": 1}),
    ((1,), {"unhashed": "u", "b": "y"}),
    ((), {"made": [1], "a": 2, "hidden": (1,)}),
    ((), {}),  # a missing
    ((), {"b": "y"}),  # a missing
    ((1,), {"a": 2}),  # a twice
    ((1,), {"c": 2}),  # no such field
    ((1, "y", 2, (3,), "u", [4], 5), {}),  # one too many
]


@pytest.mark.parametrize(("args", "kwargs"), CALLS)
def test_the_constructor_takes_and_refuses_what_the_generated_one_does(args, kwargs) -> None:
    try:
        theirs = Reference(*args, **kwargs)
    except TypeError as error:
        with pytest.raises(TypeError) as refused:
            Sample(*args, **kwargs)
        # the same complaint about the same argument (none named for too many positionals)
        assert re.findall(r"'(\w+)'", str(refused.value)) == re.findall(r"'(\w+)'", str(error))
        assert _complaint(refused.value) == _complaint(error)
        return
    assert _fields(Sample(*args, **kwargs)) == _fields(theirs)


def test_a_default_factory_makes_a_new_value_for_each_instance() -> None:
    one, two = Sample(1), Sample(1)
    assert one.made == [] and one.made is not two.made


def test_frozen_copied_pickled_and_replaced_as_a_frozen_dataclass() -> None:
    sample = Sample(3, "y", made=[1])
    with pytest.raises(dataclasses.FrozenInstanceError):
        sample.a = 2  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        sample.not_a_field = 2  # type: ignore[attr-defined]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del sample.b
    assert sample.doubled == 6 and sample.doubled == 6  # cached_property still caches
    for twin in (copy.copy(sample), copy.deepcopy(sample), pickle.loads(pickle.dumps(sample))):
        assert twin == sample and _fields(twin) == _fields(sample)
    changed = dataclasses.replace(sample, a=4)
    assert (changed.a, changed.b, changed.made) == (4, "y", [1])
    assert dataclasses.asdict(sample) == dataclasses.asdict(Reference(3, "y", made=[1]))


def test_declarations_the_generated_init_would_refuse_are_refused() -> None:
    with pytest.raises(TypeError, match="follows default"):

        @value_class
        class Backwards(Value):
            a: int = 0
            b: int

    with pytest.raises(TypeError, match="subclass Value"):

        @value_class
        class NotAValue:
            a: int

    with pytest.raises(TypeError, match="every field"):

        @value_class
        class Hidden(Value):
            a: int = field(default=0, init=False)


def test_post_init_runs_and_a_subclass_with_more_fields_gets_its_own_constructor() -> None:
    @value_class
    class Filled(Value):
        a: int
        b: int = 0

        def __post_init__(self) -> None:
            if not self.b:
                object.__setattr__(self, "b", self.a + 1)

    @value_class
    class Wider(Filled):
        c: str = "c"

    assert (Filled(1).b, Filled(1, 5).b) == (2, 5)
    wider = Wider(1, c="d")  # made after its base: not the base's constructor
    assert (wider.a, wider.b, wider.c) == (1, 2, "d")
    with pytest.raises(TypeError):
        Filled(1, c="d")  # type: ignore[call-arg]


def test_another_class_with_the_same_fields_is_not_equal_and_frozen_still_holds() -> None:
    @value_class
    class Other(Sample):  # the same fields, another class
        pass

    assert Sample(1) != Other(1) and Sample(1) != (1, "x")
    with pytest.raises(dataclasses.FrozenInstanceError):
        Other(1).a = 2  # type: ignore[misc]
    assert dataclasses.replace(Sample(1), a=2) == Sample(2)


def test_content_loaded_twice_is_equal_and_hashes_alike() -> None:
    first, second = load_library(), load_library()
    for exercise_id, exercise in first.exercises.items():
        assert (
            exercise == second.exercises[exercise_id]
            and exercise is not second.exercises[exercise_id]
        )
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
        and (issubclass(cls, Value) or cls.__dataclass_params__.frozen)  # type: ignore[attr-defined]
    }
    assert len(frozen) > 30, "the skill's value classes were not found"
    assert {cls for cls in frozen if cls not in seen} == set()  # frozen the standard way
    compiled = ("__setattr__", "__delattr__", "__eq__", "__hash__", "__repr__")
    assert {cls: [m for m in compiled if m in vars(cls)] for cls in frozen} == {
        cls: [] for cls in frozen
    }
