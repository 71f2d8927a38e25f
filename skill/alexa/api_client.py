"""The skill's client for Alexa's APIs, made when the first call is: most requests make none.

ask-sdk-core's ``DefaultApiClient`` imports ``requests`` (urllib3, http.client, ssl, email...),
about a fifth of a cold start, for calls only reminder requests make. The skill is built with
this stand-in, which makes the real ``TimedApiClient`` on the first call and hands every call
to it, so what is sent and received is exactly what that client sends and receives.
"""

from __future__ import annotations

import threading
from typing import Any

from ask_sdk_core.exceptions import ApiClientException
from ask_sdk_model.services import ApiClient

#: Where Alexa's APIs are, as Amazon documents them (North America, Europe, Far East; the
#: Reminders reference spells the Far East host both ways). The request names one in
#: ``context.System.apiEndpoint``, and the SDK sends the person's token to whatever it names:
#: a forged request must not make the skill call, or carry a token to, any other host.
ALEXA_API_ORIGINS = (
    "https://api.amazonalexa.com",
    "https://api.eu.amazonalexa.com",
    "https://api.fe.amazonalexa.com",
    "https://api.fe.amazon.com",
)


def is_alexa_api(url: object) -> bool:
    """Whether ``url`` is on one of Alexa's API hosts: its authority ends at the "/" after one
    of the origins, so no userinfo, port, backslash or longer host name can follow it."""
    return isinstance(url, str) and any(url.startswith(f"{o}/") for o in ALEXA_API_ORIGINS)


class AlexaApiClient(ApiClient):
    """``TimedApiClient``, created on first use, for Alexa's own API hosts only."""

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
        if not is_alexa_api(getattr(request, "url", None)):
            raise ApiClientException("apiEndpoint is not one of Alexa's API hosts")
        return self.client.invoke(request)
