"""Run every check Amazon requires of a web-service skill, in the order that costs least.

A skill hosted as a web service (rather than as an AWS Lambda function) is reachable by anyone on
the internet, so Amazon requires it to prove each request came from the Alexa service before
acting on it ("Host a Custom Skill as a Web Service" -> "Verify that the request was sent by
Alexa"). Alexa signs the raw request body with the private key of a certificate issued to
``echo-api.amazon.com`` and tells us where to download that certificate chain. We:

1. find the ``SignatureCertChainUrl`` and ``Signature-256`` headers (``request_checks``);
2. make sure the chain URL points at Amazon's S3 ``/echo.api/`` location and rebuild it from
   its validated parts (``chain_url``);
3. download the chain, once at a time, within a deadline (``download``, ``cache``);
4. validate the chain up to a trusted root, check the signing certificate is currently valid and
   issued for ``echo-api.amazon.com`` (``trust``);
5. check the RSA/SHA-256 signature over the *raw* body bytes;
6. reject stale or future timestamps (replay protection);
7. check the application id, so another skill's traffic cannot be replayed against ours.

The official ``ask_sdk_webservice_support.verifier`` cannot be imported here (its ``certvalidator``
dependency pulls in ``oscrypto``, which cannot parse OpenSSL >= 3.0.10 version strings), so this
package re-implements the checks on top of ``cryptography``'s X.509 path validation and only
reuses the SDK's constants.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from ask_sdk_webservice_support.verifier_constants import (
    SIGNATURE_CERT_CHAIN_URL_HEADER,
    SIGNATURE_HEADER,
)
from cryptography import x509
from cryptography.x509 import verification as x509_verification

from skill.web.verification.cache import CertChainCache, SingleFlight
from skill.web.verification.chain_url import check_cert_chain_url
from skill.web.verification.download import DEFAULT_DEADLINE_SECONDS, fetch_chain_over_https
from skill.web.verification.errors import VerificationError
from skill.web.verification.request_checks import (
    check_application_id,
    check_signature,
    check_timestamp,
    decode_signature,
    get_header,
    parse_request_envelope,
)
from skill.web.verification.trust import check_cert_chain, load_certifi_roots, parse_cert_chain

#: Downloads of different chain URLs that may run at once; more fail fast. Alexa uses one or
#: two URLs at a time, so only an attack (many made-up names in Amazon's bucket) needs more.
MAX_CONCURRENT_DOWNLOADS = 4


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class RequestVerifier:
    """Runs every Alexa request check; ``verify`` raises VerificationError on the first failure.

    ``skill_id`` is required: verification without the application-id check would accept any
    skill's genuinely signed requests. Dependencies are injected so tests need neither the
    network nor real Amazon certificates: ``fetch_chain`` downloads a canonical chain URL,
    ``trust_roots`` replaces certifi's bundle, ``now`` replaces the clock. One instance is meant
    to be shared (its cache and download bookkeeping are thread-safe).
    """

    skill_id: str
    fetch_chain: Callable[[str], bytes] = fetch_chain_over_https
    trust_roots: Sequence[x509.Certificate] | None = None
    now: Callable[[], datetime] = _utc_now
    cache: CertChainCache = field(default_factory=CertChainCache)
    _store: x509_verification.Store = field(init=False, repr=False)
    _downloads: SingleFlight[x509.Certificate] = field(init=False, repr=False)
    _download_slots: threading.BoundedSemaphore = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.skill_id, str) or not self.skill_id.strip():
            raise ValueError("verification needs the skill id (FOOTCOACH_SKILL_ID)")
        roots = load_certifi_roots() if self.trust_roots is None else self.trust_roots
        if not roots:
            raise ValueError("trust_roots must contain at least one certificate")
        # Built once: a Store over certifi's ~150 roots is immutable and safe to share.
        self._store = x509_verification.Store(list(roots))
        self._downloads = SingleFlight(wait_seconds=DEFAULT_DEADLINE_SECONDS + 1)
        self._download_slots = threading.BoundedSemaphore(MAX_CONCURRENT_DOWNLOADS)

    def verify(self, headers: Mapping[str, str], body: bytes) -> None:
        """Raise VerificationError unless ``body`` is a genuine, fresh request for our skill.

        Checks that need no network (headers, URL, signature encoding) run first; the body is only
        parsed after its signature has been verified.
        """
        self.verified_envelope(headers, body)

    def verified_envelope(self, headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
        """``verify``, returning the body as parsed for the checks (``load_json`` of its
        UTF-8 text), so the endpoint need not parse it again."""
        now = self.now()
        chain_url = _canonical_chain_url(get_header(headers, SIGNATURE_CERT_CHAIN_URL_HEADER))
        signature = decode_signature(get_header(headers, SIGNATURE_HEADER))

        leaf = self._signing_certificate(chain_url, now)
        check_signature(leaf, signature, body)

        envelope = parse_request_envelope(body)
        check_timestamp(envelope, now)
        check_application_id(self.skill_id, envelope)
        return envelope

    def _signing_certificate(self, url: str, now: datetime) -> x509.Certificate:
        """The validated leaf for canonical ``url``: cached, or downloaded once and validated."""
        leaf = self.cache.get(url, now)
        if leaf is not None:
            return leaf
        return self._downloads.run(url, lambda: self._download_and_validate(url, now))

    def _download_and_validate(self, url: str, now: datetime) -> x509.Certificate:
        leaf = self.cache.get(url, now)  # a flight that just ended may have cached it
        if leaf is not None:
            return leaf
        if not self._download_slots.acquire(blocking=False):
            raise VerificationError("too many certificate chain downloads in progress")
        try:
            pem = self.fetch_chain(url)
        except VerificationError:
            raise
        except Exception as exc:  # any transport/HTTP failure means "cannot verify"
            raise VerificationError("could not fetch certificate chain") from exc
        finally:
            self._download_slots.release()
        chain = parse_cert_chain(pem)
        leaf = check_cert_chain(chain, self._store, now)
        self.cache.put(url, chain, now)
        return leaf


#: ``check_cert_chain_url`` remembered for the few URLs Alexa really sends (one at a time,
#: changed when Amazon renews its certificate): every request names one, and parsing it again
#: was about 5 us a request. A refused URL raises and is never kept, so a flood of forged URLs
#: cannot fill it; the bound covers the rest.
_canonical_chain_url = lru_cache(maxsize=32)(check_cert_chain_url)
