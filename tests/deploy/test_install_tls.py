"""HTTPS by default from the installer (issue 16, part 7): the server role makes the clinic
CA and the server's certificate in /etc/seen/tls, and the server.toml it writes serves
them - shown by starting `staffconsole serve` with that very file (paths moved into the
sandbox) and talking to it over verified TLS. `--no-tls` makes none, and the same file
then refuses to start on 0.0.0.0. All in a `--root` sandbox."""

from __future__ import annotations

import ipaddress
import os
import socket
import ssl
import stat
import subprocess
import tomllib

import httpx
import pytest
from cryptography import x509
from support import REPO, console_script, free_port, wait_for

from staffconsole.config import load_settings

pytestmark = pytest.mark.e2e

SCRIPT = REPO / "deploy" / "raspberry-pi" / "install.sh"
TOOL = {"SEEN_INSTALL_STAFFCONSOLE": console_script("staffconsole")}


def install(root, *args, env=None, check=True) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        ["bash", str(SCRIPT), "--root", str(root), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, **(env or {})},
    )
    if check:
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def server_install(root, *args, check=True):
    return install(root, "--role", "server", *args, env=TOOL, check=check)


def sandboxed_config(root, tmp_path, **changes) -> tuple:
    """The installed server.toml with its paths moved into the sandbox: (path, port)."""
    text = (root / "etc/seen/server.toml").read_text()
    text = text.replace('"/etc/seen/', f'"{root}/etc/seen/')
    text = text.replace('"/var/lib/seen/', f'"{tmp_path}/')
    port = free_port()
    text = text.replace("port = 8400", f"port = {port}")
    for key, value in changes.items():
        text = text.replace(f'{key} = "0.0.0.0"', f'{key} = "{value}"')
    path = tmp_path / "server.toml"
    path.write_text(text)
    return path, port


def serve(config, tmp_path):
    log = open(tmp_path / "serve.log", "wb")  # noqa: SIM115 - closed by the caller's stop
    env_free = {k: v for k, v in os.environ.items() if not k.startswith("SEEN_")}
    proc = subprocess.Popen(
        [console_script("staffconsole"), "serve", "--config", str(config)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env_free,
    )
    return proc, log


def test_the_server_role_makes_certificates_and_its_settings_serve_them(tmp_path):
    root = tmp_path / "root"
    proc = server_install(root, "--tls-san", "localhost", "--tls-san", "10.0.0.5")
    folder = root / "etc/seen/tls"
    assert {p.name: mode(p) for p in folder.iterdir()} == {
        "ca.pem": 0o644,
        "ca.key": 0o600,  # the CA's key: root's alone
        "server.pem": 0o644,
        "server.key": 0o640,  # the service's group reads it
    }
    assert mode(folder) == 0o750
    assert f"would run: chown root:seen {folder} {folder / 'server.key'}" in proc.stdout
    assert "wrote /etc/seen/tls" in proc.stdout and "copy /etc/seen/tls/ca.pem" in proc.stdout
    cert = x509.load_pem_x509_certificate((folder / "server.pem").read_bytes())
    cert.verify_directly_issued_by(x509.load_pem_x509_certificate((folder / "ca.pem").read_bytes()))
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["localhost"]
    assert names.get_values_for_type(x509.IPAddress) == [ipaddress.ip_address("10.0.0.5")]

    settings = load_settings(root / "etc/seen/server.toml", environ={})
    assert (settings.tls_cert, settings.tls_key) == (
        "/etc/seen/tls/server.pem",
        "/etc/seen/tls/server.key",
    )
    assert settings.host == "0.0.0.0" and not settings.allow_plain_http

    # The installed file, as the service would run it (host narrowed for the test).
    config, port = sandboxed_config(root, tmp_path, host="127.0.0.1")
    server, log = serve(config, tmp_path)
    try:
        wait_for(lambda: server.poll() is not None or _answers(port), timeout=30, what="TLS")
        assert server.poll() is None, (tmp_path / "serve.log").read_text()
        trust = ssl.create_default_context(cafile=str(folder / "ca.pem"))
        with httpx.Client(verify=trust, timeout=10) as client:
            assert client.get(f"https://localhost:{port}/healthz").json()["ok"] is True
        with pytest.raises(httpx.HTTPError):  # and no plain HTTP on the same port
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
    finally:
        server.terminate()
        server.wait(10)
        log.close()


def _answers(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def test_a_second_run_keeps_the_ca_the_kiosks_trust(tmp_path):
    server_install(tmp_path, "--tls-san", "console.clinic.lan")
    ca = (tmp_path / "etc/seen/tls/ca.pem").read_bytes()
    again = server_install(tmp_path, "--tls-san", "console.clinic.lan")
    assert "kept /etc/seen/tls (renew with: " in again.stdout
    assert "staffconsole tls renew --dir /etc/seen/tls" in again.stdout
    assert (tmp_path / "etc/seen/tls/ca.pem").read_bytes() == ca


def test_without_a_stand_in_the_dry_run_only_says_what_it_would_run(tmp_path):
    proc = install(tmp_path, "--role", "server", "--tls-san", "console.clinic.lan")
    assert (
        "would run: /opt/seen/venv/bin/staffconsole tls init --dir /etc/seen/tls "
        "--san console.clinic.lan" in proc.stdout
    )
    assert not (tmp_path / "etc/seen/tls").exists()


def test_default_names_are_this_machines(tmp_path):
    proc = install(tmp_path, "--role", "server")
    line = next(x for x in proc.stdout.splitlines() if "tls init" in x)
    host = subprocess.run(["hostname"], capture_output=True, text=True, check=True).stdout.strip()
    assert f"--san {host} --san {host}.local --san localhost --san 127.0.0.1" in line


def test_no_tls_makes_none_and_the_server_then_refuses_plain_http(tmp_path):
    root = tmp_path / "root"
    proc = server_install(root, "--no-tls")
    assert not (root / "etc/seen/tls").exists()
    assert "no certificates (--no-tls)" in proc.stdout
    text = (root / "etc/seen/server.toml").read_text()
    assert '# tls_cert = "/etc/seen/tls/server.pem"' in text
    settings = load_settings(root / "etc/seen/server.toml", environ={})
    assert settings.tls_cert == "" and settings.host == "0.0.0.0"

    config, _ = sandboxed_config(root, tmp_path)
    refused = subprocess.run(
        [console_script("staffconsole"), "serve", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        "staffconsole: host = '0.0.0.0' without tls_cert and tls_key would send patients' "
        "names over the network unencrypted: set tls_cert and tls_key (staffconsole tls "
        f"init), or allow_plain_http = true in {config} if something else encrypts the traffic"
    )


def test_an_old_plain_http_server_toml_keeps_serving_and_is_warned_about(tmp_path):
    # Its kiosks speak http://: an upgrade that made the server refuse to start would stop
    # the clinic. It keeps plain HTTP, said in the file, and the installer says how to move.
    (tmp_path / "etc/seen").mkdir(parents=True)
    old = '[server]\nhost = "0.0.0.0"\nport = 8080\n# tls_cert = "/etc/seen/tls/server.pem"\n'
    config = tmp_path / "etc/seen/server.toml"
    config.write_text(old)
    proc = server_install(tmp_path, "--tls-san", "console.clinic.lan")
    kept = tomllib.loads(config.read_text())["server"]
    assert kept == {"host": "0.0.0.0", "port": 8080, "allow_plain_http": True}
    assert "WARNING: /etc/seen/server.toml served plain HTTP: kept" in proc.stdout
    assert 'add tls_cert = "/etc/seen/tls/server.pem"' in proc.stdout
    again = server_install(tmp_path, "--tls-san", "console.clinic.lan")
    assert config.read_text().count("allow_plain_http") == 1 and "WARNING" not in again.stdout
    fresh = server_install(tmp_path / "fresh", "--tls-san", "console.clinic.lan")
    assert "WARNING" not in fresh.stdout
    assert tomllib.loads((tmp_path / "fresh/etc/seen/server.toml").read_text())["server"][
        "tls_cert"
    ] == ("/etc/seen/tls/server.pem")


def test_a_bad_name_stops_the_install_with_the_name(tmp_path):
    proc = server_install(tmp_path, "--tls-san", "bad name!", check=False)
    assert proc.returncode == 2
    assert "--san 'bad name!': not a host name or IP address" in proc.stderr
    assert "could not make the certificates in /etc/seen/tls" in proc.stderr
