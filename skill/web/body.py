"""Read the request body whole, at most a cap, or say why it cannot be read.

Flask's ``MAX_CONTENT_LENGTH`` only judges a body by its ``Content-Length``. A chunked body has
none: under gunicorn one over the cap was silently cut short (and answered "not valid JSON", or
even 200), and a malformed chunk size escaped ``request.get_data()`` as a 500. Reading the
stream here, with the server's own errors caught, gives each its status: 413 for too large, 400
for a body that is not valid chunked encoding or ends early.
"""

from __future__ import annotations

from typing import Any

from werkzeug.wsgi import get_content_length, get_input_stream

_READ_BYTES = 16 * 1024


class UnreadableBody(Exception):
    """The body was refused before parsing; ``status`` and ``reason`` are the answer."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def read_body(environ: dict[str, Any], max_bytes: int) -> bytes:
    """The whole body, or UnreadableBody (413 past ``max_bytes``, 400 if it cannot be read)."""
    too_large = UnreadableBody(413, f"body is larger than {max_bytes} bytes")
    length = get_content_length(environ)
    if length is not None and length > max_bytes:  # nothing needs reading to know
        raise too_large
    # Bounded by Content-Length, or the server's own end of a chunked body; never unbounded.
    stream = get_input_stream(environ)
    data = bytearray()
    try:
        while chunk := stream.read(_READ_BYTES):
            data.extend(chunk)
            if len(data) > max_bytes:
                raise too_large
    except UnreadableBody:
        raise
    except Exception as exc:  # gunicorn's InvalidChunkSize, NoMoreData...; werkzeug's disconnect
        raise UnreadableBody(
            400, f"body could not be read ({type(exc).__name__}): malformed or cut short"
        ) from exc
    return bytes(data)
