"""The sandbox's own certificate authority and the server certificate it signs.

simple_salesforce only speaks HTTPS, and code that logs in to login.salesforce.com must reach the
sandbox through a proxy that answers for `*.salesforce.com`. So on first run the sandbox creates a
local CA and a certificate for 127.0.0.1, localhost, the served host and the Salesforce hosts, in
`tls_dir`; later runs reuse them while the certificate covers the hosts asked for, was signed by
that CA and has a month left. Clients trust the CA through `REQUESTS_CA_BUNDLE` (the bundle also
holds certifi's roots, so other HTTPS keeps working) or `NODE_EXTRA_CA_CERTS` (the CA alone).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import ipaddress
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from core.atomic import atomic_write

CA_CERT, CA_KEY = "ca.pem", "ca-key.pem"
SERVER_CERT, SERVER_KEY = "server.pem", "server-key.pem"
BUNDLE = "ca-bundle.pem"
#: login., test. and a My Domain host (wildcards cover one label only).
SALESFORCE_HOSTS = ("*.salesforce.com", "*.my.salesforce.com")
LOCAL_HOSTS = ("localhost", "127.0.0.1")
CA_DAYS, SERVER_DAYS, RENEW_DAYS = 3650, 825, 30


@dataclass(frozen=True)
class TlsFiles:
    """Where the CA, the server certificate and key, and the client bundle are."""

    ca_cert: Path
    server_cert: Path
    server_key: Path
    bundle: Path

    def server_context(self) -> ssl.SSLContext:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(self.server_cert, self.server_key)
        ctx.set_alpn_protocols(["http/1.1"])
        return ctx

    def client_context(self) -> ssl.SSLContext:
        """A context that trusts the sandbox CA (for in-process clients)."""
        return ssl.create_default_context(cafile=str(self.ca_cert))


def ensure_tls(tls_dir: Path, hosts: Iterable[str] = ()) -> TlsFiles:
    """The CA and a server certificate covering `hosts` plus the local and Salesforce hosts,
    created or renewed as needed (under a file lock: two sandboxes may start together)."""
    tls_dir = Path(tls_dir)
    tls_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    wanted = sorted(set(LOCAL_HOSTS) | set(SALESFORCE_HOSTS) | {h for h in hosts if h})
    files = TlsFiles(tls_dir / CA_CERT, tls_dir / SERVER_CERT, tls_dir / SERVER_KEY,
                     tls_dir / BUNDLE)
    with open(tls_dir / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        ca_cert, ca_key = _ensure_ca(tls_dir)
        if not _server_cert_ok(files.server_cert, ca_cert, wanted):
            key = ec.generate_private_key(ec.SECP256R1())
            cert = _server_cert(key, ca_cert, ca_key, wanted)
            _write(files.server_key, _key_pem(key), private=True)
            _write(files.server_cert, cert.public_bytes(serialization.Encoding.PEM))
        _write(files.bundle, ca_cert.public_bytes(serialization.Encoding.PEM) + _system_roots())
    return files


def _ensure_ca(tls_dir: Path) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    cert_path, key_path = tls_dir / CA_CERT, tls_dir / CA_KEY
    if cert_path.exists() and key_path.exists():
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        if isinstance(key, ec.EllipticCurvePrivateKey) and _days_left(cert) > RENEW_DAYS:
            return cert, key
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Entropic CRMArena"),
                      x509.NameAttribute(NameOID.COMMON_NAME, "Entropic CRMArena sandbox CA")])
    now = _now()
    cert = (x509.CertificateBuilder()
            .subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=CA_DAYS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                         content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False,
                                         encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .sign(key, hashes.SHA256()))
    _write(key_path, _key_pem(key), private=True)
    _write(cert_path, cert.public_bytes(serialization.Encoding.PEM))
    return cert, key


def _server_cert(key: ec.EllipticCurvePrivateKey, ca_cert: x509.Certificate,
                 ca_key: ec.EllipticCurvePrivateKey, hosts: list[str]) -> x509.Certificate:
    now = _now()
    ca_ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    return (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hosts[0])]))
            .issuer_name(ca_cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=SERVER_DAYS))
            .add_extension(x509.SubjectAlternativeName([_general_name(h) for h in hosts]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=False,
                                         crl_sign=False, content_commitment=False,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, encipher_only=False,
                                         decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))


def _server_cert_ok(path: Path, ca_cert: x509.Certificate, hosts: list[str]) -> bool:
    """True when the certificate exists, was issued by this CA, covers `hosts` and has time."""
    if not path.exists() or not path.with_name(SERVER_KEY).exists():
        return False
    try:
        cert = x509.load_pem_x509_certificate(path.read_bytes())
        cert.verify_directly_issued_by(ca_cert)
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (ValueError, TypeError, x509.ExtensionNotFound, InvalidSignature):
        return False
    covered = {str(v) for v in san.get_values_for_type(x509.DNSName)} | \
              {str(v) for v in san.get_values_for_type(x509.IPAddress)}
    return set(hosts) <= covered and _days_left(cert) > RENEW_DAYS


def _general_name(host: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return x509.DNSName(host)


def _system_roots() -> bytes:
    """certifi's roots, so a shell with REQUESTS_CA_BUNDLE set still reaches other hosts."""
    try:
        import certifi
    except ImportError:
        return b""
    return b"\n" + Path(certifi.where()).read_bytes()


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _write(path: Path, data: bytes, private: bool = False) -> None:
    """Atomic write; private keys readable by the owner only."""
    atomic_write(path, data, private=private)


def _days_left(cert: x509.Certificate) -> float:
    return (cert.not_valid_after_utc - _now()).total_seconds() / 86400


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
