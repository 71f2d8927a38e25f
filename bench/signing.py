"""Requests signed as Alexa signs them, by the tests' throw-away PKI (tests/pki.py).

Signing is an RSA private-key operation (about a millisecond), so bodies are signed once,
before any load is sent; the verifier under test trusts this PKI's root.
"""

from __future__ import annotations

import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from pki import CHAIN_URL, NOW, Pki, make_pki, sign  # noqa: E402

__all__ = ["CHAIN_URL", "NOW", "Pki", "make_pki", "sign", "verifier_files"]


def verifier_files(pki: Pki, workdir: Path) -> dict[str, str]:
    """The environment ``bench.apps.footcoach`` reads to trust this PKI, files written."""
    root_pem, chain_pem = workdir / "root.pem", workdir / "chain.pem"
    root_pem.write_bytes(pki.root.public_bytes(serialization.Encoding.PEM))
    chain_pem.write_bytes(pki.good_chain)
    return {
        "BENCH_TRUST_ROOT": str(root_pem),
        "BENCH_CHAIN": str(chain_pem),
        "BENCH_NOW": NOW.isoformat(),
    }
