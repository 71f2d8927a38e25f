"""Progress per person: two people on one Echo each keep their own routine, streak and start.

Through the real Flask endpoint with real request JSON: the same account (userId) with
``context.System.person.personId`` for each recognised speaker, and without one for a speaker
Alexa does not recognise.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

from ask_sdk_model.person import Person
from devices import Device
from progress_db import query
from storage_backends import envelope

from skill.people import PEOPLE, by_person
from skill.progress import Progress, merge
from skill.replies import DISCLAIMER
from skill.storage.people import PeopleStore
from skill.storage.sqlite import SQLitePersistenceAdapter

ACCOUNT = "amzn1.ask.account.HOUSEHOLD"
ANNA = "amzn1.ask.person.ANNA"
BEN = "amzn1.ask.person.BEN"


def rows(db: Path) -> list[tuple[str, dict]]:
    return [
        (key, json.loads(text))
        for key, text in query(db, "SELECT user_key, attributes FROM progress")
    ]


def finish(device: Device, routine: str) -> str:
    """Start ``routine`` and say next until it is finished; the last thing heard."""
    reply = device.say("StartRoutineIntent", routine=routine)
    for _ in range(200):
        if "in a row" in reply.text:
            return reply.text
        reply = device.say("AMAZON.NextIntent")
    raise AssertionError(f"{routine} never finished: {reply.text}")


def test_two_people_on_one_echo_each_resume_their_own_routine(client) -> None:
    anna = Device(client, person_id=ANNA, user_id=ACCOUNT)
    ben = Device(client, person_id=BEN, user_id=ACCOUNT)

    assert DISCLAIMER in anna.launch().text
    anna.say("StartRoutineIntent", routine="quick")
    anna.say("AMAZON.NextIntent")
    anna.say("AMAZON.StopIntent")

    # Ben is new to Foot Coach, though Anna is not: he hears the safety words himself.
    assert DISCLAIMER in ben.launch().text
    ben.say("StartRoutineIntent", routine="gentle")
    ben.say("AMAZON.StopIntent")

    anna.next_day()
    ben.next_day()
    assert "in the quick routine" in anna.launch().text
    assert "in the gentle routine" in ben.launch().text
    assert anna.say("AMAZON.YesIntent").text.startswith("Exercise 2 of 4: toe walking.")

    # Someone Alexa doesn't recognise on the same Echo has neither's progress.
    guest = Device(client, user_id=ACCOUNT)
    assert DISCLAIMER in guest.launch().text


def test_a_finished_routine_counts_only_for_the_person_who_did_it(client) -> None:
    anna = Device(client, person_id=ANNA, user_id=ACCOUNT)
    ben = Device(client, person_id=BEN, user_id=ACCOUNT)
    anna.launch()
    finish(anna, "quick")
    ben.launch()

    assert "You've finished 1 routine." in anna.say("ProgressIntent").text
    assert "You haven't finished a routine yet." in ben.say("ProgressIntent").text
    guest = Device(client, user_id=ACCOUNT)
    assert "You haven't finished a routine yet." in guest.say("ProgressIntent").text


def test_the_account_record_keeps_its_shape_and_people_sit_inside_it(client, db: Path) -> None:
    Device(client, user_id=ACCOUNT).say("StartRoutineIntent", routine="daily")
    Device(client, person_id=ANNA, user_id=ACCOUNT).say("StartRoutineIntent", routine="quick")

    [(key, record)] = rows(db)
    assert key == ACCOUNT
    assert Progress.from_json(record).last_routine == "daily"
    assert Progress.from_json(record[PEOPLE][ANNA]).last_routine == "quick"


def test_a_guests_turns_keep_the_people_already_in_the_accounts_record(client, db: Path) -> None:
    """An unrecognised speaker's save is the account's own part, merged: never the whole row."""
    anna = Device(client, person_id=ANNA, user_id=ACCOUNT)
    anna.say("StartRoutineIntent", routine="quick")
    guest = Device(client, user_id=ACCOUNT)
    guest.say("StartRoutineIntent", routine="daily")
    guest.say("AMAZON.NextIntent")

    [(_, record)] = rows(db)
    assert Progress.from_json(record).last_routine == "daily"
    assert Progress.from_json(record[PEOPLE][ANNA]).last_routine == "quick"
    assert "in the quick routine" in anna.launch().text


def test_disabling_the_skill_deletes_every_persons_data_of_that_account(client, db: Path) -> None:
    Device(client, user_id=ACCOUNT).say("StartRoutineIntent", routine="daily")
    Device(client, person_id=ANNA, user_id=ACCOUNT).say("StartRoutineIntent", routine="quick")
    Device(client, person_id=BEN, user_id=ACCOUNT).say("StartRoutineIntent", routine="gentle")
    neighbour = Device(client, person_id=ANNA, user_id="amzn1.ask.account.NEIGHBOUR")
    neighbour.say("StartRoutineIntent", routine="quick")

    # Alexa sends SkillDisabled for the account, recognised person or not.
    reply = Device(client, person_id=BEN, user_id=ACCOUNT).event("AlexaSkillEvent.SkillDisabled")

    assert reply.status == 200
    assert [key for key, _ in rows(db)] == ["amzn1.ask.account.NEIGHBOUR"]
    assert DISCLAIMER in Device(client, person_id=ANNA, user_id=ACCOUNT).launch().text


def test_two_people_saving_at_the_same_moment_both_keep_their_progress(db: Path) -> None:
    store = PeopleStore(SQLitePersistenceAdapter(db, merge=merge))
    start = threading.Barrier(2)

    def save(person: str, routine: str) -> None:
        request = envelope(ACCOUNT)
        request.context.system.person = _person(person)
        start.wait()
        store.save_attributes(request, Progress(last_routine=routine).to_json())

    threads = [threading.Thread(target=save, args=p) for p in ((ANNA, "quick"), (BEN, "gentle"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    [(_, record)] = rows(db)
    assert {pid: rec["last_routine"] for pid, rec in record[PEOPLE].items()} == {
        ANNA: "quick",
        BEN: "gentle",
    }


def _person(person_id: str) -> Person:
    return Person(person_id=person_id)


def test_merging_one_persons_save_leaves_the_account_and_the_others_as_stored() -> None:
    def newer(stored: dict, new: dict) -> dict:
        return {**stored, **new}

    stored = {"last_routine": "daily", PEOPLE: {ANNA: {"last_routine": "quick"}, "bad": 3}}
    merged = by_person(newer)(stored, {PEOPLE: {BEN: {"last_routine": "gentle"}}})

    assert merged == {
        "last_routine": "daily",
        PEOPLE: {ANNA: {"last_routine": "quick"}, BEN: {"last_routine": "gentle"}},
    }
    # a save of the account's own record leaves the people in it
    assert by_person(newer)(stored, {"last_routine": "classic"}) == {
        "last_routine": "classic",
        PEOPLE: {ANNA: {"last_routine": "quick"}},
    }
