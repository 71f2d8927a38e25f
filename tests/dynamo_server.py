"""A local DynamoDB-compatible server for the storage tests: moto, over HTTP, on 127.0.0.1.

The adapters talk to it through boto3 exactly as they would talk to AWS, so the tests cover
the real wire protocol, conditional writes and the 400 KB item limit; nothing ever reaches
AWS (fake credentials, a loopback endpoint, no config files).

Why not ``moto.server.ThreadedMotoServer`` as it is: it serves each request on its own thread,
and moto checks a ``ConditionExpression`` and then stores the item without a lock, so two
conditional writes racing in moto could both pass -- a lost update that real DynamoDB never
allows. This server handles one request at a time (same moto application, same request
handler), which makes every request atomic as it is in DynamoDB, while the clients still race
between their reads and their writes.

moto keeps its tables in memory in this process, not in the server, so the server can be
stopped (the storage is down) and started again on the same port with everything intact.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Iterator

import pytest
from moto.moto_server.werkzeug_app import MotoRequestHandler, create_backend_app
from werkzeug.serving import BaseWSGIServer, make_server

REGION = "us-east-1"

FAKE_AWS_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}
UNSET_AWS_ENVIRONMENT = ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_PROFILE", "AWS_REGION")


class LocalDynamoDB:
    """moto's DynamoDB served on a loopback port, one request at a time; stoppable."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = 0  # the first start picks a free port; restarts reuse it
        self._app = create_backend_app("dynamodb")  # as ``moto_server dynamodb`` serves it
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> None:
        """Serve on ``self.port`` (a free one the first time); raises if it cannot bind."""
        if self._server is not None:
            return
        server = make_server(
            self.host, self.port, self._app, threaded=False, request_handler=MotoRequestHandler
        )
        self.port = server.server_port
        self._thread = threading.Thread(
            target=server.serve_forever, name=f"moto-dynamodb-{self.port}", daemon=True
        )
        self._thread.start()
        self._server = server

    def stop(self) -> None:
        """Stop serving and close the port: connections are refused until ``start``."""
        if self._server is None:
            return
        self._server.shutdown()  # serve_forever returns, and werkzeug closes the socket
        assert self._thread is not None
        self._thread.join(timeout=10)
        self._server.server_close()
        self._server = None


@contextlib.contextmanager
def running_dynamodb() -> Iterator[LocalDynamoDB]:
    """A started local DynamoDB, with fake AWS credentials in the environment meanwhile.

    For a session-scoped fixture. A server that cannot start raises, so the tests that need
    it fail; they are never skipped.
    """
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    with pytest.MonkeyPatch.context() as env:
        for name in UNSET_AWS_ENVIRONMENT:
            env.delenv(name, raising=False)
        for name, value in FAKE_AWS_ENVIRONMENT.items():
            env.setenv(name, value)
        server = LocalDynamoDB()
        server.start()
        try:
            yield server
        finally:
            server.stop()
