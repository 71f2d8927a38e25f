"""Is the signing certificate Amazon's? Parse the PEM chain and validate it.

Path validation uses ``PolicyBuilder(...).build_server_verifier(DNSName("echo-api.amazon.com"))``:
it is the only ``cryptography`` verifier that checks the subject alternative name, and it applies
the CA/Browser-Forum ("web PKI") profile that Amazon's publicly trusted certificate follows
(leaf must carry the serverAuth extended key usage). A client verifier would skip the name check
and demand the clientAuth usage instead. We additionally require an *exact* SAN match, because the
server verifier would also accept a wildcard such as ``*.amazon.com``, and Amazon's rule (like the
official SDK) asks for ``echo-api.amazon.com`` itself.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Sequence
from datetime import datetime

import certifi
from ask_sdk_webservice_support.verifier_constants import CERT_CHAIN_DOMAIN
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509 import verification as x509_verification

from skill.web.verification.errors import VerificationError


def parse_cert_chain(pem: bytes) -> list[x509.Certificate]:
    """Parse every PEM certificate in ``pem``; the first one is the signing (leaf) certificate.

    Amazon serves the leaf followed by its intermediates, which is the order the path validation
    below expects.
    """
    try:
        chain = x509.load_pem_x509_certificates(pem)
    except ValueError as exc:
        raise VerificationError("certificate chain is not valid PEM") from exc
    if not chain:  # pragma: no cover - cryptography raises instead, but be explicit
        raise VerificationError("certificate chain is empty")
    return chain


@functools.cache
def load_certifi_roots() -> tuple[x509.Certificate, ...]:
    """Load the Mozilla root bundle shipped by certifi (the default trust store).

    Amazon's signing certificate chains to a public CA, so the same roots a browser trusts are the
    right ones. Certificates that this ``cryptography`` version refuses to parse (the bundle has a
    legacy root with a non-positive serial number) are skipped rather than breaking every request.
    """
    with open(certifi.where(), "rb") as handle:
        bundle = handle.read()
    end_marker = b"-----END CERTIFICATE-----"
    roots: list[x509.Certificate] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        for block in bundle.split(end_marker)[:-1]:
            try:
                roots.append(x509.load_pem_x509_certificate(block + end_marker))
            except ValueError:  # pragma: no cover - depends on the bundle/cryptography pair
                continue
    return tuple(roots)


def check_leaf_san(leaf: x509.Certificate) -> None:
    """Require ``echo-api.amazon.com`` among the leaf's SubjectAlternativeName DNS names.

    A valid chain only proves *somebody* got a certificate from a public CA; the name proves it
    was Amazon's Alexa signing service. The match is exact (case-insensitive), not wildcard.
    """
    try:
        san = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound as exc:
        raise VerificationError("signing certificate has no subject alternative names") from exc
    names = {name.lower() for name in san.get_values_for_type(x509.DNSName)}
    if CERT_CHAIN_DOMAIN not in names:
        raise VerificationError(f"signing certificate is not issued to {CERT_CHAIN_DOMAIN}")


#: The smallest RSA key trusted to sign a request: the CA/Browser Forum's minimum, and the size
#: of Amazon's own. cryptography's path validation accepted a 1024-bit leaf key.
MIN_RSA_KEY_BITS = 2048


def check_signing_use(leaf: x509.Certificate) -> None:
    """Require the leaf to be fit for signing: a key usage that allows digital signatures (if
    it has one) and an RSA key of at least MIN_RSA_KEY_BITS (a 1024-bit key can be factored).

    Path validation alone accepted both: a leaf whose key usage said "not for signatures",
    and a 1024-bit key.
    """
    try:
        usage = leaf.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        usage = None
    if usage is not None and not usage.digital_signature:
        raise VerificationError("signing certificate's key usage does not allow signatures")
    key = leaf.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise VerificationError("signing certificate does not hold an RSA key")
    if key.key_size < MIN_RSA_KEY_BITS:
        raise VerificationError(f"signing key is shorter than {MIN_RSA_KEY_BITS} bits")


def check_cert_chain(
    chain: Sequence[x509.Certificate],
    trust_store: x509_verification.Store,
    now: datetime,
) -> x509.Certificate:
    """Validate ``chain`` (leaf first) and return the leaf certificate.

    Checks, in order of cheapness and clarity of the error: the leaf is valid at ``now``, it names
    ``echo-api.amazon.com``, it is fit for signing, and it chains (through the supplied
    intermediates) to a root in ``trust_store`` with every certificate valid at ``now``.
    Without the trust check anyone could mint a self-signed certificate with the right name.
    """
    if not chain:
        raise VerificationError("certificate chain is empty")
    leaf, intermediates = chain[0], list(chain[1:])
    if now < leaf.not_valid_before_utc:
        raise VerificationError("signing certificate is not yet valid")
    if now >= leaf.not_valid_after_utc:
        raise VerificationError("signing certificate has expired")
    check_leaf_san(leaf)
    check_signing_use(leaf)
    verifier = (
        x509_verification.PolicyBuilder()
        .store(trust_store)
        .time(now)
        .build_server_verifier(x509_verification.DNSName(CERT_CHAIN_DOMAIN))
    )
    try:
        verifier.verify(leaf, intermediates)
    except x509_verification.VerificationError as exc:
        raise VerificationError(f"certificate chain is not trusted: {exc}") from exc
    return leaf
