"""The checks on the request itself: headers, signature over the raw body, timestamp, skill id.

The signature ties the body to Amazon and is checked over the exact bytes received; only then is
the body parsed, and its timestamp (replay protection) and application id (our skill, not
another developer's) read.
"""

from __future__ import annotations

import binascii
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from ask_sdk_webservice_support.verifier_constants import (
    ALEXA_SKILL_EVENT_LIST,
    CHARACTER_ENCODING,
    MAX_NORMAL_REQUEST_TOLERANCE_IN_MILLIS,
    MAX_SKILL_EVENT_TOLERANCE_IN_MILLIS,
)
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from skill.web.json_body import NotJson, load_json
from skill.web.verification.errors import VerificationError


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


def decode_signature(value: str) -> bytes:
    """Base64-decode the ``Signature-256`` header, strictly.

    Done before any network access: a garbage header can be rejected without fetching anything.
    ``strict_mode`` refuses what ``b64decode(validate=True)`` refuses (characters outside the
    alphabet, whitespace) and also data after the padding, in C, without its regex pass.
    """
    try:
        signature = binascii.a2b_base64(value, strict_mode=True)
    except (binascii.Error, ValueError) as exc:
        raise VerificationError("signature is not valid base64") from exc
    if not signature:
        raise VerificationError("signature is empty")
    return signature


#: Alexa's signature scheme, RSA PKCS#1 v1.5 over SHA-256, as objects made once.
_PADDING = padding.PKCS1v15()
_DIGEST = hashes.SHA256()


def check_signature(leaf: x509.Certificate, signature: bytes, body: bytes) -> None:
    """Verify RSA PKCS#1 v1.5 / SHA-256 ``signature`` over the raw ``body`` with the leaf's key.

    This is what ties the body to Amazon: it must be checked over the exact bytes received (not a
    re-serialised JSON object) and before anything in the body is trusted.
    """
    public_key = leaf.public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise VerificationError("signing certificate does not hold an RSA key")
    try:
        public_key.verify(signature, body, _PADDING, _DIGEST)
    except InvalidSignature as exc:
        raise VerificationError("signature does not match body") from exc


def parse_request_envelope(body: bytes) -> dict[str, Any]:
    """Decode the (already signature-checked) body as a JSON object.

    Malformed bodies must become a VerificationError, never a crash, because the caller maps
    VerificationError to a clean HTTP 400.
    """
    try:
        envelope = load_json(body.decode(CHARACTER_ENCODING))
    except UnicodeDecodeError as exc:
        raise VerificationError("request body is not UTF-8") from exc
    except NotJson as exc:
        raise VerificationError(f"request {exc}") from exc
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


#: Alexa's timestamp: ISO 8601's extended date and time, seconds, optional fraction, and "Z"
#: or an offset ("2026-11-22T09:00:00Z"). ``fromisoformat`` alone also takes basic
#: ("20261122T090000"), week ("2026-W47-7") and space-separated forms, which the SDK's own
#: parser (dateutil) reads differently or not at all: the time we check and the time the
#: skill reads must be the same.
_TIMESTAMP = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})?", re.ASCII
)


def _parse_timestamp(value: str) -> datetime:
    if not _TIMESTAMP.fullmatch(value):
        raise VerificationError("request timestamp is not ISO 8601")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:  # a month 13, a 25th hour...
        raise VerificationError("request timestamp is not ISO 8601") from exc
    # Alexa always sends UTC ("...Z"); a missing offset is read as UTC, as the skill reads it.
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


#: Amazon's tolerances (the SDK's constants) as the ``timedelta`` a skew is compared with.
_REQUEST_TOLERANCE = timedelta(milliseconds=MAX_NORMAL_REQUEST_TOLERANCE_IN_MILLIS)
_SKILL_EVENT_TOLERANCE = timedelta(milliseconds=MAX_SKILL_EVENT_TOLERANCE_IN_MILLIS)


def check_timestamp(envelope: Mapping[str, Any], now: datetime) -> None:
    """Reject requests whose ``request.timestamp`` is more than 150 s away from ``now``.

    This bounds how long a captured, correctly signed request can be replayed. Future timestamps
    are rejected too (same tolerance). Skill events (enabled/disabled, account linked,
    permissions) may be delivered late, so Amazon allows them up to an hour.
    """
    request = envelope.get("request")
    timestamp = request.get("timestamp") if isinstance(request, dict) else None
    if not isinstance(timestamp, str) or not timestamp:
        raise VerificationError("request has no timestamp")
    kind = request.get("type")
    late_allowed = isinstance(kind, str) and kind in ALEXA_SKILL_EVENT_LIST
    tolerance = _SKILL_EVENT_TOLERANCE if late_allowed else _REQUEST_TOLERANCE
    if abs(now - _parse_timestamp(timestamp)) > tolerance:
        raise VerificationError("request timestamp is too far from current time")


def check_application_id(skill_id: str, envelope: Mapping[str, Any]) -> None:
    """Require the request to be addressed to our skill.

    A request correctly signed by Alexa for *another* skill would pass every other check, so the
    application id must match ``skill_id``. It is read from ``context.System.application`` and,
    for older envelopes without a context, from ``session.application``. There is no way to
    skip it: an endpoint that verifies requests but accepts any skill's is open to every
    developer's genuinely signed traffic. A session naming another application than the
    context is refused too: no real request disagrees with itself.
    """
    app_id = _dig(envelope, "context", "System", "application", "applicationId")
    in_session = _dig(envelope, "session", "application", "applicationId")
    if app_id is None:
        app_id = in_session
    if not isinstance(app_id, str) or not app_id:
        raise VerificationError("request has no application id")
    if app_id != skill_id:
        raise VerificationError("application id does not match this skill")
    # The SDK reads the context's id, handlers may read the session's: both must be ours.
    if in_session is not None and in_session != skill_id:
        raise VerificationError("session application id does not match this skill")
