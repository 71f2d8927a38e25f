"""The three web apps the benchmark hosts, by name, for in-process use and for gunicorn.

- ``footcoach``: Foot Coach as production hosts it, through ``create_app`` (body checks,
  request verification when asked, serialisation), progress in SQLite.
- ``hello`` and ``hello_sqlite``: the yardsticks of ``bench.hello_skill`` behind a minimal
  Flask route that hands the body to ``skill.invoke`` and serialises the answer. They pay none
  of Foot Coach's hosting, so Foot Coach's own checks count against it.

gunicorn loads them by factory (``bench.apps:hello_sqlite()``) and reads from the environment:

    FOOTCOACH_DB      the SQLite file (Foot Coach's progress, hello + SQLite's rows)
    BENCH_VERIFY      "1": Foot Coach verifies signatures (a test CA, see below); else off
    BENCH_TRUST_ROOT  PEM file: the test root CA
    BENCH_CHAIN       PEM file: the signing certificate and its intermediate
    BENCH_NOW         ISO time the verifier takes as "now" (the test certificates' clock)

With verification on, the verifier trusts the benchmark's own test CA and is served its
chain from memory, so a benchmark never touches the network.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any

from ask_sdk_core.skill import CustomSkill
from ask_sdk_model import RequestEnvelope
from flask import Flask, jsonify, request

from bench.dialog import SKILL_ID
from bench.hello_skill import build_hello_skill, build_hello_sqlite_skill
from skill.web.app import WebConfig, create_app

SYSTEMS = ("hello", "hello_sqlite", "footcoach")
LABELS = {"hello": "hello-world", "hello_sqlite": "hello-world + SQLite", "footcoach": "Foot Coach"}


def bench_verifier(root_pem: bytes, chain_pem: bytes, now: datetime) -> Any:
    """Alexa's checks, trusting the test CA; the chain is fetched from memory."""
    from cryptography import x509

    from skill.web.verification import RequestVerifier

    return RequestVerifier(
        skill_id=SKILL_ID,
        fetch_chain=lambda url: chain_pem,
        trust_roots=[x509.load_pem_x509_certificate(root_pem)],
        now=lambda: now,
    )


def _verifier_from_environment() -> Any:
    return bench_verifier(
        Path(os.environ["BENCH_TRUST_ROOT"]).read_bytes(),
        Path(os.environ["BENCH_CHAIN"]).read_bytes(),
        datetime.fromisoformat(os.environ["BENCH_NOW"]),
    )


def footcoach(db: str | None = None, verify: bool | None = None) -> Flask:
    """Foot Coach as production hosts it (verification as BENCH_VERIFY says, unless given)."""
    verify = os.environ.get("BENCH_VERIFY") == "1" if verify is None else verify
    config = WebConfig(db=db or os.environ["FOOTCOACH_DB"], skill_id=SKILL_ID, verify=verify)
    return create_app(config, verifier=_verifier_from_environment() if verify else None)


def plain_app(skill: CustomSkill) -> Flask:
    """The least a Flask host of an ask-sdk skill does: parse, invoke, serialise."""
    app = Flask(__name__)

    @app.get("/health")
    def health() -> Any:
        return jsonify(status="ok")

    @app.post("/alexa")
    def alexa() -> Any:
        envelope = skill.serializer.deserialize(request.get_data(as_text=True), RequestEnvelope)
        response = skill.invoke(request_envelope=envelope, context=None)
        return jsonify(skill.serializer.serialize(response))

    return app


def hello(db: str | None = None) -> Flask:
    return plain_app(build_hello_skill(SKILL_ID))


def hello_sqlite(db: str | None = None) -> Flask:
    return plain_app(build_hello_sqlite_skill(db or os.environ["FOOTCOACH_DB"], SKILL_ID))


FACTORIES = {"hello": hello, "hello_sqlite": hello_sqlite, "footcoach": footcoach}


def unverified(system: str, db: str) -> Flask:
    """A system's app for in-process use: Foot Coach with verification off (nothing signs)."""
    return footcoach(db, verify=False) if system == "footcoach" else FACTORIES[system](db)
