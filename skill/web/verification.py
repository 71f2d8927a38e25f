"""Verify that an HTTP request really comes from Alexa.

A skill hosted as a web service (rather than as an AWS Lambda function) is reachable by anyone on
the internet, so Amazon requires it to prove each request came from the Alexa service before
acting on it ("Host a Custom Skill as a Web Service" -> "Verify that the request was sent by
Alexa"). Alexa signs the raw request body with the private key of a certificate issued to
``echo-api.amazon.com`` and tells us where to download that certificate chain. We must:

1. find the ``SignatureCertChainUrl`` and ``Signature-256`` headers;
2. make sure the chain URL points at Amazon's S3 ``/echo.api/`` location (otherwise an attacker
   could send us their own certificate);
3. download the chain (cached, so we do not hit S3 on every request);
4. validate the chain up to a trusted root, check the signing certificate is currently valid and
   issued for ``echo-api.amazon.com``;
5. check the RSA/SHA-256 signature over the *raw* body bytes;
6. reject stale or future timestamps (replay protection);
7. check the application id, so another skill's traffic cannot be replayed against ours.

The official ``ask_sdk_webservice_support.verifier`` cannot be imported here (its ``certvalidator``
dependency pulls in ``oscrypto``, which cannot parse OpenSSL >= 3.0.10 version strings), so this
module re-implements the checks on top of ``cryptography``'s X.509 path validation and only reuses
the SDK's constants.

Path validation uses ``PolicyBuilder(...).build_server_verifier(DNSName("echo-api.amazon.com"))``:
it is the only ``cryptography`` verifier that checks the subject alternative name, and it applies
the CA/Browser-Forum ("web PKI") profile that Amazon's publicly trusted certificate follows
(leaf must carry the serverAuth extended key usage). A client verifier would skip the name check
and demand the clientAuth usage instead. We additionally require an *exact* SAN match, because the
server verifier would also accept a wildcard such as ``*.amazon.com``, and Amazon's rule (like the
official SDK) asks for ``echo-api.amazon.com`` itself.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import posixpath
import threading
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import certifi
import requests
from ask_sdk_webservice_support.verifier_constants import (
    ALEXA_SKILL_EVENT_LIST,
    CERT_CHAIN_DOMAIN,
    CERT_CHAIN_URL_HOSTNAME,
    CERT_CHAIN_URL_PORT,
    CERT_CHAIN_URL_PROTOCOL,
    CHARACTER_ENCODING,
    MAX_NORMAL_REQUEST_TOLERANCE_IN_MILLIS,
    MAX_SKILL_EVENT_TOLERANCE_IN_MILLIS,
    SIGNATURE_CERT_CHAIN_URL_HEADER,
    SIGNATURE_HEADER,
)
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509 import verification as x509_verification

__all__ = [
    "CERT_CHAIN_URL_START_PATH",
    "CertChainCache",
    "RequestVerifier",
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

# The SDK builds this constant with os.path.sep, which would be wrong on Windows; URLs always use
# "/", so spell it out.
CERT_CHAIN_URL_START_PATH = "/echo.api/"

#: Keep the download short: Alexa waits about 8 s for the whole response, so a slow S3 fetch
#: must fail fast rather than time the user's request out.
DEFAULT_FETCH_TIMEOUT_SECONDS = 3.0

#: A real chain is a few KiB; refuse to buffer anything absurd.
MAX_CHAIN_BYTES = 256 * 1024

#: Even a still-valid chain is re-downloaded after this long, so a revoked/rotated certificate
#: stops being trusted eventually without a restart.
DEFAULT_CACHE_MAX_AGE = timedelta(hours=1)


class VerificationError(Exception):
    """The request could not be shown to come from Alexa; it must be rejected (HTTP 400).

    ``reason`` is a short human-readable explanation, safe to log (it never contains the body).
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _utc_now() -> datetime:
    return datetime.now(UTC)


# --------------------------------------------------------------------------------------------
# Headers and URL
# --------------------------------------------------------------------------------------------


def get_header(headers: Mapping[str, str], name: str) -> str:
    """Return the value of header ``name``, matched case-insensitively.

    HTTP header names are case-insensitive and proxies/servers may change their case, so an exact
    dict lookup is not enough. Works for plain mappings and for werkzeug ``Headers``. A missing or
    empty header means the request cannot be verified.
    """
    value = headers.get(name)
    if value is None:
        wanted = name.casefold()
        for key, candidate in headers.items():
            if isinstance(key, str) and key.casefold() == wanted:
                value = candidate
                break
    if not value or not isinstance(value, str) or not value.strip():
        raise VerificationError(f"missing {name} header")
    return value.strip()


def check_cert_chain_url(url: str) -> None:
    """Reject certificate chain URLs that do not point at Amazon's ``/echo.api/`` S3 location.

    The URL comes from the (untrusted) request, so without this check an attacker could point us
    at a chain they control — even one legitimately issued for some other name. Amazon's rules:
    scheme ``https`` and host ``s3.amazonaws.com`` (both case-insensitive), port 443 if a port is
    given, and a path that starts with ``/echo.api/`` (case-sensitive) once ``..`` segments are
    resolved, so ``/echo.api/../evil.pem`` cannot escape the directory.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise VerificationError("certificate chain URL is malformed") from exc
    if parts.scheme.lower() != CERT_CHAIN_URL_PROTOCOL:
        raise VerificationError("certificate chain URL must use https")
    if (parts.hostname or "").lower() != CERT_CHAIN_URL_HOSTNAME:
        raise VerificationError(f"certificate chain URL host must be {CERT_CHAIN_URL_HOSTNAME}")
    if port is not None and port != CERT_CHAIN_URL_PORT:
        raise VerificationError(f"certificate chain URL port must be {CERT_CHAIN_URL_PORT}")
    path = posixpath.normpath(parts.path) if parts.path else ""
    if not path.startswith(CERT_CHAIN_URL_START_PATH):
        raise VerificationError(
            f"certificate chain URL path must start with {CERT_CHAIN_URL_START_PATH}"
        )


# --------------------------------------------------------------------------------------------
# Fetching, parsing and caching the certificate chain
# --------------------------------------------------------------------------------------------


def fetch_chain_over_https(url: str, *, timeout: float = DEFAULT_FETCH_TIMEOUT_SECONDS) -> bytes:
    """Download the PEM chain (the default ``RequestVerifier.fetch_chain``).

    Redirects are not followed: the URL we validated is the only place the chain may come from.
    The timeout is short because Alexa is waiting for our answer; the size is capped because the
    URL, although restricted to Amazon's bucket, still comes from the request.
    """
    with requests.get(url, timeout=timeout, allow_redirects=False, stream=True) as response:
        response.raise_for_status()
        if response.status_code != 200:
            raise requests.HTTPError(
                f"unexpected HTTP status {response.status_code}", response=response
            )
        data = bytearray()
        for chunk in response.iter_content(chunk_size=16 * 1024):
            data.extend(chunk)
            if len(data) > MAX_CHAIN_BYTES:
                raise ValueError("certificate chain response is too large")
    return bytes(data)


def parse_cert_chain(pem: bytes) -> list[x509.Certificate]:
    """Parse every PEM certificate in ``pem``; the first one is the signing (leaf) certificate.

    Amazon serves the leaf followed by its intermediates, which is the order the path validation
    below expects.
    """
    try:
        chain = x509.load_pem_x509_certificates(pem)
    except ValueError as exc:
        raise VerificationError("certificate chain is not valid PEM") from exc
    if not chain:  # pragma: no cover - cryptography raises instead, but be explicit
        raise VerificationError("certificate chain is empty")
    return chain


@dataclass(frozen=True)
class _CacheEntry:
    leaf: x509.Certificate
    expires_at: datetime


class CertChainCache:
    """A small thread-safe cache of *validated* chains, keyed by chain URL.

    Alexa uses the same chain URL for many requests, so downloading and validating it every time
    would add latency and load on S3. Only chains that passed validation are stored (so a bad
    chain is never trusted later). An entry expires when the leaf (or any other certificate in
    the chain) expires, or after ``max_age``, whichever comes first, so an expired or rotated
    certificate is never used from the cache.
    """

    def __init__(self, max_age: timedelta = DEFAULT_CACHE_MAX_AGE, max_entries: int = 16) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self.max_age = max_age
        self.max_entries = max_entries
        self._entries: dict[str, _CacheEntry] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def get(self, url: str, now: datetime) -> x509.Certificate | None:
        """Return the cached, still-valid leaf for ``url``, or None (evicting stale entries)."""
        with self._lock:
            entry = self._entries.get(url)
            if entry is None:
                return None
            # The not_valid_before check only matters if the clock went backwards.
            if now >= entry.expires_at or now < entry.leaf.not_valid_before_utc:
                del self._entries[url]
                return None
            return entry.leaf

    def put(self, url: str, chain: Sequence[x509.Certificate], now: datetime) -> None:
        """Remember a chain that has just been validated at ``now``."""
        expires_at = min([now + self.max_age, *(cert.not_valid_after_utc for cert in chain)])
        with self._lock:
            self._entries.pop(url, None)
            if len(self._entries) >= self.max_entries:
                for key in [k for k, e in self._entries.items() if now >= e.expires_at]:
                    del self._entries[key]
            while len(self._entries) >= self.max_entries:
                del self._entries[next(iter(self._entries))]  # oldest insertion first
            self._entries[url] = _CacheEntry(leaf=chain[0], expires_at=expires_at)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


# --------------------------------------------------------------------------------------------
# Certificate checks
# --------------------------------------------------------------------------------------------


@functools.cache
def load_certifi_roots() -> tuple[x509.Certificate, ...]:
    """Load the Mozilla root bundle shipped by certifi (the default trust store).

    Amazon's signing certificate chains to a public CA, so the same roots a browser trusts are the
    right ones. Certificates that this ``cryptography`` version refuses to parse (the bundle has a
    legacy root with a non-positive serial number) are skipped rather than breaking every request.
    """
    with open(certifi.where(), "rb") as handle:
        bundle = handle.read()
    end_marker = b"-----END CERTIFICATE-----"
    roots: list[x509.Certificate] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        for block in bundle.split(end_marker)[:-1]:
            try:
                roots.append(x509.load_pem_x509_certificate(block + end_marker))
            except ValueError:  # pragma: no cover - depends on the bundle/cryptography pair
                continue
    return tuple(roots)


def check_leaf_san(leaf: x509.Certificate) -> None:
    """Require ``echo-api.amazon.com`` among the leaf's SubjectAlternativeName DNS names.

    A valid chain only proves *somebody* got a certificate from a public CA; the name proves it
    was Amazon's Alexa signing service. The match is exact (case-insensitive), not wildcard.
    """
    try:
        san = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound as exc:
        raise VerificationError("signing certificate has no subject alternative names") from exc
    names = {name.lower() for name in san.get_values_for_type(x509.DNSName)}
    if CERT_CHAIN_DOMAIN not in names:
        raise VerificationError(f"signing certificate is not issued to {CERT_CHAIN_DOMAIN}")


def check_cert_chain(
    chain: Sequence[x509.Certificate],
    trust_store: x509_verification.Store,
    now: datetime,
) -> x509.Certificate:
    """Validate ``chain`` (leaf first) and return the leaf certificate.

    Checks, in order of cheapness and clarity of the error: the leaf is valid at ``now``, it names
    ``echo-api.amazon.com``, and it chains (through the supplied intermediates) to a root in
    ``trust_store`` with every certificate valid at ``now``. Without the trust check anyone could
    mint a self-signed certificate with the right name.
    """
    if not chain:
        raise VerificationError("certificate chain is empty")
    leaf, intermediates = chain[0], list(chain[1:])
    if now < leaf.not_valid_before_utc:
        raise VerificationError("signing certificate is not yet valid")
    if now >= leaf.not_valid_after_utc:
        raise VerificationError("signing certificate has expired")
    check_leaf_san(leaf)
    verifier = (
        x509_verification.PolicyBuilder()
        .store(trust_store)
        .time(now)
        .build_server_verifier(x509_verification.DNSName(CERT_CHAIN_DOMAIN))
    )
    try:
        verifier.verify(leaf, intermediates)
    except x509_verification.VerificationError as exc:
        raise VerificationError(f"certificate chain is not trusted: {exc}") from exc
    return leaf


# --------------------------------------------------------------------------------------------
# Signature and body checks
# --------------------------------------------------------------------------------------------


def decode_signature(value: str) -> bytes:
    """Base64-decode the ``Signature-256`` header, strictly.

    Done before any network access: a garbage header can be rejected without fetching anything.
    """
    try:
        signature = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise VerificationError("signature is not valid base64") from exc
    if not signature:
        raise VerificationError("signature is empty")
    return signature


def check_signature(leaf: x509.Certificate, signature: bytes, body: bytes) -> None:
    """Verify RSA PKCS#1 v1.5 / SHA-256 ``signature`` over the raw ``body`` with the leaf's key.

    This is what ties the body to Amazon: it must be checked over the exact bytes received (not a
    re-serialised JSON object) and before anything in the body is trusted.
    """
    public_key = leaf.public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise VerificationError("signing certificate does not hold an RSA key")
    try:
        public_key.verify(signature, body, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature as exc:
        raise VerificationError("signature does not match body") from exc


def parse_request_envelope(body: bytes) -> dict[str, Any]:
    """Decode the (already signature-checked) body as a JSON object.

    Malformed bodies must become a VerificationError, never a crash, because the caller maps
    VerificationError to a clean HTTP 400.
    """
    try:
        envelope = json.loads(body.decode(CHARACTER_ENCODING))
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are both ValueErrors
        raise VerificationError("request body is not valid JSON") from exc
    if not isinstance(envelope, dict):
        raise VerificationError("request body is not a JSON object")
    return envelope


def _dig(data: object, *keys: str) -> object:
    """Follow ``keys`` through nested dicts, returning None as soon as a level is missing."""
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _parse_timestamp(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise VerificationError("request timestamp is not ISO 8601") from exc
    # Alexa always sends UTC ("...Z"); a missing offset is read as UTC rather than local time.
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def check_timestamp(envelope: Mapping[str, Any], now: datetime) -> None:
    """Reject requests whose ``request.timestamp`` is more than 150 s away from ``now``.

    This bounds how long a captured, correctly signed request can be replayed. Future timestamps
    are rejected too (same tolerance). Skill events (enabled/disabled, account linked,
    permissions) may be delivered late, so Amazon allows them up to an hour.
    """
    timestamp = _dig(envelope, "request", "timestamp")
    if not isinstance(timestamp, str) or not timestamp:
        raise VerificationError("request has no timestamp")
    request_type = _dig(envelope, "request", "type")
    tolerance_ms = (
        MAX_SKILL_EVENT_TOLERANCE_IN_MILLIS
        if request_type in ALEXA_SKILL_EVENT_LIST
        else MAX_NORMAL_REQUEST_TOLERANCE_IN_MILLIS
    )
    skew = abs(now - _parse_timestamp(timestamp))
    if skew > timedelta(milliseconds=tolerance_ms):
        raise VerificationError("request timestamp is too far from current time")


def check_application_id(skill_id: str | None, envelope: Mapping[str, Any]) -> None:
    """Require the request to be addressed to our skill.

    A request correctly signed by Alexa for *another* skill would pass every other check, so the
    application id must match ``skill_id``. It is read from ``context.System.application`` and,
    for older envelopes without a context, from ``session.application``. ``skill_id=None`` (e.g.
    local development before the skill has an id) disables only this check.
    """
    if skill_id is None:
        return
    app_id = _dig(envelope, "context", "System", "application", "applicationId")
    if app_id is None:
        app_id = _dig(envelope, "session", "application", "applicationId")
    if not isinstance(app_id, str) or not app_id:
        raise VerificationError("request has no application id")
    if app_id != skill_id:
        raise VerificationError("application id does not match this skill")


# --------------------------------------------------------------------------------------------
# The verifier
# --------------------------------------------------------------------------------------------


@dataclass
class RequestVerifier:
    """Runs every Alexa request check; ``verify`` raises VerificationError on the first failure.

    Dependencies are injected so tests need neither the network nor real Amazon certificates:
    ``fetch_chain`` downloads a chain URL, ``trust_roots`` replaces certifi's bundle, ``now``
    replaces the clock. One instance is meant to be shared (its cache is thread-safe).
    """

    skill_id: str | None
    fetch_chain: Callable[[str], bytes] = fetch_chain_over_https
    trust_roots: Sequence[x509.Certificate] | None = None
    now: Callable[[], datetime] = _utc_now
    cache: CertChainCache = field(default_factory=CertChainCache)
    _store: x509_verification.Store = field(init=False, repr=False)

    def __post_init__(self) -> None:
        roots = load_certifi_roots() if self.trust_roots is None else self.trust_roots
        if not roots:
            raise ValueError("trust_roots must contain at least one certificate")
        # Built once: a Store over certifi's ~150 roots is immutable and safe to share.
        self._store = x509_verification.Store(list(roots))

    def verify(self, headers: Mapping[str, str], body: bytes) -> None:
        """Raise VerificationError unless ``body`` is a genuine, fresh request for our skill.

        Checks that need no network (headers, URL, signature encoding) run first; the body is only
        parsed after its signature has been verified.
        """
        now = self.now()
        chain_url = get_header(headers, SIGNATURE_CERT_CHAIN_URL_HEADER)
        check_cert_chain_url(chain_url)
        signature = decode_signature(get_header(headers, SIGNATURE_HEADER))

        leaf = self._signing_certificate(chain_url, now)
        check_signature(leaf, signature, body)

        envelope = parse_request_envelope(body)
        check_timestamp(envelope, now)
        check_application_id(self.skill_id, envelope)

    def _signing_certificate(self, url: str, now: datetime) -> x509.Certificate:
        """Return the validated leaf for ``url``, from the cache or by fetching and validating."""
        leaf = self.cache.get(url, now)
        if leaf is not None:
            return leaf
        try:
            pem = self.fetch_chain(url)
        except VerificationError:
            raise
        except Exception as exc:  # any transport/HTTP failure means "cannot verify"
            raise VerificationError("could not fetch certificate chain") from exc
        chain = parse_cert_chain(pem)
        leaf = check_cert_chain(chain, self._store, now)
        self.cache.put(url, chain, now)
        return leaf
