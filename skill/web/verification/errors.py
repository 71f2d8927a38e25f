"""The one exception every verification step raises, so the endpoint has one thing to catch."""

from __future__ import annotations


class VerificationError(Exception):
    """The request could not be shown to come from Alexa; it must be rejected (HTTP 400).

    ``reason`` is a short human-readable explanation, safe to log (it never contains the body).
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
