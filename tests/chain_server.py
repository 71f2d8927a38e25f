"""A scripted HTTP server on 127.0.0.1 standing in for S3, including a very slow one.

``ChainDownloader`` connects wherever its ``connect`` says; tests point it here. Each behaviour
is a function writing to the accepted socket; the server stops itself when the test ends.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Behaviour = Callable[[socket.socket, threading.Event], None]


def respond(status: int, body: bytes, *, length: int | None = None) -> Behaviour:
    """A whole response at once; ``length`` overrides Content-Length (to promise more)."""

    def behaviour(client: socket.socket, _: threading.Event) -> None:
        head = f"HTTP/1.1 {status} X\r\nContent-Length: {length or len(body)}\r\n\r\n"
        client.sendall(head.encode() + body)

    return behaviour


def dribble(prefix: bytes, every_seconds: float = 0.2) -> Behaviour:
    """Send ``prefix`` then one more byte every ``every_seconds``, for as long as allowed."""

    def behaviour(client: socket.socket, stop: threading.Event) -> None:
        client.sendall(prefix)
        while not stop.wait(every_seconds):
            client.sendall(b"A")

    return behaviour


@contextmanager
def chain_server(behaviour: Behaviour) -> Iterator[tuple[int, list[bytes]]]:
    """Serve ``behaviour`` on a free loopback port; yields (port, request heads received)."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    stop = threading.Event()
    requests: list[bytes] = []

    def serve_one(client: socket.socket) -> None:
        with client:
            client.settimeout(5)
            head = b""
            while b"\r\n\r\n" not in head and len(head) < 65536:
                chunk = client.recv(4096)
                if not chunk:
                    return
                head += chunk
            requests.append(head)
            with contextlib.suppress(OSError):  # the downloader hung up, as it should
                behaviour(client, stop)

    def accept_loop() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=serve_one, args=(client,), daemon=True).start()

    thread = threading.Thread(target=accept_loop, daemon=True)
    thread.start()
    try:
        yield port, requests
    finally:
        stop.set()
        thread.join(5)
        listener.close()


def connect_to(port: int) -> Callable[[float], http.client.HTTPConnection]:
    """A ``ChainDownloader.connect`` for the local server (plain HTTP: TLS is not under test)."""
    return lambda timeout: http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)


def timed(work: Callable[[], object]) -> tuple[float, BaseException | None]:
    """Seconds ``work`` took and what it raised."""
    start = time.monotonic()
    try:
        work()
    except BaseException as exc:  # the caller inspects it
        return time.monotonic() - start, exc
    return time.monotonic() - start, None
