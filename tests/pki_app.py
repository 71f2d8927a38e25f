"""A WSGI app for tests that run gunicorn: Foot Coach as production builds it, except that the
verifier trusts a throw-away PKI (tests/pki.py) and reads the clock the requests were signed at.

    PKI_APP_ROOT=root.pem PKI_APP_CHAIN=chain.pem PKI_APP_NOW=2026-11-22T01:02:03+00:00 \
    FOOTCOACH_SKILL_ID=... gunicorn -c deploy/gunicorn.conf.py pki_app:app
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from cryptography import x509

from skill.web.app import WebConfig, create_app
from skill.web.logs import log_to_stderr
from skill.web.verification import RequestVerifier

_chain = Path(os.environ["PKI_APP_CHAIN"]).read_bytes()
_now = datetime.fromisoformat(os.environ["PKI_APP_NOW"])
config = WebConfig()
log_to_stderr()
app = create_app(
    config,
    verifier=RequestVerifier(
        skill_id=config.skill_id or "",
        fetch_chain=lambda url: _chain,
        trust_roots=[x509.load_pem_x509_certificate(Path(os.environ["PKI_APP_ROOT"]).read_bytes())],
        now=lambda: _now,
    ),
)
