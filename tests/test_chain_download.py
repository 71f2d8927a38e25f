"""Downloading Amazon's certificate chain: where, how long, how much, how many at once.

The attack in issue 11 made the server connect wherever a crafted URL pointed (finding 1), held
worker threads with a server sending a byte every 2 s (finding 2), and evicted the real chain
from the cache with unique query strings (finding 3). A scripted server on 127.0.0.1 stands in
for S3: the downloader connects there only because the test builds it that way.
"""

from __future__ import annotations

import http.client
import ssl
import threading
import time

import pytest
from chain_server import chain_server, connect_to, dribble, respond, timed
from pki import CHAIN_URL, Pki, make_pki
from test_verification import (
    SKILL_ID,
    Clock,
    RecordingFetcher,
    assert_rejected,
    make_verifier,
    signed_request,
)

from skill.web.verification import (
    MAX_CHAIN_BYTES,
    ChainDownloader,
    ChainDownloadError,
    RequestVerifier,
    VerificationError,
)
from skill.web.verification.download import connect_to_amazon

DEADLINE = 1.0
#: What a deadline may overrun by on a busy 2-core machine.
SLACK = 1.0


@pytest.fixture(scope="module")
def pki() -> Pki:
    return make_pki()


# -- where: s3.amazonaws.com:443, whatever the request said (finding 1) -------------------------


def test_the_default_downloader_connects_to_amazon_on_443_only() -> None:
    connection = connect_to_amazon(2.0)  # built, not connected: no network
    assert isinstance(connection, http.client.HTTPSConnection)
    assert (connection.host, connection.port) == ("s3.amazonaws.com", 443)
    assert ChainDownloader().connect is connect_to_amazon


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.com:8443\\@s3.amazonaws.com/echo.api/c.pem",
        "https://s3.amazonaws.com:443/echo.api/c.pem",  # valid, but not the canonical spelling
        "https://s3.amazonaws.com/echo.api/c.pem?n=1",
        "http://127.0.0.1/echo.api/c.pem",
    ],
)
def test_the_downloader_takes_only_canonical_urls(url: str) -> None:
    connected: list[float] = []

    def connect(timeout: float) -> http.client.HTTPConnection:
        connected.append(timeout)
        raise AssertionError("a refused URL must not be connected to")

    with pytest.raises((ChainDownloadError, VerificationError)):
        ChainDownloader(connect=connect)(url)
    assert connected == []


def test_the_request_line_is_the_validated_path(pki: Pki) -> None:
    with chain_server(respond(200, pki.good_chain)) as (port, heads):
        downloader = ChainDownloader(connect=connect_to(port))
        assert downloader("https://s3.amazonaws.com/echo.api/echo-api-cert-9.pem") == pki.good_chain
    assert heads[0].startswith(b"GET /echo.api/echo-api-cert-9.pem HTTP/1.1\r\n")


# -- how long: one deadline for the whole download (finding 2) ----------------------------------


@pytest.mark.parametrize(
    "behaviour",
    [
        pytest.param(dribble(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n"), id="body"),
        pytest.param(dribble(b"HTTP/1.1 200 OK\r\nX-Slow: "), id="headers"),
        pytest.param(dribble(b"HTTP/1.1 200 OK\r\n\r\n"), id="body-until-close"),
        pytest.param(dribble(b"H", every_seconds=0.5), id="status-line"),
    ],
)
def test_a_server_that_dribbles_bytes_is_cut_off_at_the_deadline(behaviour) -> None:
    """On main the same server held the download (requests' timeout is per read) until it
    stopped sending: the thread was the attacker's for as long as it liked."""
    with chain_server(behaviour) as (port, _):
        downloader = ChainDownloader(deadline_seconds=DEADLINE, connect=connect_to(port))
        seconds, error = timed(lambda: downloader(CHAIN_URL))
    assert isinstance(error, ChainDownloadError)
    assert "longer than" in str(error)
    assert DEADLINE - 0.1 <= seconds < DEADLINE + SLACK


def test_a_server_that_never_finishes_the_tls_handshake_is_cut_off_at_the_deadline() -> None:
    """The watchdog also covers connecting: here the server reads the ClientHello and waits."""
    context = ssl.create_default_context()
    with chain_server(respond(200, b"")) as (port, _):
        downloader = ChainDownloader(
            deadline_seconds=DEADLINE,
            connect=lambda timeout: http.client.HTTPSConnection(
                "127.0.0.1", port, timeout=timeout, context=context
            ),
        )
        seconds, error = timed(lambda: downloader(CHAIN_URL))
    assert isinstance(error, ChainDownloadError)
    assert "longer than" in str(error)
    assert DEADLINE - 0.1 <= seconds < DEADLINE + SLACK


def test_the_default_deadline_is_well_inside_alexas_8_seconds() -> None:
    assert 1 <= ChainDownloader().deadline_seconds <= 3


# -- what comes back ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("behaviour", "reason"),
    [
        (respond(404, b"not found"), "status 404"),
        (respond(500, b"oops"), "status 500"),
        (respond(301, b""), "status 301"),  # never followed
        (respond(200, b"x" * (MAX_CHAIN_BYTES + 1)), "too large"),
        (respond(200, b"short", length=5000), "cut short"),
    ],
    ids=["404", "500", "redirect", "too-large", "cut-short"],
)
def test_bad_responses_are_download_errors(pki: Pki, behaviour, reason: str) -> None:
    with chain_server(behaviour) as (port, _):
        downloader = ChainDownloader(connect=connect_to(port))
        with pytest.raises(ChainDownloadError, match=reason):
            downloader(CHAIN_URL)
        verifier = RequestVerifier(
            skill_id=SKILL_ID, fetch_chain=downloader, trust_roots=[pki.root], now=Clock()
        )
        assert_rejected(verifier, *signed_request(pki), "could not fetch certificate chain")


def test_a_refused_connection_is_a_download_error() -> None:
    with chain_server(respond(200, b"")) as (port, _):
        pass  # the port is free again
    with pytest.raises(ChainDownloadError, match="failed"):
        ChainDownloader(connect=connect_to(port))(CHAIN_URL)


def test_a_real_chain_downloaded_from_the_local_server_verifies(pki: Pki) -> None:
    with chain_server(respond(200, pki.good_chain)) as (port, heads):
        verifier = RequestVerifier(
            skill_id=SKILL_ID,
            fetch_chain=ChainDownloader(connect=connect_to(port)),
            trust_roots=[pki.root],
            now=Clock(),
        )
        verifier.verify(*signed_request(pki))
        verifier.verify(*signed_request(pki))
    assert len(heads) == 1  # cached


# -- how many at once: one download per URL (finding 2) -----------------------------------------


class GatedFetcher(RecordingFetcher):
    """A fetcher that blocks until the test opens the gate, counting calls."""

    def __init__(self, pem: bytes) -> None:
        super().__init__(pem)
        self.gate = threading.Event()
        self.lock = threading.Lock()

    def __call__(self, url: str) -> bytes:
        with self.lock:
            self.urls.append(url)
        self.gate.wait(5)
        return self.pem


def _verify_in_threads(
    verifier: RequestVerifier, requests: list
) -> tuple[list[threading.Thread], list[object]]:
    """Start one thread per request; outcomes fill in with "ok" or the exception raised."""
    outcomes: list[object] = [None] * len(requests)

    def run(index: int) -> None:
        try:
            verifier.verify(*requests[index])
            outcomes[index] = "ok"
        except Exception as exc:
            outcomes[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    return threads, outcomes


def test_concurrent_requests_for_one_uncached_chain_share_one_download(pki: Pki) -> None:
    """On main each of these 12 requests started its own download."""
    fetcher = GatedFetcher(pki.good_chain)
    verifier = RequestVerifier(
        skill_id=SKILL_ID, fetch_chain=fetcher, trust_roots=[pki.root], now=Clock()
    )
    threads, outcomes = _verify_in_threads(verifier, [signed_request(pki) for _ in range(12)])
    time.sleep(0.3)  # let every thread reach the download
    fetcher.gate.set()
    for thread in threads:
        thread.join(10)
    assert outcomes == ["ok"] * 12
    assert fetcher.urls == [CHAIN_URL]


def test_followers_of_a_failed_download_fail_too_and_the_next_request_retries(pki: Pki) -> None:
    fetcher = GatedFetcher(b"not a chain")
    verifier = RequestVerifier(
        skill_id=SKILL_ID, fetch_chain=fetcher, trust_roots=[pki.root], now=Clock()
    )
    threads, outcomes = _verify_in_threads(verifier, [signed_request(pki) for _ in range(4)])
    time.sleep(0.3)
    fetcher.gate.set()
    for thread in threads:
        thread.join(10)
    assert all("not valid PEM" in str(outcome) for outcome in outcomes)
    assert fetcher.urls == [CHAIN_URL]

    fetcher.pem = pki.good_chain
    verifier.verify(*signed_request(pki))
    assert fetcher.urls == [CHAIN_URL, CHAIN_URL]


def test_downloads_of_many_different_urls_beyond_the_limit_fail_fast(pki: Pki) -> None:
    fetcher = GatedFetcher(pki.good_chain)
    verifier = RequestVerifier(
        skill_id=SKILL_ID, fetch_chain=fetcher, trust_roots=[pki.root], now=Clock()
    )
    urls = [f"https://s3.amazonaws.com/echo.api/made-up-{i}.pem" for i in range(10)]
    threads, outcomes = _verify_in_threads(verifier, [signed_request(pki, url=u) for u in urls])
    time.sleep(0.5)
    busy = [o for o in outcomes if o is not None]  # those that already answered
    fetcher.gate.set()
    for thread in threads:
        thread.join(10)
    assert len(fetcher.urls) == 4
    assert len(busy) == 6
    assert all("too many certificate chain downloads" in str(o) for o in busy)


# -- the cache: keyed on the canonical URL, never displaced by failures (finding 3) ------------


def test_query_strings_cannot_bust_the_cache(pki: Pki) -> None:
    """On main each ?n=i passed the URL check, was downloaded, and evicted the real entry."""
    verifier, fetcher = make_verifier(pki)
    verifier.verify(*signed_request(pki))
    for n in range(40):
        assert_rejected(verifier, *signed_request(pki, url=f"{CHAIN_URL}?n={n}"), "query")
    verifier.verify(*signed_request(pki))
    assert fetcher.urls == [CHAIN_URL]


def test_spellings_of_one_url_share_one_cache_entry(pki: Pki) -> None:
    verifier, fetcher = make_verifier(pki)
    spellings = [
        CHAIN_URL,
        CHAIN_URL.replace("https://s3.amazonaws.com", "HTTPS://S3.AMAZONAWS.COM:443"),
        CHAIN_URL.replace("/echo.api/", "/echo.api/./"),
        CHAIN_URL.replace("/echo.api/", "/echo.api//../echo.api/"),
    ]
    for url in spellings:
        verifier.verify(*signed_request(pki, url=url))
    assert fetcher.urls == [CHAIN_URL]
    assert len(verifier.cache) == 1


def test_failed_downloads_of_other_urls_never_evict_the_good_chain(pki: Pki) -> None:
    good = RecordingFetcher(pki.good_chain)

    def fetch(url: str) -> bytes:
        if url != CHAIN_URL:
            raise ChainDownloadError("unexpected HTTP status 403")
        return good(url)

    verifier = RequestVerifier(
        skill_id=SKILL_ID, fetch_chain=fetch, trust_roots=[pki.root], now=Clock()
    )
    verifier.verify(*signed_request(pki))
    for n in range(40):
        url = f"https://s3.amazonaws.com/echo.api/missing-{n}.pem"
        assert_rejected(verifier, *signed_request(pki, url=url), "could not fetch")
    verifier.verify(*signed_request(pki))
    assert good.urls == [CHAIN_URL]
