"""Which certificate chain URLs are Amazon's, and the one URL we fetch for each.

The ``SignatureCertChainUrl`` header comes from the (untrusted) request, before its signature
can be checked. Two URL parsers that disagree about it are an open door: the attack that found
``https://evil.com:8443\\@s3.amazonaws.com/echo.api/c.pem`` saw ``urlsplit`` read the host as
``s3.amazonaws.com`` while requests/urllib3 connected to ``evil.com:8443``. So the URL is
parsed once, with an allow-list of characters on which every parser agrees (no backslash, no
``@`` userinfo, no ``%`` escapes, no query string or fragment, no whitespace or non-ASCII),
and the caller gets back a canonical URL rebuilt from the validated parts: the only URL that
is ever fetched, and the cache key, so spelling variants of one URL share one cache entry.

Amazon's rules ("Verify the signature certificate URL"): scheme ``https`` and host
``s3.amazonaws.com`` (both case-insensitive), port 443 if one is given, and a path that starts
with ``/echo.api/`` (case-sensitive) once ``.`` and ``..`` segments are resolved.
"""

from __future__ import annotations

import posixpath
import re

from ask_sdk_webservice_support.verifier_constants import (
    CERT_CHAIN_URL_HOSTNAME,
    CERT_CHAIN_URL_PORT,
    CERT_CHAIN_URL_PROTOCOL,
)

from skill.web.verification.errors import VerificationError

# The SDK builds this constant with os.path.sep, which would be wrong on Windows; URLs always use
# "/", so spell it out.
CERT_CHAIN_URL_START_PATH = "/echo.api/"
#: The only origin a chain is downloaded from, whatever the request said.
CERT_CHAIN_ORIGIN = f"{CERT_CHAIN_URL_PROTOCOL}://{CERT_CHAIN_URL_HOSTNAME}"
#: Longer than any real chain URL (Amazon's are about 60 characters).
MAX_URL_CHARS = 512

#: Characters no parser reads differently, each with the reason it is refused otherwise.
_REFUSED = [
    ("\\", "a backslash"),
    ("@", "user information ('@')"),
    ("%", "percent-encoding"),
    ("?", "a query string"),
    ("#", "a fragment"),
]
#: scheme://authority/path, with only unreserved characters (RFC 3986) in host, port and path.
_URL = re.compile(
    r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<host>[A-Za-z0-9.-]*)(?::(?P<port>[0-9]*))?"
    r"(?P<path>(?:/[A-Za-z0-9._~-]*)*)"
)


def check_cert_chain_url(url: str) -> str:
    """Return the canonical form of an acceptable chain URL, or raise VerificationError.

    The canonical form is ``https://s3.amazonaws.com`` plus the normalised path: no port, no
    ``.``/``..``/empty segments, nothing the request could use to choose another host.
    """
    if not isinstance(url, str) or len(url) > MAX_URL_CHARS:
        raise VerificationError("certificate chain URL is malformed")
    for character, what in _REFUSED:
        if character in url:
            raise VerificationError(f"certificate chain URL must not contain {what}")
    if not url.isascii() or not url.isprintable() or any(c.isspace() for c in url):
        raise VerificationError("certificate chain URL must be printable ASCII without spaces")
    parts = _URL.fullmatch(url)
    if parts is None:
        if "://" not in url:
            raise VerificationError("certificate chain URL must use https")
        raise VerificationError("certificate chain URL is malformed")
    if parts["scheme"].lower() != CERT_CHAIN_URL_PROTOCOL:
        raise VerificationError("certificate chain URL must use https")
    if parts["host"].lower() != CERT_CHAIN_URL_HOSTNAME:
        raise VerificationError(f"certificate chain URL host must be {CERT_CHAIN_URL_HOSTNAME}")
    port = parts["port"]
    if port is not None and port != str(CERT_CHAIN_URL_PORT):
        if not port:
            raise VerificationError("certificate chain URL is malformed")
        raise VerificationError(f"certificate chain URL port must be {CERT_CHAIN_URL_PORT}")
    path = posixpath.normpath(parts["path"]) if parts["path"] else ""
    # normpath keeps a leading "//" (POSIX allows it a meaning); Amazon's path has one "/".
    if not path.startswith(CERT_CHAIN_URL_START_PATH) or path.startswith("//"):
        raise VerificationError(
            f"certificate chain URL path must start with {CERT_CHAIN_URL_START_PATH}"
        )
    return CERT_CHAIN_ORIGIN + path
