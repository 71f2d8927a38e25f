"""Verify that an HTTP request really comes from Alexa, one job per module.

- ``chain_url``: which certificate chain URLs are Amazon's, and the canonical URL we fetch;
- ``download``: the download itself, pinned to s3.amazonaws.com:443, with a deadline and a cap;
- ``cache``: validated chains by canonical URL, and one download per URL at a time;
- ``trust``: parse the PEM chain and validate it up to a trusted root, for echo-api.amazon.com;
- ``request_checks``: headers, the signature over the raw body, timestamp and application id;
- ``verifier``: ``RequestVerifier``, which runs them in order.
"""

from __future__ import annotations

from skill.web.verification.cache import CertChainCache, SingleFlight
from skill.web.verification.chain_url import CERT_CHAIN_URL_START_PATH, check_cert_chain_url
from skill.web.verification.download import (
    MAX_CHAIN_BYTES,
    ChainDownloader,
    ChainDownloadError,
    fetch_chain_over_https,
)
from skill.web.verification.errors import VerificationError
from skill.web.verification.request_checks import (
    check_application_id,
    check_signature,
    check_timestamp,
    decode_signature,
    get_header,
    parse_request_envelope,
)
from skill.web.verification.trust import (
    check_cert_chain,
    check_leaf_san,
    load_certifi_roots,
    parse_cert_chain,
)
from skill.web.verification.verifier import RequestVerifier

__all__ = [
    "CERT_CHAIN_URL_START_PATH",
    "MAX_CHAIN_BYTES",
    "CertChainCache",
    "ChainDownloadError",
    "ChainDownloader",
    "RequestVerifier",
    "SingleFlight",
    "VerificationError",
    "check_application_id",
    "check_cert_chain",
    "check_cert_chain_url",
    "check_leaf_san",
    "check_signature",
    "check_timestamp",
    "decode_signature",
    "fetch_chain_over_https",
    "get_header",
    "load_certifi_roots",
    "parse_cert_chain",
    "parse_request_envelope",
]
