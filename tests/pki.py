"""A throw-away PKI shaped like Alexa's: root CA -> intermediate -> echo-api.amazon.com leaf.

Tests (and the benchmark) sign requests with it and hand the verifier its root as the trust
store and its chain through an injected fetcher, so nothing reaches the network.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

NOW = datetime(2026, 11, 22, 1, 2, 3, tzinfo=UTC)
CHAIN_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-test.pem"


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _ca_cert(
    common_name: str,
    key: rsa.RSAPrivateKey,
    issuer: tuple[x509.Certificate, rsa.RSAPrivateKey] | None = None,
    *,
    not_before: datetime,
    not_after: datetime,
) -> x509.Certificate:
    """A CA certificate; self-signed (a root) when ``issuer`` is None."""
    issuer_name = issuer[0].subject if issuer else _name(common_name)
    signing_key = issuer[1] if issuer else key
    return (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signing_key.public_key()),
            critical=False,
        )
        .sign(signing_key, hashes.SHA256())
    )


def _leaf_cert(
    key: rsa.RSAPrivateKey,
    issuer: tuple[x509.Certificate, rsa.RSAPrivateKey],
    *,
    san: tuple[str, ...] | None = ("echo-api.amazon.com",),
    not_before: datetime = NOW - timedelta(days=30),
    not_after: datetime = NOW + timedelta(days=60),
    digital_signature: bool = True,
) -> x509.Certificate:
    """An end-entity certificate shaped like Amazon's (serverAuth + clientAuth, RSA key)."""
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(san[0] if san else "no-san.example"))
        .issuer_name(issuer[0].subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=digital_signature,
                content_commitment=False,
                key_encipherment=True,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
            ),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer[1].public_key()),
            critical=False,
        )
    )
    if san is not None:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(name) for name in san]), critical=False
        )
    return builder.sign(issuer[1], hashes.SHA256())


def _pem(*certs: x509.Certificate) -> bytes:
    return b"".join(cert.public_bytes(serialization.Encoding.PEM) for cert in certs)


@dataclass(frozen=True)
class Pki:
    root: x509.Certificate
    leaf_key: rsa.RSAPrivateKey
    rogue_key: rsa.RSAPrivateKey
    chains: dict[str, bytes]  # PEM chains, all with leaves holding leaf_key

    @property
    def good_chain(self) -> bytes:
        return self.chains["valid"]


def make_pki() -> Pki:
    """A root, an intermediate and leaves for every way a chain can be wrong."""
    root_key, intermediate_key, leaf_key, rogue_key = _key(), _key(), _key(), _key()
    root = _ca_cert(
        "Foot Coach Test Root",
        root_key,
        not_before=NOW - timedelta(days=365),
        not_after=NOW + timedelta(days=3650),
    )
    intermediate = _ca_cert(
        "Foot Coach Test Intermediate",
        intermediate_key,
        (root, root_key),
        not_before=NOW - timedelta(days=300),
        not_after=NOW + timedelta(days=1800),
    )
    rogue_root = _ca_cert(
        "Rogue Root",
        rogue_key,
        not_before=NOW - timedelta(days=365),
        not_after=NOW + timedelta(days=3650),
    )
    issuer = (intermediate, intermediate_key)
    valid_leaf = _leaf_cert(leaf_key, issuer)
    chains = {
        "valid": _pem(valid_leaf, intermediate),
        "expired": _pem(
            _leaf_cert(
                leaf_key,
                issuer,
                not_before=NOW - timedelta(days=90),
                not_after=NOW - timedelta(days=1),
            ),
            intermediate,
        ),
        "not_yet_valid": _pem(
            _leaf_cert(
                leaf_key,
                issuer,
                not_before=NOW + timedelta(days=1),
                not_after=NOW + timedelta(days=90),
            ),
            intermediate,
        ),
        "no_san": _pem(_leaf_cert(leaf_key, issuer, san=None), intermediate),
        "wrong_san": _pem(_leaf_cert(leaf_key, issuer, san=("evil.example.com",)), intermediate),
        "wildcard_san": _pem(_leaf_cert(leaf_key, issuer, san=("*.amazon.com",)), intermediate),
        "untrusted_root": _pem(_leaf_cert(leaf_key, (rogue_root, rogue_key)), rogue_root),
        "missing_intermediate": _pem(valid_leaf),
        "leaf_only_self_signed": _pem(_leaf_cert(leaf_key, (valid_leaf, leaf_key))),
        "rsa_1024": _pem(
            _leaf_cert(rsa.generate_private_key(public_exponent=65537, key_size=1024), issuer),
            intermediate,
        ),
        "not_for_signing": _pem(
            _leaf_cert(leaf_key, issuer, digital_signature=False), intermediate
        ),
    }
    return Pki(root=root, leaf_key=leaf_key, rogue_key=rogue_key, chains=chains)


def sign(body: bytes, key: rsa.RSAPrivateKey) -> str:
    """The Signature-256 header value for a body: RSA PKCS#1 v1.5 over SHA-256, base64."""
    return base64.b64encode(key.sign(body, padding.PKCS1v15(), hashes.SHA256())).decode()
