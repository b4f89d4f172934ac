"""When the server's certificate, and the clinic CA this kiosk trusts, end: for `kiosk doctor`.

One TLS handshake with the server, verified as the kiosk's client verifies it (ca_file,
or the system's CAs), then the dates of the certificate the server presented and of the
CAs in ca_file. Standard library only: the kiosk has no X.509 parser of its own.
"""

from __future__ import annotations

import socket
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit


class PeerCertError(Exception):
    """The server's certificate could not be read; the message says why."""


@dataclass(frozen=True)
class CertDates:
    server_not_after: datetime
    ca_not_after: tuple[tuple[str, datetime], ...]  # (CA's name, end) for each in ca_file


def _when(text: str) -> datetime:
    return datetime.fromtimestamp(ssl.cert_time_to_seconds(text), UTC)


def _name(subject) -> str:
    fields = dict(pair for rdn in subject for pair in rdn)
    return fields.get("commonName") or fields.get("organizationName") or "a CA"


def read_dates(
    server_url: str, ca_file: str, timeout: float | tuple[float, float] = 5.0
) -> CertDates:
    """The end dates for an https server_url; PeerCertError when the handshake fails.
    timeout: seconds, or the client's (connect, read) pair."""
    if isinstance(timeout, tuple):
        timeout = max(timeout)
    parts = urlsplit(server_url)
    host, port = parts.hostname, parts.port or 443
    if parts.scheme != "https" or not host:
        raise PeerCertError(f"{server_url}: not an https URL")
    try:
        context = ssl.create_default_context(cafile=ca_file or None)
        with (
            socket.create_connection((host, port), timeout=timeout) as raw,
            context.wrap_socket(raw, server_hostname=host) as tls,
        ):
            peer = tls.getpeercert()
    except (OSError, ssl.SSLError, ValueError) as e:
        raise PeerCertError(f"{host}:{port}: {e}") from None
    if not peer or "notAfter" not in peer:
        raise PeerCertError(f"{host}:{port}: the server sent no certificate dates")
    cas = ()
    if ca_file:
        cas = tuple(
            (_name(ca.get("subject", ())), _when(ca["notAfter"]))
            for ca in context.get_ca_certs()
            if "notAfter" in ca
        )
    return CertDates(_when(peer["notAfter"]), cas)
