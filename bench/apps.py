"""The two apps the benchmarks host: Foot Coach and hello-world, behind the same Flask route.

Both come from ``create_app``, so routing, body checks, request verification and serialization
are the same code; only the skill differs. With verification on, the verifier trusts the
benchmark's own test CA and is served its certificate chain from memory, so a benchmark never
touches the network. gunicorn loads them by factory, e.g. ``bench.apps:footcoach()``, and reads
the settings from the environment the benchmark sets:

    FOOTCOACH_DB      the SQLite file Foot Coach keeps progress in
    BENCH_TRUST_ROOT  PEM file: the test root CA
    BENCH_CHAIN       PEM file: the signing certificate and its intermediate
    BENCH_NOW         ISO time the verifier takes as "now" (the test certificates' clock)
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from cryptography import x509
from flask import Flask

from bench.dialog import SKILL_ID
from bench.hello_skill import build_hello_skill
from skill.web.app import WebConfig, create_app
from skill.web.verification import RequestVerifier


def bench_verifier(root_pem: bytes, chain_pem: bytes, now: datetime) -> RequestVerifier:
    """Alexa's checks, trusting the test CA; the chain is fetched from memory."""
    return RequestVerifier(
        skill_id=SKILL_ID,
        fetch_chain=lambda url: chain_pem,
        trust_roots=[x509.load_pem_x509_certificate(root_pem)],
        now=lambda: now,
    )


def _verifier_from_environment() -> RequestVerifier:
    return bench_verifier(
        Path(os.environ["BENCH_TRUST_ROOT"]).read_bytes(),
        Path(os.environ["BENCH_CHAIN"]).read_bytes(),
        datetime.fromisoformat(os.environ["BENCH_NOW"]),
    )


def _config(db: str | None, verify: bool) -> WebConfig:
    return WebConfig(db=db or os.environ["FOOTCOACH_DB"], skill_id=SKILL_ID, verify=verify)


def footcoach(
    db: str | None = None, verifier: RequestVerifier | None = None, verify: bool = True
) -> Flask:
    """Foot Coach as production hosts it; the verifier from the environment unless given."""
    if verify and verifier is None:
        verifier = _verifier_from_environment()
    return create_app(_config(db, verify), verifier=verifier)


def hello(
    db: str | None = None, verifier: RequestVerifier | None = None, verify: bool = True
) -> Flask:
    """The hello-world skill behind the same route and checks."""
    if verify and verifier is None:
        verifier = _verifier_from_environment()
    return create_app(_config(db, verify), skill=build_hello_skill(SKILL_ID), verifier=verifier)
