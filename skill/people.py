"""An account's record holds the records of the people Alexa recognises on it.

Pure data, no Alexa: the account's own record (for a speaker Alexa does not recognise) keeps
its shape, and each recognised person's record sits under ``people``, keyed by personId. One
stored record per account means that deleting it deletes everyone's data, on any storage,
and that a person's save and the account's save are merged in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Record = dict[str, Any]
Merge = Callable[[Record, Record], Record]

#: Key of the map personId -> that person's record, inside the account's record.
PEOPLE = "people"


def people(record: Record) -> dict[str, Record]:
    """personId -> record, ignoring anything malformed."""
    found = record.get(PEOPLE)
    if not isinstance(found, dict):
        return {}
    return {
        pid: rec for pid, rec in found.items() if isinstance(pid, str) and isinstance(rec, dict)
    }


def account(record: Record) -> Record:
    """The account's own record, without the people in it."""
    return {key: value for key, value in record.items() if key != PEOPLE}


def person_record(record: Record, person: str | None) -> Record:
    """The record of ``person`` (None: the account's own), empty if never saved."""
    if person is None:
        return account(record)
    return dict(people(record).get(person, {}))


def for_person(record: Record, person: str | None) -> Record:
    """What to save so that ``record`` becomes ``person``'s (None: the account's own)."""
    return record if person is None else {PEOPLE: {person: record}}


def by_person(merge: Merge) -> Merge:
    """``merge`` applied to the account's record and to each person's record separately.

    A save that carries only people's records leaves the account's own record, and every
    person it does not carry, exactly as stored.
    """

    def merged(stored: Record, new: Record) -> Record:
        fresh_people = people(new)
        own = account(new)
        result = merge(account(stored), own) if own or not fresh_people else account(stored)
        everyone = people(stored)
        for pid, record in fresh_people.items():
            everyone[pid] = merge(everyone.get(pid, {}), record)
        if everyone:
            result = {**result, PEOPLE: everyone}
        return result

    return merged
