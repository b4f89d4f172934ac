"""A small clinic certificate authority and the server's certificate, for HTTPS on the
clinic network without a public CA.

`staffconsole tls init --dir DIR --san console.clinic.lan --san 10.0.0.5` writes:
  ca.pem       the clinic CA certificate: copy it to each kiosk (ca_file in kiosk.toml)
  ca.key       the CA's private key (0600): keep it on the console box, or offline
  server.pem   the server certificate (signed by the CA, with the SANs given)
  server.key   its private key (0600): `staffconsole serve --tls-cert ... --tls-key ...`
An existing CA in DIR is reused, so re-running with new names only renews the server's
certificate and kiosks need no new ca.pem. Keys are EC P-256: small and quick on a Pi.
`staffconsole tls renew --dir DIR` issues the server a new certificate (and key) for the
same names from the same CA, before the old one ends.
"""

from __future__ import annotations

import ipaddress
import os
import stat
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_DAYS = 3650
SERVER_DAYS = 825  # the longest server certificate life browsers still accept
FILES = ("ca.pem", "ca.key", "server.pem", "server.key")


class TlsError(Exception):
    """The certificates could not be made; the message names the file or name at fault."""


@dataclass(frozen=True)
class Issued:
    """What `tls init` wrote, for the command to report."""

    folder: Path
    ca_created: bool
    dns_names: tuple[str, ...]
    ip_addresses: tuple[str, ...]
    not_after: datetime


def split_sans(names: list[str]) -> tuple[list[str], list[str]]:
    """Pure: (DNS names, IP addresses) from the --san values; a bad name raises TlsError."""
    dns, ips = [], []
    for raw in names:
        name = raw.strip()
        try:
            ips.append(str(ipaddress.ip_address(name)))
            continue
        except ValueError:
            pass
        labels = name.rstrip(".").split(".")
        if not name or not all(
            label
            and len(label) <= 63
            and label.replace("-", "").isalnum()
            and label.isascii()
            and not label.startswith("-")
            for label in labels
        ):
            raise TlsError(f"--san {raw!r}: not a host name or IP address")
        dns.append(name.rstrip(".").lower())
    if not dns and not ips:
        raise TlsError("give at least one --san (the name or address kiosks use for the server)")
    return list(dict.fromkeys(dns)), list(dict.fromkeys(ips))


def _write(path: Path, data: bytes, private: bool) -> None:
    # Private keys are created 0600 from the start, never readable by others even briefly.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.chmod(path, 0o600 if private else 0o644)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


CaPair = tuple[x509.Certificate, ec.EllipticCurvePrivateKey]


def _new_ca(folder: Path, clinic: str, now: datetime) -> CaPair:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, clinic),
            x509.NameAttribute(NameOID.COMMON_NAME, f"{clinic} check-in CA"),
        ]
    )
    public = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=CA_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
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
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write(folder / "ca.key", _key_pem(key), private=True)
    _write(folder / "ca.pem", cert.public_bytes(serialization.Encoding.PEM), private=False)
    return cert, key


def _load_ca(folder: Path) -> CaPair:
    try:
        cert = x509.load_pem_x509_certificate((folder / "ca.pem").read_bytes())
        key = serialization.load_pem_private_key((folder / "ca.key").read_bytes(), None)
    except (OSError, ValueError, TypeError) as e:
        raise TlsError(f"{folder}: cannot reuse the existing CA (ca.pem + ca.key): {e}") from None
    return cert, key


def _issue_server(
    folder: Path,
    ca_cert: x509.Certificate,
    ca_key: ec.EllipticCurvePrivateKey,
    dns: list[str],
    ips: list[str],
    now: datetime,
    days: int,
) -> datetime:
    """Write a new server key and certificate for dns + ips, signed by the CA; its end."""
    key = ec.generate_private_key(ec.SECP256R1())
    alt = [x509.DNSName(n) for n in dns] + [x509.IPAddress(ipaddress.ip_address(i)) for i in ips]
    not_after = min(now + timedelta(days=days), ca_cert.not_valid_after_utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, (dns or ips)[0])]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(not_after)
        .add_extension(x509.SubjectAlternativeName(alt), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    _write(folder / "server.key", _key_pem(key), private=True)
    _write(folder / "server.pem", cert.public_bytes(serialization.Encoding.PEM), private=False)
    return not_after


def init(
    folder: str | Path,
    sans: list[str],
    clinic: str = "Seen Clinic",
    now: datetime | None = None,
    days: int = SERVER_DAYS,
) -> Issued:
    """Make (or reuse) the clinic CA in folder and issue the server certificate for sans."""
    now = now or datetime.now(UTC)
    dns, ips = split_sans(sans)
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise TlsError(f"{folder}: cannot create the folder ({e.strerror})") from None
    ca_created = not (folder / "ca.pem").exists()
    if ca_created:
        if (folder / "ca.key").exists():
            raise TlsError(f"{folder}: ca.key exists without ca.pem; move it away first")
        ca_cert, ca_key = _new_ca(folder, clinic, now)
    else:
        ca_cert, ca_key = _load_ca(folder)
    not_after = _issue_server(folder, ca_cert, ca_key, dns, ips, now, days)
    return Issued(folder, ca_created, tuple(dns), tuple(ips), not_after)


def check_pair(cert: str | None, key: str | None) -> None:
    """Both or neither, and both readable: a TlsError naming the setting and file otherwise."""
    if bool(cert) != bool(key):
        given, missing = ("tls_cert", "tls_key") if cert else ("tls_key", "tls_cert")
        raise TlsError(f"{given} is set but {missing} is not: HTTPS needs both")
    for setting, path in (("tls_cert", cert), ("tls_key", key)):
        if path and not Path(path).is_file():
            raise TlsError(f"{setting} = {path!r}: file not found")


@dataclass(frozen=True)
class Renewed:
    """What `tls renew` did, for the command to report."""

    issued: Issued
    previous_not_after: datetime
    ca_not_after: datetime


def renew(folder: str | Path, now: datetime | None = None, days: int = SERVER_DAYS) -> Renewed:
    """A new server certificate in folder for the names of the present one, from its CA."""
    now = now or datetime.now(UTC)
    folder = Path(folder)
    if not (folder / "ca.pem").exists() or not (folder / "ca.key").exists():
        raise TlsError(
            f"{folder}: no clinic CA here (ca.pem and ca.key); renew where `tls init` made "
            "them, or run `staffconsole tls init` to start again"
        )
    ca_cert, ca_key = _load_ca(folder)
    try:
        old = x509.load_pem_x509_certificate((folder / "server.pem").read_bytes())
        names = old.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (OSError, ValueError, x509.ExtensionNotFound) as e:
        raise TlsError(f"{folder / 'server.pem'}: cannot read the names to renew ({e})") from None
    dns = names.get_values_for_type(x509.DNSName)
    ips = [str(ip) for ip in names.get_values_for_type(x509.IPAddress)]
    if ca_cert.not_valid_after_utc <= now:
        raise TlsError(
            f"{folder / 'ca.pem'}: the clinic CA itself expired on "
            f"{ca_cert.not_valid_after_utc:%Y-%m-%d}: move ca.* away, run `tls init` and copy "
            "the new ca.pem to every kiosk"
        )
    key_path = folder / "server.key"
    # The installer lets the service's group read the key (0640): a renewal keeps that,
    # or the server could not start with its new certificate. Never more than 0640.
    key_mode = stat.S_IMODE(key_path.stat().st_mode) & 0o640 if key_path.exists() else 0o600
    not_after = _issue_server(folder, ca_cert, ca_key, dns, ips, now, days)
    os.chmod(key_path, key_mode | 0o600)
    issued = Issued(folder, False, tuple(dns), tuple(ips), not_after)
    return Renewed(issued, old.not_valid_after_utc, ca_cert.not_valid_after_utc)
