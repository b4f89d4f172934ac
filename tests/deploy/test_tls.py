"""`staffconsole tls init` as a real command: a clinic CA and a server certificate with
the names kiosks use, private keys 0600, the CA reused on a second run; `serve` refuses
half a TLS setting. HTTPS itself is exercised in tests/kiosk/test_doctor_tls.py."""

from __future__ import annotations

import ipaddress
import stat

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID
from support import run_cli

pytestmark = pytest.mark.e2e


def load(path):
    return x509.load_pem_x509_certificate(path.read_bytes())


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_init_makes_a_ca_and_a_server_certificate(tmp_path):
    folder = tmp_path / "tls"
    proc = run_cli(
        "tls",
        "init",
        "--dir",
        str(folder),
        "--san",
        "Console.Clinic.LAN",
        "--san",
        "10.0.0.5",
        "--san",
        "::1",
        "--clinic",
        "Clínica Añil",
    )
    assert proc.stdout.startswith(
        f"Made a new clinic CA in {folder}; server certificate for "
        "console.clinic.lan, 10.0.0.5, ::1, valid until "
    )
    assert f"--tls-cert {folder / 'server.pem'}" in proc.stdout
    assert {p.name: mode(p) for p in folder.iterdir()} == {
        "ca.pem": 0o644,
        "ca.key": 0o600,
        "server.pem": 0o644,
        "server.key": 0o600,
    }
    ca, server = load(folder / "ca.pem"), load(folder / "server.pem")
    server.verify_directly_issued_by(ca)
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert "Clínica Añil" in ca.subject.rfc4514_string()
    sans = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert sans.get_values_for_type(x509.DNSName) == ["console.clinic.lan"]
    assert sans.get_values_for_type(x509.IPAddress) == [
        ipaddress.ip_address("10.0.0.5"),
        ipaddress.ip_address("::1"),
    ]
    usage = server.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(usage) == [ExtendedKeyUsageOID.SERVER_AUTH]
    assert not server.extensions.get_extension_for_class(x509.BasicConstraints).value.ca


def test_a_second_run_reuses_the_ca_and_renews_the_server_certificate(tmp_path):
    folder = tmp_path / "tls"
    run_cli("tls", "init", "--dir", str(folder), "--san", "console")
    ca_before, server_before = (folder / "ca.pem").read_bytes(), load(folder / "server.pem")
    proc = run_cli("tls", "init", "--dir", str(folder), "--san", "console", "--san", "kiosk-gw")
    assert proc.stdout.startswith("Reused the clinic CA")
    assert (folder / "ca.pem").read_bytes() == ca_before
    server = load(folder / "server.pem")
    assert server.serial_number != server_before.serial_number
    server.verify_directly_issued_by(load(folder / "ca.pem"))


def test_bad_names_are_refused_with_the_name(tmp_path):
    proc = run_cli("tls", "init", "--dir", str(tmp_path / "t"), "--san", "bad name!", check=False)
    assert proc.returncode == 1
    assert proc.stderr.strip() == "staffconsole: --san 'bad name!': not a host name or IP address"
    assert not (tmp_path / "t" / "server.pem").exists()


def test_serve_refuses_a_certificate_without_its_key(tmp_path):
    run_cli("tls", "init", "--dir", str(tmp_path / "t"), "--san", "localhost")
    proc = run_cli(
        "serve",
        "--db",
        str(tmp_path / "s.db"),
        "--tls-cert",
        str(tmp_path / "t" / "server.pem"),
        check=False,
    )
    assert proc.returncode == 1
    assert proc.stderr.strip() == (
        "staffconsole: tls_cert is set but tls_key is not: HTTPS needs both"
    )
    proc = run_cli(
        "serve",
        "--db",
        str(tmp_path / "s.db"),
        "--tls-cert",
        str(tmp_path / "t" / "server.pem"),
        "--tls-key",
        str(tmp_path / "nokey.pem"),
        check=False,
    )
    assert proc.returncode == 1 and "tls_key = " in proc.stderr and "file not found" in proc.stderr


# -- tls renew (issue 17, part 6) -----------------------------------------------------------


def test_renew_keeps_the_ca_and_the_names_and_says_what_to_do(tmp_path):
    folder = tmp_path / "tls"
    run_cli(
        "tls",
        "init",
        "--dir",
        str(folder),
        "--san",
        "console.clinic.lan",
        "--san",
        "10.0.0.5",
        "--days",
        "20",
    )
    ca_pem, ca_key = (folder / "ca.pem").read_bytes(), (folder / "ca.key").read_bytes()
    before = load(folder / "server.pem")
    key_before = (folder / "server.key").read_bytes()
    (folder / "server.key").chmod(0o640)  # as the installer leaves it for the service
    proc = run_cli("tls", "renew", "--dir", str(folder))
    after = load(folder / "server.pem")
    assert (folder / "ca.pem").read_bytes() == ca_pem and (folder / "ca.key").read_bytes() == ca_key
    after.verify_directly_issued_by(load(folder / "ca.pem"))
    assert after.serial_number != before.serial_number
    assert (folder / "server.key").read_bytes() != key_before  # a new key too
    assert mode(folder / "server.key") == 0o640  # the service still reads it
    names = after.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names == before.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert after.subject == before.subject
    assert (after.not_valid_after_utc - after.not_valid_before_utc).days == 825
    lines = proc.stdout.splitlines()
    assert lines[0] == (
        f"Renewed the server certificate in {folder} for console.clinic.lan, 10.0.0.5: valid "
        f"until {after.not_valid_after_utc:%Y-%m-%d} (the old one: "
        f"{before.not_valid_after_utc:%Y-%m-%d})."
    )
    assert lines[1].startswith(
        "Restart the server to serve it: sudo systemctl restart seen-console"
    )
    assert lines[2].startswith("Kiosks need nothing: the clinic CA") and "is unchanged" in lines[2]
    assert len(lines) == 3  # the CA has years left: no warning


def test_renew_without_a_ca_is_refused_with_the_folder(tmp_path):
    proc = run_cli("tls", "renew", "--dir", str(tmp_path), check=False)
    assert proc.returncode == 1
    assert proc.stderr.strip() == (
        f"staffconsole: {tmp_path}: no clinic CA here (ca.pem and ca.key); renew where "
        "`tls init` made them, or run `staffconsole tls init` to start again"
    )


def test_renew_warns_when_the_ca_itself_ends_soon(tmp_path):
    from datetime import UTC, datetime, timedelta

    from staffconsole.tls import CA_DAYS, init

    # A CA made ten years less twenty days ago: twenty days left.
    init(tmp_path, ["console"], now=datetime.now(UTC) - timedelta(days=CA_DAYS - 20))
    proc = run_cli("tls", "renew", "--dir", str(tmp_path))
    ca = load(tmp_path / "ca.pem")
    assert load(tmp_path / "server.pem").not_valid_after_utc == ca.not_valid_after_utc
    assert proc.stdout.splitlines()[-1].startswith(
        f"Warning: the clinic CA expires on {ca.not_valid_after_utc:%Y-%m-%d} (in "
    )
    assert "copy the new ca.pem to every kiosk" in proc.stdout
