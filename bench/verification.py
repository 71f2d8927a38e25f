"""Signature verification alone: ``RequestVerifier.verify`` with the chain cached."""

from __future__ import annotations

import json
import time

from cryptography.hazmat.primitives import serialization

from bench.apps import bench_verifier
from bench.dialog import SCRIPT, Person
from bench.signing import CHAIN_URL, NOW, Pki, sign
from bench.stats import Stats


def measure(pki: Pki, count: int = 3000) -> Stats:
    root_pem = pki.root.public_bytes(serialization.Encoding.PEM)
    verifier = bench_verifier(root_pem, pki.good_chain, NOW)
    body = json.dumps(Person(300_000, NOW).envelope(SCRIPT[0])).encode()
    headers = {"SignatureCertChainUrl": CHAIN_URL, "Signature-256": sign(body, pki.leaf_key)}
    verifier.verify(headers, body)  # fetch, validate and cache the chain
    times = []
    for _ in range(count):
        start = time.perf_counter()
        verifier.verify(headers, body)
        times.append(time.perf_counter() - start)
    return Stats(times)
