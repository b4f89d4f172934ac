"""What `staffconsole serve` offers over TLS and when it refuses plain HTTP (issue 16,
part 7), against the real uvicorn process: a client that offers only CBC suites over
TLS 1.2 is refused, an AEAD one and TLS 1.3 are served; plain HTTP on 0.0.0.0 stops the
start-up with a message naming allow_plain_http and the file, unless allowed."""

from __future__ import annotations

import os
import socket
import ssl
import subprocess

import pytest
from support import console_script, free_port, run_cli, start_server, wait_for

from staffconsole.config import load_settings
from staffconsole.tls import TlsError
from staffconsole.tls_policy import AEAD_CIPHERS, is_loopback, serve_options

pytestmark = pytest.mark.e2e

# The suites Python's and uvicorn's defaults still offered over TLS 1.2 with an EC key.
CBC_SUITES = "ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA384:ECDHE-ECDSA-AES128-SHA"


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("tls-policy")
    folder = tmp / "tls"
    run_cli("tls", "init", "--dir", str(folder), "--san", "localhost")
    env = {"SEEN_TLS_CERT": str(folder / "server.pem"), "SEEN_TLS_KEY": str(folder / "server.key")}
    server = start_server(tmp, env=env)
    yield int(server.url.rsplit(":", 1)[1]), folder / "ca.pem"
    server.stop()


def handshake(port, ca, ciphers=None, version=ssl.TLSVersion.TLSv1_2):
    """(protocol, cipher) the server agreed to with a client limited to `version`."""
    context = ssl.create_default_context(cafile=str(ca))
    context.maximum_version = version
    if ciphers:
        context.set_ciphers(ciphers)
    with (
        socket.create_connection(("127.0.0.1", port), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname="localhost") as tls,
    ):
        return tls.version(), tls.cipher()[0]


def test_a_cbc_only_tls_1_2_client_is_refused(tls_server):
    port, ca = tls_server
    with pytest.raises(ssl.SSLError) as refused:
        handshake(port, ca, CBC_SUITES)
    # Refused in the handshake (uvicorn drops the connection), not for its certificate.
    assert not isinstance(refused.value, ssl.SSLCertVerificationError)


@pytest.mark.parametrize(
    "suite", ["ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305", None]
)
def test_aead_tls_1_2_clients_are_served(tls_server, suite):
    port, ca = tls_server
    # A client that offers CBC first still gets an AEAD suite.
    offered = f"{CBC_SUITES}:{suite}" if suite else f"{CBC_SUITES}:ECDHE+AESGCM"
    protocol, cipher = handshake(port, ca, offered)
    assert protocol == "TLSv1.2" and cipher == (suite or "ECDHE-ECDSA-AES256-GCM-SHA384")


def test_tls_1_3_is_served(tls_server):
    port, ca = tls_server
    protocol, cipher = handshake(port, ca, version=ssl.TLSVersion.TLSv1_3)
    assert protocol == "TLSv1.3" and cipher.startswith("TLS_")


def test_every_tls_1_2_suite_offered_is_aead_with_forward_secrecy():
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.set_ciphers(AEAD_CIPHERS)
    offered = [c for c in context.get_ciphers() if c["protocol"] == "TLSv1.2"]
    assert offered and all(c["aead"] and c["kea"] == "kx-ecdhe" for c in offered)
    assert context.minimum_version == ssl.TLSVersion.TLSv1_2  # nothing older


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.1.1", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("10.0.0.5", False),
        ("console.clinic.lan", False),
    ],
)
def test_loopback_hosts(host, loopback):
    assert is_loopback(host) is loopback


def test_serve_options(tmp_path):
    run_cli("tls", "init", "--dir", str(tmp_path), "--san", "localhost")
    cert, key = str(tmp_path / "server.pem"), str(tmp_path / "server.key")

    def options(**values):
        return serve_options(load_settings(environ={}, overrides=values), "/etc/seen/server.toml")

    assert options(host="0.0.0.0", tls_cert=cert, tls_key=key) == {
        "ssl_certfile": cert,
        "ssl_keyfile": key,
        "ssl_ciphers": AEAD_CIPHERS,
    }
    assert options(host="127.0.0.1") == {}
    assert options(host="0.0.0.0", allow_plain_http=True) == {}
    with pytest.raises(TlsError, match=r"allow_plain_http = true in /etc/seen/server.toml"):
        options(host="10.0.0.5")


def serve(*args, env=None):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SEEN_")}
    return subprocess.Popen(
        [console_script("staffconsole"), "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**environ, **(env or {})},
    )


def test_plain_http_on_every_interface_is_refused_at_start_up(tmp_path):
    db = str(tmp_path / "s.db")
    proc = serve("--db", db, "--host", "0.0.0.0", "--port", str(free_port()))
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert out.strip() == (
        "staffconsole: host = '0.0.0.0' without tls_cert and tls_key would send patients' "
        "names over the network unencrypted: set tls_cert and tls_key (staffconsole tls "
        "init), or allow_plain_http = true in the server's settings file (--config), or "
        "SEEN_ALLOW_PLAIN_HTTP=true if something else encrypts the traffic"
    )


def test_allow_plain_http_lets_it_start(tmp_path):
    port = free_port()
    config = tmp_path / "server.toml"
    config.write_text(
        f'[server]\ndb_path = "{tmp_path / "s.db"}"\nhost = "0.0.0.0"\nport = {port}\n'
        "allow_plain_http = true\n"
    )
    proc = serve("--config", str(config))
    try:

        def up():
            assert proc.poll() is None, proc.stdout.read()
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    return True
            except OSError:
                return False

        wait_for(up, timeout=30, what="plain HTTP server")
    finally:
        proc.terminate()
        proc.communicate(timeout=10)
