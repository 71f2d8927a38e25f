"""Real conversations as request bodies: the script played once per system, attributes carried.

Alexa sends back, with every request, the session attributes the skill set in its previous
answer. So before any load is sent, the script of ``bench.dialog`` is played once in-process
against each system, keeping each request exactly as Alexa would have sent it (Foot Coach's
position and last reply, the references' nothing). Load generators then replay these bodies for
many users, the user id swapped in, so what goes over HTTP is what each system would really be
sent, without the load generator parsing JSON while it measures.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.apps import unverified
from bench.dialog import SCRIPT, Person
from bench.signing import NOW

#: The user id in a recorded conversation, replaced by each replaying user's.
TEMPLATE_USER = 999_999


def record(system: str, workdir: Path) -> list[str]:
    """The script's request bodies for ``system``, each with the attributes it was sent."""
    app = unverified(system, str(workdir / f"record-{system}.sqlite3"))
    client = app.test_client()
    person = Person(TEMPLATE_USER, NOW)
    bodies = []
    for turn in SCRIPT:
        body = json.dumps(person.envelope(turn), separators=(",", ":"))
        response = client.post("/alexa", data=body, content_type="application/json")
        if response.status_code != 200:
            raise RuntimeError(f"{system} answered {turn[0]} with {response.status_code}")
        person.heard(response.get_json())
        bodies.append(body)
    return bodies


def for_user(bodies: list[str], number: int) -> list[str]:
    """The recorded conversation as user ``number`` (and that user's device) sends it."""
    template, user = f"BENCH{TEMPLATE_USER:06d}", f"BENCH{number:06d}"
    return [body.replace(template, user) for body in bodies]


def turn_major(bodies: list[str], users: range) -> Iterator[str]:
    """Many users' conversations interleaved turn by turn: each user's turns stay in order
    and ``len(users)`` requests apart, so with fewer connections than users no user ever has
    two turns in flight at once."""
    conversations = [for_user(bodies, number) for number in users]
    for turn in range(len(bodies)):
        for conversation in conversations:
            yield conversation[turn]


def attribute_sizes(bodies: list[str]) -> list[int]:
    """Bytes of session attributes each request carried (compact JSON)."""
    sizes = []
    for body in bodies:
        attributes: Any = json.loads(body)["session"].get("attributes") or {}
        sizes.append(len(json.dumps(attributes, separators=(",", ":"))))
    return sizes
