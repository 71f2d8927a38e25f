"""The skill's client for Alexa's APIs, made when the first call is: most requests make none.

ask-sdk-core's ``DefaultApiClient`` imports ``requests`` (urllib3, http.client, ssl, email...),
about a fifth of a cold start, for calls only reminder requests make. The skill is built with
this stand-in, which makes the real ``TimedApiClient`` on the first call and hands every call
to it, so what is sent and received is exactly what that client sends and receives.
"""

from __future__ import annotations

import threading
from typing import Any

from ask_sdk_model.services import ApiClient


class AlexaApiClient(ApiClient):
    """``TimedApiClient``, created on first use."""

    def __init__(self) -> None:
        self._client: ApiClient | None = None
        self._lock = threading.Lock()

    @property
    def client(self) -> ApiClient:
        if self._client is None:
            with self._lock:  # gunicorn threads: one client, made once
                if self._client is None:
                    from skill.alexa.timed_api_client import TimedApiClient

                    self._client = TimedApiClient()
        return self._client

    def invoke(self, request: Any) -> Any:
        return self.client.invoke(request)
