"""HTTPS on the clinic network, for real: `staffconsole serve` under uvicorn with the
certificate from `tls init`; the kiosk client verifies it against ca_file, and
`kiosk doctor` refuses a server whose certificate does not verify, saying why."""

from __future__ import annotations

import socket
import subprocess

import pytest
from support import console_script, free_port, run_cli, run_kiosk_doctor, wait_for

from kiosk.client import KioskClient, Untrusted

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    """(https URL, kiosk token, clinic CA, another CA) with the server over TLS."""
    tmp = tmp_path_factory.mktemp("tls")
    run_cli("tls", "init", "--dir", str(tmp / "clinic"), "--san", "localhost")
    run_cli("tls", "init", "--dir", str(tmp / "other"), "--san", "localhost")
    db = tmp / "seen.db"
    token = run_cli("kiosk", "add", "Lobby", "--db", str(db)).stdout.strip().splitlines()[-1]
    port = free_port()
    with open(tmp / "server.log", "wb") as log:
        proc = subprocess.Popen(
            [
                console_script("staffconsole"),
                "serve",
                "--db",
                str(db),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--tls-cert",
                str(tmp / "clinic" / "server.pem"),
                "--tls-key",
                str(tmp / "clinic" / "server.key"),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def up():
        assert proc.poll() is None, (tmp / "server.log").read_text()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            return False

    wait_for(up, timeout=20, what="TLS server")
    yield (f"https://localhost:{port}", token, tmp / "clinic" / "ca.pem", tmp / "other" / "ca.pem")
    proc.terminate()
    proc.wait(10)


def test_the_client_talks_https_verified_by_the_clinic_ca(tls_server):
    url, token, ca, _ = tls_server
    client = KioskClient(url, token, ca_file=str(ca))
    assert client.healthz()
    assert "server_time" in client.heartbeat("2026-11-22T10:00:00+00:00", "t", "ok")


@pytest.mark.parametrize("which", ["system", "other"])
def test_an_unverified_server_is_refused(tls_server, which):
    url, token, _, other = tls_server
    client = KioskClient(url, token, ca_file=str(other) if which == "other" else "")
    with pytest.raises(Untrusted) as raised:
        client.heartbeat("2026-11-22T10:00:00+00:00", "t", "ok")
    against = f"ca_file {other}" if which == "other" else "the system's CAs"
    assert str(raised.value).startswith(
        f"heartbeat: the certificate of {url} does not verify against {against}: "
    )
    assert raised.value.kind == "offline"  # nothing was sent: the flow may say so


def test_doctor_passes_over_verified_tls(tls_server, tmp_path):
    url, token, ca, _ = tls_server
    proc = run_kiosk_doctor(tmp_path, url, token, ca)
    assert f"PASS server: {url} answers /healthz over verified TLS" in proc.stdout
    assert "PASS token: accepted" in proc.stdout
    assert f"PASS tls: https, the server's certificate checked against ca_file {ca}" in proc.stdout


def test_doctor_refuses_a_server_its_ca_does_not_vouch_for(tls_server, tmp_path):
    url, token, _, other = tls_server
    proc = run_kiosk_doctor(tmp_path, url, token, other)
    assert proc.returncode == 1
    line = next(x for x in proc.stdout.splitlines() if x.startswith("FAIL server:"))
    assert line.startswith(
        f"FAIL server: refusing an unverified server: healthz: the "
        f"certificate of {url} does not verify against ca_file {other}: "
    )
    assert "PASS token" not in proc.stdout


def test_a_missing_ca_file_is_a_config_error(tmp_path):
    proc = run_kiosk_doctor(tmp_path, "https://localhost:1", "t", "clinic-ca.pem")
    assert proc.returncode == 1
    missing = tmp_path / "clinic-ca.pem"
    assert proc.stdout.strip() == (
        f"FAIL config: {tmp_path / 'kiosk.toml'}: ca_file = "
        f"'clinic-ca.pem': file not found ({missing})"
    )
