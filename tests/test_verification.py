"""Tests for skill.web.verification: Alexa request verification without network access.

A throw-away PKI (root CA -> intermediate -> echo-api.amazon.com leaf) is generated once per
session; the chain is "served" by an injected fetcher, trusted through an injected store, and all
times come from a fixed, injectable clock.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from pki import CHAIN_URL, NOW, Pki, make_pki, sign
from werkzeug.datastructures import Headers

from skill.web import verification
from skill.web.verification import (
    CertChainCache,
    RequestVerifier,
    VerificationError,
    check_application_id,
    check_cert_chain_url,
    check_timestamp,
)

SKILL_ID = "amzn1.ask.skill.11111111-2222-3333-4444-555555555555"
OTHER_SKILL_ID = "amzn1.ask.skill.99999999-8888-7777-6666-555555555555"
URL_HEADER = "SignatureCertChainUrl"
SIG_HEADER = "Signature-256"


# ----------------------------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def pki() -> Pki:
    return make_pki()


class RecordingFetcher:
    """Serves one PEM chain for any URL and records every URL it was asked for."""

    def __init__(self, pem: bytes) -> None:
        self.pem = pem
        self.urls: list[str] = []

    def __call__(self, url: str) -> bytes:
        self.urls.append(url)
        return self.pem


class Clock:
    """A settable clock, so tests can move time forward between requests."""

    def __init__(self, now: datetime = NOW) -> None:
        self.current = now

    def __call__(self) -> datetime:
        return self.current


def make_verifier(
    pki: Pki,
    pem: bytes | None = None,
    *,
    skill_id: str | None = SKILL_ID,
    clock: Callable[[], datetime] | None = None,
    cache: CertChainCache | None = None,
) -> tuple[RequestVerifier, RecordingFetcher]:
    fetcher = RecordingFetcher(pki.good_chain if pem is None else pem)
    verifier = RequestVerifier(
        skill_id=skill_id,
        fetch_chain=fetcher,
        trust_roots=[pki.root],
        now=clock or Clock(),
        cache=cache if cache is not None else CertChainCache(),
    )
    return verifier, fetcher


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def envelope(
    *,
    timestamp: datetime = NOW,
    request_type: str = "LaunchRequest",
    app_id: str | None = SKILL_ID,
    app_id_in: str = "context",
) -> dict[str, Any]:
    """An Alexa-like request envelope; ``app_id_in`` is "context", "session" or "both"."""
    data: dict[str, Any] = {
        "version": "1.0",
        "session": {"new": True, "sessionId": "amzn1.echo-api.session.test", "attributes": {}},
        "context": {"System": {"device": {"deviceId": "amzn1.ask.device.test"}}},
        "request": {
            "type": request_type,
            "requestId": "amzn1.echo-api.request.test",
            "timestamp": _iso(timestamp),
            "locale": "en-GB",
        },
    }
    if app_id is not None:
        if app_id_in in ("context", "both"):
            data["context"]["System"]["application"] = {"applicationId": app_id}
        if app_id_in in ("session", "both"):
            data["session"]["application"] = {"applicationId": app_id}
    return data


def body_of(data: Any) -> bytes:
    return json.dumps(data, separators=(",", ":")).encode("utf-8")


def signed_request(
    pki: Pki, data: Any = None, *, url: str = CHAIN_URL, key: rsa.RSAPrivateKey | None = None
) -> tuple[dict[str, str], bytes]:
    body = data if isinstance(data, bytes) else body_of(envelope() if data is None else data)
    headers = {URL_HEADER: url, SIG_HEADER: sign(body, key or pki.leaf_key)}
    return headers, body


def assert_rejected(
    verifier: RequestVerifier, headers: Any, body: bytes, reason_part: str
) -> VerificationError:
    with pytest.raises(VerificationError) as info:
        verifier.verify(headers, body)
    assert reason_part in info.value.reason
    assert str(info.value) == info.value.reason
    return info.value


# ----------------------------------------------------------------------------------------------
# Happy path and caching
# ----------------------------------------------------------------------------------------------


def test_valid_signed_request_passes(pki: Pki) -> None:
    verifier, fetcher = make_verifier(pki)
    headers, body = signed_request(pki)

    assert verifier.verify(headers, body) is None
    assert fetcher.urls == [CHAIN_URL]


def test_a_verified_request_is_handed_on_as_parsed_for_the_checks(pki: Pki) -> None:
    verifier, _ = make_verifier(pki)
    headers, body = signed_request(pki)

    assert verifier.verified_envelope(headers, body) == json.loads(body)
    with pytest.raises(VerificationError):
        verifier.verified_envelope(headers, body.replace(b"{", b"{ ", 1))  # not what was signed


def test_chain_is_fetched_once_and_cached(pki: Pki) -> None:
    verifier, fetcher = make_verifier(pki)
    first = signed_request(pki, envelope())
    second = signed_request(pki, envelope(request_type="SessionEndedRequest"))

    verifier.verify(*first)
    verifier.verify(*second)

    assert fetcher.urls == [CHAIN_URL]
    assert len(verifier.cache) == 1


def test_cache_entry_expires_after_max_age(pki: Pki) -> None:
    clock = Clock()
    verifier, fetcher = make_verifier(
        pki, clock=clock, cache=CertChainCache(max_age=timedelta(minutes=10))
    )
    verifier.verify(*signed_request(pki, envelope(timestamp=clock.current)))
    clock.current += timedelta(minutes=5)
    verifier.verify(*signed_request(pki, envelope(timestamp=clock.current)))
    assert fetcher.urls == [CHAIN_URL]

    clock.current += timedelta(minutes=6)
    verifier.verify(*signed_request(pki, envelope(timestamp=clock.current)))
    assert fetcher.urls == [CHAIN_URL, CHAIN_URL]


def test_cache_entry_expires_with_the_leaf(pki: Pki) -> None:
    clock = Clock()
    verifier, fetcher = make_verifier(
        pki, clock=clock, cache=CertChainCache(max_age=timedelta(days=3650))
    )
    verifier.verify(*signed_request(pki, envelope(timestamp=clock.current)))

    clock.current = NOW + timedelta(days=61)  # the leaf expired at NOW + 60 days
    headers, body = signed_request(pki, envelope(timestamp=clock.current))
    assert_rejected(verifier, headers, body, "expired")
    assert fetcher.urls == [CHAIN_URL, CHAIN_URL]


def test_rejected_chain_is_not_cached(pki: Pki) -> None:
    verifier, fetcher = make_verifier(pki, pki.chains["untrusted_root"])
    headers, body = signed_request(pki)
    for _ in range(2):
        assert_rejected(verifier, headers, body, "not trusted")
    assert fetcher.urls == [CHAIN_URL, CHAIN_URL]
    assert len(verifier.cache) == 0


def test_cache_is_bounded(pki: Pki) -> None:
    verifier, fetcher = make_verifier(pki, cache=CertChainCache(max_entries=2))
    urls = [f"https://s3.amazonaws.com/echo.api/cert-{i}.pem" for i in range(3)]
    for url in urls:
        verifier.verify(*signed_request(pki, url=url))
    assert len(verifier.cache) == 2

    verifier.verify(*signed_request(pki, url=urls[0]))  # the oldest one was evicted
    assert fetcher.urls == [*urls, urls[0]]


@pytest.mark.parametrize(
    "make_headers",
    [
        pytest.param(lambda h: {k.lower(): v for k, v in h.items()}, id="lowercase-dict"),
        pytest.param(lambda h: {k.upper(): v for k, v in h.items()}, id="uppercase-dict"),
        pytest.param(
            lambda h: Headers([(k.lower(), v) for k, v in h.items()]), id="werkzeug-headers"
        ),
    ],
)
def test_header_lookup_is_case_insensitive(pki: Pki, make_headers: Callable[..., Any]) -> None:
    verifier, fetcher = make_verifier(pki)
    headers, body = signed_request(pki)

    verifier.verify(make_headers(headers), body)
    assert fetcher.urls == [CHAIN_URL]


# ----------------------------------------------------------------------------------------------
# Headers and signature
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("missing", [URL_HEADER, SIG_HEADER])
def test_missing_header_is_rejected(pki: Pki, missing: str) -> None:
    verifier, fetcher = make_verifier(pki)
    headers, body = signed_request(pki)
    del headers[missing]

    assert_rejected(verifier, headers, body, f"missing {missing} header")
    assert fetcher.urls == []


@pytest.mark.parametrize(
    ("signature", "reason"),
    [
        ("not base64!!", "not valid base64"),
        ("abc", "not valid base64"),  # bad padding
        ("", "missing Signature-256 header"),
        ("   ", "missing Signature-256 header"),
    ],
)
def test_malformed_signature_header_is_rejected(pki: Pki, signature: str, reason: str) -> None:
    verifier, fetcher = make_verifier(pki)
    headers, body = signed_request(pki)
    headers[SIG_HEADER] = signature

    assert_rejected(verifier, headers, body, reason)
    assert fetcher.urls == []  # rejected before touching the network


@pytest.mark.parametrize(
    "spoil",
    [
        lambda s: s + "==",  # padding past the end
        lambda s: s + "AAAA",  # data after the padding
        lambda s: s[:40] + " " + s[40:],  # whitespace inside
        lambda s: s[:40] + "\n" + s[40:],
        lambda s: s[:40] + "é" + s[40:],  # not ASCII
        lambda s: "=" + s,  # starts with padding
    ],
)
def test_a_real_signature_spoiled_in_its_encoding_is_rejected(pki: Pki, spoil: Any) -> None:
    """Only the exact base64 of the signature is read: nothing lenient decoding would skip."""
    verifier, fetcher = make_verifier(pki)
    headers, body = signed_request(pki)
    assert headers[SIG_HEADER].endswith("=")  # a 256-byte signature is padded
    headers[SIG_HEADER] = spoil(headers[SIG_HEADER])

    assert_rejected(verifier, headers, body, "not valid base64")
    assert fetcher.urls == []


def test_tampered_body_is_rejected(pki: Pki) -> None:
    verifier, _ = make_verifier(pki)
    headers, body = signed_request(pki)
    tampered = body.replace(b"LaunchRequest", b"IntentRequest")
    assert tampered != body

    assert_rejected(verifier, headers, tampered, "signature does not match body")


def test_body_reserialised_with_different_whitespace_is_rejected(pki: Pki) -> None:
    """The signature covers the raw bytes, not the JSON value."""
    verifier, _ = make_verifier(pki)
    headers, body = signed_request(pki)
    reformatted = json.dumps(json.loads(body), indent=2).encode()

    assert_rejected(verifier, headers, reformatted, "signature does not match body")


def test_signature_from_another_key_is_rejected(pki: Pki) -> None:
    verifier, _ = make_verifier(pki)
    headers, body = signed_request(pki, key=pki.rogue_key)

    assert_rejected(verifier, headers, body, "signature does not match body")


# ----------------------------------------------------------------------------------------------
# Certificate chain URL
# ----------------------------------------------------------------------------------------------

BAD_URLS = [
    pytest.param("http://s3.amazonaws.com/echo.api/echo-api-cert.pem", "https", id="http"),
    pytest.param("https://notamazon.com/echo.api/echo-api-cert.pem", "host", id="other-host"),
    pytest.param(
        "https://s3.amazonaws.com.evil.example/echo.api/echo-api-cert.pem", "host", id="suffix"
    ),
    pytest.param("https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem", "port", id="port-563"),
    pytest.param("https://s3.amazonaws.com:abc/echo.api/c.pem", "malformed", id="bad-port"),
    pytest.param("https://s3.amazonaws.com/echo.api/../invalid.pem", "path", id="dotdot-escape"),
    pytest.param("https://s3.amazonaws.com/invalid.path/echo-api-cert.pem", "path", id="path"),
    pytest.param("https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem", "path", id="mixed-case"),
    pytest.param("https://s3.amazonaws.com/ECHO.API/echo-api-cert.pem", "path", id="uppercase"),
    pytest.param("https://s3.amazonaws.com/echo.api", "path", id="no-trailing-slash"),
    pytest.param("https://s3.amazonaws.com", "path", id="no-path"),
    pytest.param("s3.amazonaws.com/echo.api/echo-api-cert.pem", "https", id="no-scheme"),
    # Finding 1: urlsplit saw s3.amazonaws.com here, requests connected to evil.com:8443.
    pytest.param(
        "https://evil.com:8443\\@s3.amazonaws.com/echo.api/c.pem", "backslash", id="backslash-at"
    ),
    pytest.param("https://evil.com\\s3.amazonaws.com/echo.api/c.pem", "backslash", id="backslash"),
    pytest.param("https://evil.com@s3.amazonaws.com/echo.api/c.pem", "'@'", id="userinfo"),
    pytest.param("https://s3.amazonaws.com@evil.com/echo.api/c.pem", "'@'", id="userinfo-host"),
    pytest.param("https://s3.amazonaws.com/echo.api%2f..%2fevil.pem", "percent", id="pct-slash"),
    pytest.param("https://s3.amazonaws.com/echo.api/%2e%2e/evil.pem", "percent", id="pct-dots"),
    pytest.param("https://s3.amazonaws.com/echo.api/%252e%252e/e.pem", "percent", id="pct-twice"),
    pytest.param("https://s3.amazonaws.co%6d/echo.api/c.pem", "percent", id="pct-host"),
    # Finding 3: each query string was a new cache key and a new download.
    pytest.param("https://s3.amazonaws.com/echo.api/c.pem?n=1", "query", id="query"),
    pytest.param("https://s3.amazonaws.com/echo.api/c.pem#x", "fragment", id="fragment"),
    pytest.param("https://s3.amazonaws.com/echo.api/c.pem;x=1", "malformed", id="params"),
    pytest.param("https://s3.amazonaws.c\u03bfm/echo.api/c.pem", "ASCII", id="homoglyph-host"),
    pytest.param("https://xn--s3-amazonaws-com/echo.api/c.pem", "host", id="punycode-host"),
    pytest.param("https://s3.amazonaws.com/echo.api/ç.pem", "ASCII", id="unicode-path"),
    pytest.param("https://s3.amazonaws.com/echo.api/c\t.pem", "ASCII", id="tab"),
    pytest.param("https://s3.amazonaws.com/echo.api/a b.pem", "ASCII", id="space"),
    pytest.param("https://s3.amazonaws.com./echo.api/c.pem", "host", id="trailing-dot-host"),
    pytest.param("https://s3.amazonaws.com:8443/echo.api/c.pem", "port", id="port-8443"),
    pytest.param("https://s3.amazonaws.com:80/echo.api/c.pem", "port", id="port-80"),
    pytest.param("https://s3.amazonaws.com:0443/echo.api/c.pem", "port", id="port-0443"),
    pytest.param("https://s3.amazonaws.com:/echo.api/c.pem", "malformed", id="empty-port"),
    pytest.param("https:///s3.amazonaws.com/echo.api/c.pem", "host", id="empty-host"),
    pytest.param("https://s3.amazonaws.com//echo.api/c.pem", "path", id="double-slash-root"),
    pytest.param("https://s3.amazonaws.com/echo.api/../../echo.api", "path", id="dotdot-out"),
    pytest.param("https://s3.amazonaws.com/echo.api/" + "a" * 600, "malformed", id="too-long"),
]

CANONICAL = "https://s3.amazonaws.com/echo.api/echo-api-cert.pem"
GOOD_URLS = [
    pytest.param(CANONICAL, CANONICAL, id="canonical"),
    pytest.param("HTTPS://s3.amazonaws.com/echo.api/echo-api-cert.pem", CANONICAL, id="up-scheme"),
    pytest.param("https://S3.AMAZONAWS.COM/echo.api/echo-api-cert.pem", CANONICAL, id="up-host"),
    pytest.param("https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem", CANONICAL, id="443"),
    pytest.param("https://s3.amazonaws.com/echo.api/./echo-api-cert.pem", CANONICAL, id="dot"),
    pytest.param("https://s3.amazonaws.com/echo.api//echo-api-cert.pem", CANONICAL, id="slashes"),
    pytest.param(
        "https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert.pem", CANONICAL, id="dotdot"
    ),
]


@pytest.mark.parametrize(("url", "reason"), BAD_URLS)
def test_bad_cert_chain_url_is_rejected_without_fetching(pki: Pki, url: str, reason: str) -> None:
    verifier, fetcher = make_verifier(pki)
    headers, body = signed_request(pki, url=url)

    assert_rejected(verifier, headers, body, reason)
    assert fetcher.urls == []
    with pytest.raises(VerificationError):
        check_cert_chain_url(url)


@pytest.mark.parametrize(("url", "canonical"), GOOD_URLS)
def test_acceptable_cert_chain_url_variants_fetch_the_canonical_url(
    pki: Pki, url: str, canonical: str
) -> None:
    assert check_cert_chain_url(url) == canonical
    verifier, fetcher = make_verifier(pki)

    verifier.verify(*signed_request(pki, url=url))
    assert fetcher.urls == [canonical]  # never the spelling the request chose


def test_chain_urls_are_remembered_only_when_accepted_and_only_a_few() -> None:
    from skill.web.verification.verifier import _canonical_chain_url

    _canonical_chain_url.cache_clear()
    for url in [param.values[0] for param in BAD_URLS] * 2:  # refused each time, never kept
        with pytest.raises(VerificationError):
            _canonical_chain_url(url)
    assert _canonical_chain_url.cache_info().currsize == 0
    for number in range(100):
        assert _canonical_chain_url(f"{CANONICAL}-{number}") == f"{CANONICAL}-{number}"
    assert _canonical_chain_url.cache_info().currsize <= 32
    _canonical_chain_url.cache_clear()


# ----------------------------------------------------------------------------------------------
# Certificate chain contents
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("chain", "reason"),
    [
        ("expired", "signing certificate has expired"),
        ("not_yet_valid", "signing certificate is not yet valid"),
        ("no_san", "no subject alternative names"),
        ("wrong_san", "not issued to echo-api.amazon.com"),
        ("wildcard_san", "not issued to echo-api.amazon.com"),
        ("untrusted_root", "certificate chain is not trusted"),
        ("missing_intermediate", "certificate chain is not trusted"),
        ("leaf_only_self_signed", "certificate chain is not trusted"),
        ("rsa_1024", "shorter than 2048 bits"),  # before: accepted
        ("not_for_signing", "key usage does not allow signatures"),  # before: accepted
    ],
)
def test_bad_certificate_chain_is_rejected(pki: Pki, chain: str, reason: str) -> None:
    verifier, fetcher = make_verifier(pki, pki.chains[chain])
    headers, body = signed_request(pki)  # the signature itself is fine in every case

    assert_rejected(verifier, headers, body, reason)
    assert fetcher.urls == [CHAIN_URL]


def test_chain_trusted_by_test_root_is_not_trusted_by_default_certifi_store(pki: Pki) -> None:
    roots = verification.load_certifi_roots()
    assert len(roots) > 50
    assert all(isinstance(cert, x509.Certificate) for cert in roots)

    fetcher = RecordingFetcher(pki.good_chain)
    verifier = RequestVerifier(skill_id=SKILL_ID, fetch_chain=fetcher, now=Clock())
    assert_rejected(verifier, *signed_request(pki), "certificate chain is not trusted")


def test_empty_trust_store_is_a_configuration_error(pki: Pki) -> None:
    with pytest.raises(ValueError, match="trust_roots"):
        RequestVerifier(skill_id=SKILL_ID, trust_roots=[])


@pytest.mark.parametrize(
    ("fetcher_behaviour", "reason"),
    [
        (requests.ConnectionError("boom"), "could not fetch certificate chain"),
        (requests.Timeout("slow"), "could not fetch certificate chain"),
        (OSError("disk on fire"), "could not fetch certificate chain"),
        (b"", "not valid PEM"),
        (b"this is not a certificate", "not valid PEM"),
        (b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "not valid PEM"),
    ],
    ids=["connection-error", "timeout", "os-error", "empty", "garbage", "bad-der"],
)
def test_fetch_failures_become_verification_errors(
    pki: Pki, fetcher_behaviour: Exception | bytes, reason: str
) -> None:
    calls: list[str] = []

    def fetcher(url: str) -> bytes:
        calls.append(url)
        if isinstance(fetcher_behaviour, Exception):
            raise fetcher_behaviour
        return fetcher_behaviour

    verifier = RequestVerifier(
        skill_id=SKILL_ID, fetch_chain=fetcher, trust_roots=[pki.root], now=Clock()
    )
    assert_rejected(verifier, *signed_request(pki), reason)
    assert calls == [CHAIN_URL]


# ----------------------------------------------------------------------------------------------
# Timestamp
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset_seconds", "request_type", "accepted"),
    [
        (0, "LaunchRequest", True),
        (-149, "LaunchRequest", True),
        (149, "LaunchRequest", True),
        (-150, "IntentRequest", True),
        (-151, "LaunchRequest", False),
        (151, "LaunchRequest", False),
        (-3600, "IntentRequest", False),
        (-30 * 60, "AlexaSkillEvent.SkillDisabled", True),
        (-30 * 60, "AlexaSkillEvent.SkillEnabled", True),
        (-61 * 60, "AlexaSkillEvent.SkillDisabled", False),
        (61 * 60, "AlexaSkillEvent.SkillAccountLinked", False),
    ],
)
def test_timestamp_tolerance(
    pki: Pki, offset_seconds: int, request_type: str, accepted: bool
) -> None:
    data = envelope(timestamp=NOW + timedelta(seconds=offset_seconds), request_type=request_type)
    verifier, _ = make_verifier(pki)
    headers, body = signed_request(pki, data)

    if accepted:
        assert verifier.verify(headers, body) is None
        assert check_timestamp(data, NOW) is None
    else:
        assert_rejected(verifier, headers, body, "timestamp is too far from current time")


@pytest.mark.parametrize(
    "timestamp",
    [
        "20261122T010203Z",  # basic format
        "2026-W47-7T01:02:03Z",  # week date
        "2026-11-22 01:02:03Z",  # space, not T
        "2026-11-22T01Z",  # no minutes or seconds
        "2026-11-22T01:02:03+0000",  # offset without a colon
        "2026-11-22",  # a date
        "2026-11-22T01:02:03.Z",  # an empty fraction
        "\uff12026-11-22T01:02:03Z",  # a fullwidth digit
        "2026-11-22T01:02:03Z\n",
    ],
)
def test_timestamps_not_in_alexas_form_are_rejected(pki: Pki, timestamp: str) -> None:
    """Before: anything ``fromisoformat`` reads passed, though the SDK's own parser (dateutil)
    reads some of it differently or not at all."""
    data = envelope()
    data["request"]["timestamp"] = timestamp  # each names NOW (2026-11-22T01:02:03Z)
    verifier, _ = make_verifier(pki)

    assert_rejected(verifier, *signed_request(pki, data), "not ISO 8601")


def test_timestamp_with_fraction_and_offset_is_understood() -> None:
    data = {"request": {"type": "LaunchRequest", "timestamp": "2026-11-22T02:02:00.500+01:00"}}
    assert check_timestamp(data, NOW) is None
    data["request"]["timestamp"] = "2026-11-22T01:02:03.000Z"
    assert check_timestamp(data, NOW) is None
    data["request"]["timestamp"] = "2026-11-22T05:02:03Z"
    with pytest.raises(VerificationError, match="too far"):
        check_timestamp(data, NOW)


# ----------------------------------------------------------------------------------------------
# Malformed (but correctly signed) bodies
# ----------------------------------------------------------------------------------------------


def _without_timestamp() -> dict[str, Any]:
    data = envelope()
    del data["request"]["timestamp"]
    return data


def _with_timestamp(value: Any) -> dict[str, Any]:
    data = envelope()
    data["request"]["timestamp"] = value
    return data


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"not json", "not valid JSON"),
        (b"\xff\xfe\x00", "not UTF-8"),
        (b"", "not valid JSON"),
        (b"[1, 2, 3]", "not a JSON object"),
        (b'"a string"', "not a JSON object"),
        (b"{}", "no timestamp"),
        (b'{"request": "LaunchRequest"}', "no timestamp"),
        (body_of(_without_timestamp()), "no timestamp"),
        (body_of(_with_timestamp(1700000000000)), "no timestamp"),
        (body_of(_with_timestamp(None)), "no timestamp"),
        (body_of(_with_timestamp("yesterday")), "not ISO 8601"),
    ],
    ids=[
        "not-json",
        "not-utf8",
        "empty",
        "list",
        "string",
        "empty-object",
        "request-not-object",
        "no-timestamp",
        "numeric-timestamp",
        "null-timestamp",
        "non-iso-timestamp",
    ],
)
def test_malformed_signed_body_is_rejected(pki: Pki, body: bytes, reason: str) -> None:
    verifier, _ = make_verifier(pki)
    headers, _ = signed_request(pki, body)

    assert_rejected(verifier, headers, body, reason)


# ----------------------------------------------------------------------------------------------
# Application id
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("skill_id", "data", "reason"),
    [
        (SKILL_ID, envelope(app_id=OTHER_SKILL_ID), "does not match"),
        (SKILL_ID, envelope(app_id=OTHER_SKILL_ID, app_id_in="session"), "does not match"),
        (SKILL_ID, envelope(app_id=None), "no application id"),
        (SKILL_ID, envelope(app_id=""), "no application id"),
        (OTHER_SKILL_ID, envelope(), "does not match"),
    ],
    ids=["wrong-context", "wrong-session", "missing", "empty", "configured-other"],
)
def test_wrong_application_id_is_rejected(
    pki: Pki, skill_id: str, data: dict[str, Any], reason: str
) -> None:
    verifier, _ = make_verifier(pki, skill_id=skill_id)
    headers, body = signed_request(pki, data)

    assert_rejected(verifier, headers, body, reason)
    with pytest.raises(VerificationError, match=reason):
        check_application_id(skill_id, data)


@pytest.mark.parametrize(
    ("skill_id", "data"),
    [
        (SKILL_ID, envelope(app_id_in="context")),
        (SKILL_ID, envelope(app_id_in="session")),
        (SKILL_ID, envelope(app_id_in="both")),
    ],
    ids=["context", "session-fallback", "both"],
)
def test_matching_application_id_passes(pki: Pki, skill_id: str, data: dict[str, Any]) -> None:
    verifier, fetcher = make_verifier(pki, skill_id=skill_id)

    assert verifier.verify(*signed_request(pki, data)) is None
    assert check_application_id(skill_id, data) is None
    assert fetcher.urls == [CHAIN_URL]


@pytest.mark.parametrize(
    ("in_context", "in_session"),
    [(SKILL_ID, OTHER_SKILL_ID), (OTHER_SKILL_ID, SKILL_ID), (SKILL_ID, "")],
    ids=["session-other", "context-other", "session-empty"],
)
def test_context_and_session_naming_different_applications_are_rejected(
    pki: Pki, in_context: str, in_session: str
) -> None:
    """Before: the context's id was the only one read, so a signed request for our skill in the
    context and another's in the session passed; the SDK and a handler could disagree about
    whose request it was."""
    data = envelope(app_id_in="both")
    data["context"]["System"]["application"]["applicationId"] = in_context
    data["session"]["application"]["applicationId"] = in_session
    verifier, _ = make_verifier(pki)

    assert_rejected(verifier, *signed_request(pki, data), "does not match this skill")


@pytest.mark.parametrize("skill_id", [None, "", "  "])
def test_a_verifier_without_a_skill_id_cannot_be_built(pki: Pki, skill_id: Any) -> None:
    """Finding 4: verification without the application-id check accepted any skill's requests.

    On main, RequestVerifier(skill_id=None) skipped the check silently.
    """
    with pytest.raises(ValueError, match="FOOTCOACH_SKILL_ID"):
        RequestVerifier(
            skill_id=skill_id, fetch_chain=RecordingFetcher(b""), trust_roots=[pki.root]
        )


def test_verification_error_carries_reason() -> None:
    error = VerificationError("signature does not match body")
    assert error.reason == "signature does not match body"
    assert str(error) == "signature does not match body"
