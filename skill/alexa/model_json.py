"""ask-sdk-core's JSON <-> model mapping, planned once per class instead of worked out per value.

``DefaultSerializer`` finds its way through a request envelope by introspection on every call:
a regex per type string, an ``__import__`` per nested object, a ``hasattr`` per class, and
``dateutil``'s general parser for a timestamp that is always ``YYYY-MM-DDTHH:MM:SSZ``. That is
about half of a Foot Coach turn. ``PlannedSerializer`` does the same mapping from a plan made the
first time it meets each type (which attribute comes from which key, read how), and gives the
very same objects and dicts.

Where it would have to guess, it does not: a shape it does not plan for (a list where an object
belongs, a class whose maps the SDK would patch at run time, a timestamp in another form) is
handed to the SDK's own code for that value, and any error anywhere sends the whole payload
through the SDK, so a malformed request fails exactly as it always did.
``tests/test_model_json.py`` compares both on every request the tests send.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from copy import deepcopy
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from ask_sdk_core.serialize import DefaultSerializer
from dateutil.tz import UTC, tzlocal

Reader = Callable[[Any], Any]
Writer = Callable[[Any], Any]

#: The form Alexa sends every timestamp in (a fraction or an offset goes to dateutil).
_ALEXA_TIME = re.compile(r"((?:19|2\d)\d\d)-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)Z")
_LIST = re.compile(r"list\[(.*)\]")
_DICT = re.compile(r"dict\(([^,]*), (.*)\)")


def _planned(cls: type) -> bool:
    """Whether the SDK's reading of ``cls`` is fixed: its own maps, every attribute mapped.

    Only then does the SDK's ``attribute_map.update`` leave the class as it found it.
    """
    mapped = cls.__dict__.get("attribute_map")
    types = cls.__dict__.get("deserialized_types")
    return isinstance(mapped, dict) and isinstance(types, dict) and set(types) <= set(mapped)


class PlannedSerializer(DefaultSerializer):
    """A ``DefaultSerializer`` whose mapping of each type is planned once and then replayed."""

    def __init__(self) -> None:
        super().__init__()
        self._readers: dict[Any, Reader] = {}
        self._fillers: dict[type, Reader] = {}
        self._classes: dict[str, type] = {}
        self._writers: dict[type, Writer] = {}

    # -- JSON to models -------------------------------------------------------------------

    def deserialize(self, payload: Any, obj_type: Any) -> Any:
        if payload is None:
            return None
        try:
            data = json.loads(payload)
        except Exception:
            return super().deserialize(payload, obj_type)  # the SDK's own error
        return self.deserialize_data(data, obj_type)

    def deserialize_data(self, data: Any, obj_type: Any) -> Any:
        """``deserialize`` for a payload already parsed from JSON (not parsed twice)."""
        if data is None:
            return None
        try:
            return self._reader(obj_type)(data)
        except Exception:
            # the SDK decides what is wrong with it (and says so its own way)
            return self._DefaultSerializer__deserialize(data, obj_type)  # type: ignore[attr-defined]

    def _sdk_reader(self, obj_type: Any) -> Reader:
        sdk = self._DefaultSerializer__deserialize  # type: ignore[attr-defined]
        return lambda payload: sdk(payload, obj_type)

    def _reader(self, obj_type: Any) -> Reader:
        reader = self._readers.get(obj_type)
        if reader is None:
            reader = self._readers[obj_type] = self._plan_reader(obj_type)
        return reader

    def _plan_reader(self, obj_type: Any) -> Reader:
        if isinstance(obj_type, str):
            if obj_type.startswith("list["):
                return self._list_reader(obj_type)
            if obj_type.startswith("dict("):
                return self._dict_reader(obj_type)
            if obj_type in self.NATIVE_TYPES_MAPPING:
                return self._reader(self.NATIVE_TYPES_MAPPING[obj_type])
            return self._reader(self._load_class(obj_type))
        if obj_type in self.PRIMITIVE_TYPES:
            return _primitive_reader(obj_type)
        if obj_type is object:
            return _same
        if obj_type is date or obj_type is datetime:
            return self._time_reader(obj_type)
        if isinstance(obj_type, type) and issubclass(obj_type, Enum):
            return _enum_reader(obj_type)
        if not hasattr(obj_type, "deserialized_types"):
            return _same
        if hasattr(obj_type, "get_real_child_model"):
            return self._child_reader(obj_type)
        return self._filler(obj_type)

    def _later(self, obj_type: Any) -> Reader:
        """A reader planned when first called: as the SDK, load a class only when a value
        of it is read (a speaker's request never loads the screen's models)."""
        planned: list[Reader] = []

        def read(payload: Any) -> Any:
            if not planned:
                planned.append(self._reader(obj_type))
            return planned[0](payload)

        return read

    def _list_reader(self, obj_type: str) -> Reader:
        found = _LIST.match(obj_type)
        if found is None or "," in found.group(1):
            return self._sdk_reader(obj_type)
        item = self._later(found.group(1).strip())
        sdk = self._sdk_reader(obj_type)

        def read(payload: Any) -> Any:
            if type(payload) is not list:
                return sdk(payload)
            return [None if value is None else item(value) for value in payload]

        return read

    def _dict_reader(self, obj_type: str) -> Reader:
        found = _DICT.match(obj_type)
        if found is None:
            return self._sdk_reader(obj_type)
        item = self._later(found.group(2))
        sdk = self._sdk_reader(obj_type)

        def read(payload: Any) -> Any:
            if type(payload) is not dict:
                return sdk(payload)
            return {key: None if value is None else item(value) for key, value in payload.items()}

        return read

    def _time_reader(self, obj_type: type) -> Reader:
        sdk = self._DefaultSerializer__deserialize_datetime  # type: ignore[attr-defined]

        def read(payload: Any) -> Any:
            found = _ALEXA_TIME.fullmatch(payload) if type(payload) is str else None
            zone = _zone_for_z() if found is not None else None
            if zone is None:
                return sdk(payload, obj_type)
            moment = datetime(*map(int, found.groups()), tzinfo=zone)
            return moment.date() if obj_type is date else moment

        return read

    def _child_reader(self, base: type) -> Reader:
        """A class that names its subclass in the payload (a request's ``type``, say)."""
        sdk = self._sdk_reader(base)
        real_child = base.get_real_child_model  # type: ignore[attr-defined]

        def read(payload: Any) -> Any:
            if type(payload) is not dict:
                return sdk(payload)
            name = real_child(payload)
            if not name:
                raise LookupError(name)  # the SDK refuses it
            return self._filler(self._load_class(name))(payload)

        return read

    def _filler(self, cls: type) -> Reader:
        filler = self._fillers.get(cls)
        if filler is None:
            filler = self._fillers[cls] = self._plan_filler(cls)
        return filler

    def _plan_filler(self, cls: type) -> Reader:
        if not _planned(cls):  # the SDK may patch its maps as it reads: leave it to the SDK
            fill_model = self._DefaultSerializer__deserialize_model  # type: ignore[attr-defined]
            return lambda payload: fill_model(payload, cls)
        mapped: dict[str, str] = cls.attribute_map  # type: ignore[attr-defined]
        types: dict[str, Any] = cls.deserialized_types  # type: ignore[attr-defined]
        keys = set(mapped.values())
        fields: list[tuple[str, str, Any]] = [
            (attribute, key, types[attribute]) for attribute, key in mapped.items()
        ]
        places = [(index, attribute, key) for index, (attribute, key, _) in enumerate(fields)]
        by_key = {key: (index, attribute) for index, attribute, key in places}
        # each attribute's reader is planned when a value for it first comes: as the SDK, a
        # class is loaded only when a value of it is read (a speaker never loads APL's)
        readers: list[Reader | None] = [None] * len(fields)
        sdk = self._sdk_reader(cls)
        fresh = _fresh_state(cls, list(mapped))
        if len(by_key) != len(places):  # two attributes read from one key: the plain way
            fresh = None

        def value_of(index: int, value: Any) -> Any:
            read = readers[index]
            if read is None:
                read = readers[index] = self._reader(fields[index][2])
            return read(value)

        def fill(payload: Any) -> Any:
            if type(payload) is not dict:
                return sdk(payload)
            if fresh is None:
                model = cls()
                for index, attribute, key in places:
                    if key in payload:
                        value = payload[key]
                        setattr(model, attribute, None if value is None else value_of(index, value))
                for key in payload:
                    if key not in keys:  # kept as sent, as the SDK keeps it
                        setattr(model, key, payload[key])
                return model
            # what cls() and those setattr calls leave, assigned at once; walking the
            # payload's few keys, not the class's many attributes (most are absent)
            state = fresh.copy()
            unknown = None
            for key, value in payload.items():
                place = by_key.get(key)
                if place is None:
                    unknown = [key] if unknown is None else [*unknown, key]
                    continue
                if value is not None:
                    read = readers[place[0]]
                    value = read(value) if read is not None else value_of(place[0], value)
                state[place[1]] = value
            model = cls.__new__(cls)
            model.__dict__ = state
            if unknown is not None:
                for key in unknown:  # kept as sent, as the SDK keeps it
                    setattr(model, key, payload[key])
            return model

        return fill

    def _load_class(self, name: str) -> type:
        cls = self._classes.get(name)
        if cls is None:
            cls = self._classes[name] = self._DefaultSerializer__load_class_from_name(name)  # type: ignore[attr-defined]
        return cls

    # -- models to JSON -------------------------------------------------------------------

    def serialize(self, obj: Any) -> Any:
        if obj is None:
            return None
        kind = type(obj)
        writer = self._writers.get(kind)
        if writer is None:
            writer = self._writers[kind] = self._plan_writer(kind)
        return writer(obj)

    def _plan_writer(self, kind: type) -> Writer:
        sdk = super().serialize
        if issubclass(kind, self.PRIMITIVE_TYPES):
            return _same
        if issubclass(kind, list):
            return lambda obj: [self.serialize(item) for item in obj]
        if issubclass(kind, dict) and not issubclass(kind, _SDK_BEFORE_DICT):
            # session attributes: the SDK's dict branch, without its chain of isinstance
            # checks per value (most values are str, int, float or bool, written as they are)
            return lambda obj: {
                key: value if type(value) in _AS_IS else self.serialize(value)
                for key, value in obj.items()
            }
        if issubclass(kind, (tuple, datetime, date, Enum, Decimal, dict)):
            return sdk
        if not _planned(kind):
            return sdk
        names = [
            (attribute, kind.attribute_map[attribute])  # type: ignore[attr-defined]
            for attribute in kind.deserialized_types  # type: ignore[attr-defined]
        ]

        plain = _plain_attributes(kind, [attribute for attribute, _ in names])

        def write(obj: Any) -> Any:
            own = obj.__dict__
            if not plain or "attribute_map" in own or "deserialized_types" in own:
                return sdk(obj)  # e.g. an instance that shadows its class's maps
            result = {}
            for attribute, key in names:
                value = own[attribute] if attribute in own else getattr(obj, attribute)
                if value is not None:
                    # str, int, float and bool are written as they are (and most values are)
                    result[key] = value if type(value) in _AS_IS else self.serialize(value)
            return result

        return write


#: Exact types the SDK's serializer returns unchanged.
_AS_IS = frozenset({str, int, float, bool})
#: Types the SDK's ``serialize`` tests before ``dict``: a dict that is also one of them is
#: written the SDK's way.
_SDK_BEFORE_DICT = (str, int, float, bool, bytes, list, tuple, datetime, date, Enum, Decimal)
_IMMUTABLE = (type(None), str, int, float, bool, Enum)


def _plain_attributes(cls: type, names: list[str]) -> bool:
    """Whether reading and setting ``names`` on an instance is plain ``__dict__`` access:
    no ``__getattribute__``/``__setattr__`` of the class's own and no descriptor of those
    names in the class (so ``obj.__dict__`` holds exactly what ``getattr`` returns)."""
    if cls.__getattribute__ is not object.__getattribute__:
        return False
    if cls.__setattr__ is not object.__setattr__:
        return False
    for name in names:
        for holder in cls.__mro__:
            if name in holder.__dict__:
                if hasattr(type(holder.__dict__[name]), "__get__"):
                    return False
                break
    return True


def _fresh_state(cls: type, names: list[str]) -> dict[str, Any] | None:
    """The ``__dict__`` of a new ``cls()``, if copying it is the same as calling ``cls()``:
    every value immutable (so no two models share one) and attributes plain; else None."""
    if not _plain_attributes(cls, names):
        return None
    try:
        state = dict(cls().__dict__)
    except Exception:
        return None
    if not all(isinstance(value, _IMMUTABLE) for value in state.values()):
        return None
    return state


_local_zones: dict[tuple[str, ...], tzlocal] = {}


def _zone_for_z() -> Any:
    """The zone dateutil's parser gives a time ending in "Z", where that does not depend on
    the time itself; else None (dateutil is asked).

    dateutil reads "Z" as the zone named "UTC": the machine's local zone if the machine calls
    its zone that (a server or Lambda on UTC: ``tzlocal()``), else ``dateutil.tz.UTC``.
    """
    names = tuple(time.tzname)
    if "UTC" not in names:
        return UTC
    if names != ("UTC", "UTC"):
        return None  # a zone called UTC part of the year: dateutil checks the very time
    zone = _local_zones.get(names)
    if zone is None:
        zone = _local_zones[names] = tzlocal()
    return zone


def _same(value: Any) -> Any:
    return value


def _enum_reader(kind: type[Enum]) -> Reader:
    """``kind(value)``: a member looked up by its text, as ``Enum`` itself looks first, without
    the metaclass call (twice a request: dialog state and confirmation status)."""
    members = kind._value2member_map_

    def read(payload: Any) -> Any:
        member = members.get(payload) if type(payload) is str else None
        return member if member is not None else kind(payload)

    return read


def _primitive_reader(kind: type) -> Reader:
    def read(payload: Any) -> Any:
        if type(payload) is kind:
            return payload
        try:
            return kind(payload)
        except UnicodeEncodeError:
            return str(payload)
        except TypeError:
            return payload

    return read


def read_model(serializer: DefaultSerializer, data: Any, obj_type: Any) -> Any:
    """``data`` (already parsed JSON) as ``obj_type``, without a second parse where possible."""
    if isinstance(serializer, PlannedSerializer):
        return serializer.deserialize_data(data, obj_type)
    return serializer.deserialize(json.dumps(data), obj_type)


def read_request(serializer: DefaultSerializer, data: Any, envelope_type: Any) -> Any:
    """The request envelope for ``data`` (parsed JSON), ready for ``skill.invoke``.

    ``invoke``'s ``AttributesManager`` deep-copies the session attributes, so that a handler's
    changes never reach the envelope. Read from this request's JSON for it alone, they hold
    only dicts, lists and immutable values: ``JsonTree`` lets ``deepcopy`` copy just those, a
    third of ``copy.deepcopy``'s time with its memo and dispatch (about a fiftieth of a turn).
    The envelope is otherwise what ``read_model`` gives.
    """
    envelope = read_model(serializer, data, envelope_type)
    session = getattr(envelope, "session", None)
    attributes = getattr(session, "attributes", None)
    if type(attributes) is dict:
        session.attributes = JsonTree(attributes)
    return envelope


class JsonTree(dict):  # type: ignore[type-arg]
    """A dict of parsed JSON whose deep copy is a copy of its dicts and lists (plain ones)."""

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, Any]:
        return _copy_json(self)


def _copy_json(value: Any) -> Any:
    kind = type(value)
    if kind is dict or kind is JsonTree:
        return {key: _copy_json(item) for key, item in value.items()}
    if kind is list:
        return [_copy_json(item) for item in value]
    if kind in _JSON_SCALARS:
        return value
    return deepcopy(value)  # not from JSON after all: the general copy


#: What json.loads makes besides dicts and lists: immutable, so shared rather than copied.
_JSON_SCALARS = frozenset({str, int, float, bool, type(None)})
