"""Download a certificate chain from Amazon's bucket, within a deadline and a size.

Alexa waits about 8 s for the whole answer, and every thread that waits on S3 is a thread
that cannot answer anyone else. A per-read timeout is not a deadline: a server that sends one
byte every two seconds never trips it, and the attack that showed this held worker threads for
as long as it liked. So the whole download (connect, TLS, headers, body) has one deadline,
enforced by a watchdog that shuts the socket when it passes, and a size cap.

The host and port are the downloader's own settings (``s3.amazonaws.com:443`` unless a test
builds a downloader for a local server): the request only ever supplies a path that
``chain_url`` has already validated, so no request can choose where we connect.
"""

from __future__ import annotations

import contextlib
import functools
import http.client
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import field

import certifi
from ask_sdk_webservice_support.verifier_constants import (
    CERT_CHAIN_URL_HOSTNAME,
    CERT_CHAIN_URL_PORT,
)

from skill.values import Value, value_class
from skill.web.verification.chain_url import CERT_CHAIN_ORIGIN, check_cert_chain_url

#: The whole download, well inside Alexa's 8 s: connect, TLS, headers and body together.
DEFAULT_DEADLINE_SECONDS = 2.5
#: A real chain is a few KiB; refuse to buffer anything absurd.
MAX_CHAIN_BYTES = 256 * 1024
_READ_BYTES = 16 * 1024

#: Opens a connection (not yet connected) given the time left, in seconds.
Connect = Callable[[float], http.client.HTTPConnection]


class ChainDownloadError(Exception):
    """The chain could not be downloaded (status, size, deadline or transport)."""


@functools.cache
def _amazon_tls_context() -> ssl.SSLContext:
    return ssl.create_default_context(cafile=certifi.where())


@value_class
class ChainDownloader(Value):
    """``downloader(url) -> PEM bytes`` for canonical chain URLs (see ``check_cert_chain_url``).

    ``connect`` is where the connection goes; by default HTTPS to s3.amazonaws.com:443 with
    certifi's roots. Redirects are never followed (http.client does not), and only a 200 counts.
    """

    deadline_seconds: float = DEFAULT_DEADLINE_SECONDS
    max_bytes: int = MAX_CHAIN_BYTES
    connect: Connect = field(default=None)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.connect is None:
            object.__setattr__(self, "connect", connect_to_amazon)

    def __call__(self, url: str) -> bytes:
        if check_cert_chain_url(url) != url:
            raise ChainDownloadError("only canonical certificate chain URLs are downloaded")
        path = url.removeprefix(CERT_CHAIN_ORIGIN)
        deadline = time.monotonic() + self.deadline_seconds
        connection = self.connect(self.deadline_seconds)
        sockets: list[socket.socket] = []
        watchdog = threading.Timer(self.deadline_seconds, _abort, args=(connection, sockets))
        watchdog.daemon = True
        watchdog.start()
        try:
            connection.connect()
            # http.client hands the socket to the response and forgets it: keep it to shut.
            sockets.append(connection.sock)
            pem = self._download(connection, path)
        except Exception as exc:  # a shut socket surfaces as any of several errors
            if time.monotonic() >= deadline:
                raise self._too_slow() from exc
            if isinstance(exc, ChainDownloadError):
                raise
            raise ChainDownloadError(f"certificate chain download failed: {exc!r}") from exc
        finally:
            watchdog.cancel()
            connection.close()
        if time.monotonic() >= deadline:  # the watchdog may have cut the body short
            raise self._too_slow()
        return pem

    def _too_slow(self) -> ChainDownloadError:
        return ChainDownloadError(
            f"certificate chain download took longer than {self.deadline_seconds} s"
        )

    def _download(self, connection: http.client.HTTPConnection, path: str) -> bytes:
        connection.request("GET", path, headers={"Accept": "*/*", "Connection": "close"})
        response = connection.getresponse()
        if response.status != 200:
            raise ChainDownloadError(f"unexpected HTTP status {response.status}")
        data = bytearray()
        while chunk := response.read1(_READ_BYTES):
            data.extend(chunk)
            if len(data) > self.max_bytes:
                raise ChainDownloadError("certificate chain response is too large")
        if response.length:  # the server promised more than it sent before closing
            raise ChainDownloadError("certificate chain response was cut short")
        return bytes(data)


def connect_to_amazon(timeout_seconds: float) -> http.client.HTTPConnection:
    """An HTTPS connection to s3.amazonaws.com:443, the only place chains come from."""
    return http.client.HTTPSConnection(
        CERT_CHAIN_URL_HOSTNAME,
        CERT_CHAIN_URL_PORT,
        timeout=timeout_seconds,
        context=_amazon_tls_context(),
    )


def _abort(connection: http.client.HTTPConnection, sockets: list[socket.socket]) -> None:
    """The deadline passed: shut the socket so the blocked read returns at once.

    While connecting (TCP or the TLS handshake) the connection holds the socket; afterwards it
    is in ``sockets``.
    """
    for sock in [*sockets, connection.sock]:
        if sock is None:
            continue
        with contextlib.suppress(OSError):  # already closed: nothing left to stop
            sock.shutdown(socket.SHUT_RDWR)


#: The default fetcher of RequestVerifier.
fetch_chain_over_https = ChainDownloader()
