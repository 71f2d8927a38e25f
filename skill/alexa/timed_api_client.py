"""ask-sdk-core's DefaultApiClient with a timeout on every call (it sets none).

The Reminders and settings APIs are called inside Alexa's 8-second deadline, so a slow API must
cost a sentence, not the answer. Imported only when a call is made (``api_client``): it brings
in ``requests``.
"""

from __future__ import annotations

import functools
from typing import Any

from ask_sdk_core.api_client import DefaultApiClient

#: Seconds to connect and to wait for an answer, per call: two calls stay inside Alexa's 8 s.
CONNECT_TIMEOUT_SECONDS = 1.0
READ_TIMEOUT_SECONDS = 2.0


class TimedApiClient(DefaultApiClient):
    """DefaultApiClient whose every request carries (connect, read) timeouts."""

    def _resolve_method(self, request: Any) -> Any:
        method = super()._resolve_method(request)
        return functools.partial(method, timeout=(CONNECT_TIMEOUT_SECONDS, READ_TIMEOUT_SECONDS))
