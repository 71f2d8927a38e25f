"""Progress per person: the speaking person's record, read and saved inside their account's.

A household shares one Echo and so one Alexa account (``userId``); when Alexa recognises the
speaker, the request carries ``context.System.person.personId`` and that person's routine,
streak and settings must be theirs (``skill.people`` says how an account's record holds its
people's). ``PeopleStore`` wraps the account-keyed adapter: the interceptors see the speaking
person's record as if it were the whole record, and a save sends ``{"people": {id: record}}``,
which the adapter's merge (``skill.progress.merge`` is ``by_person``) folds into the stored
row inside its own transaction. Deleting deletes the account's row: everyone's data.
"""

from __future__ import annotations

import threading

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_model import RequestEnvelope

from skill.people import PEOPLE, for_person, person_record
from skill.storage.merging import Attributes


def person_id(request_envelope: RequestEnvelope) -> str | None:
    """The recognised speaker's personId, or None when Alexa did not recognise anyone."""
    system = getattr(getattr(request_envelope, "context", None), "system", None)
    value = getattr(getattr(system, "person", None), "person_id", None)
    return value if isinstance(value, str) and value else None


class PeopleStore(AbstractPersistenceAdapter):
    """The speaking person's record inside their account's record.

    :param store: the account-keyed adapter. Its ``save_part`` must merge, keeping the people
        a save does not carry (the adapters of ``skill.storage`` with ``skill.progress.merge``
        do); one without ``save_part`` is given parts to ``save_attributes``, and one that
        does not merge would overwrite the rest of the record with them.
    """

    def __init__(self, store: AbstractPersistenceAdapter) -> None:
        self.store = store
        self._local = threading.local()  # the request whose whole record this thread read

    def get_attributes(self, request_envelope: RequestEnvelope) -> Attributes:
        self._local.whole = None
        record = self.store.get_attributes(request_envelope)
        person = person_id(request_envelope)
        if person is None and PEOPLE not in record:
            self._local.whole = request_envelope
        return person_record(record, person)

    def save_attributes(self, request_envelope: RequestEnvelope, attributes: Attributes) -> None:
        whole = getattr(self._local, "whole", None)
        self._local.whole = None
        if whole is request_envelope:  # read this turn: nobody recognised, no people stored
            self.store.save_attributes(request_envelope, attributes)
            return
        save_part = getattr(self.store, "save_part", self.store.save_attributes)
        save_part(request_envelope, for_person(attributes, person_id(request_envelope)))

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        """Delete the account's whole record: its own progress and every person's."""
        self.store.delete_attributes(request_envelope)
