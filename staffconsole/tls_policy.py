"""How `staffconsole serve` speaks TLS, and when it refuses to speak without it.

Patients' names and dates of birth cross the clinic network, so the server serves
HTTPS (the certificate from `staffconsole tls init`) and refuses plain HTTP on any
address other than loopback unless `allow_plain_http = true` says someone chose it.
TLS 1.3 as OpenSSL offers it; TLS 1.2 (Python's minimum) with AEAD suites only:
uvicorn's own default cipher string, "TLSv1", also offers CBC suites.
"""

from __future__ import annotations

import ipaddress
from datetime import datetime
from pathlib import Path

from cryptography import x509

from staffconsole.tls import TlsError, check_pair

# Forward secret key exchange and authenticated encryption only (AES-GCM, ChaCha20-Poly1305);
# set_ciphers leaves the TLS 1.3 suites alone, and they are all AEAD.
AEAD_CIPHERS = "ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL"


def is_loopback(host: str) -> bool:
    """Pure: does host only listen on this machine? (A name other than localhost: no.)"""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def serve_options(settings, config_path: str | None = None) -> dict:
    """uvicorn's TLS keyword arguments for settings ({} for plain HTTP on loopback or when
    allowed); TlsError naming the setting (and config_path) when the server must not start."""
    check_pair(settings.tls_cert, settings.tls_key)
    if settings.tls_cert:
        return {
            "ssl_certfile": settings.tls_cert,
            "ssl_keyfile": settings.tls_key,
            "ssl_ciphers": AEAD_CIPHERS,
        }
    if is_loopback(settings.host) or settings.allow_plain_http:
        return {}
    where = config_path or "the server's settings file (--config), or SEEN_ALLOW_PLAIN_HTTP=true"
    raise TlsError(
        f"host = {settings.host!r} without tls_cert and tls_key would send patients' names "
        "over the network unencrypted: set tls_cert and tls_key (staffconsole tls init), "
        f"or allow_plain_http = true in {where} if something else encrypts the traffic"
    )


def not_after(path: str | Path) -> datetime:
    """When the PEM certificate at path expires (UTC); TlsError naming the file otherwise."""
    try:
        cert = x509.load_pem_x509_certificate(Path(path).read_bytes())
    except (OSError, ValueError) as e:
        raise TlsError(f"tls_cert = {str(path)!r}: cannot read the certificate ({e})") from None
    return cert.not_valid_after_utc
