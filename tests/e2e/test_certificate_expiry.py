"""The clinic certificate nearing its end (issue 17, part 6), against real processes: a
server whose clinic CA (made by `staffconsole.tls.init` 3,630 days ago) and certificate end
in 20 days raises a certificate_expiry desk alert by itself and shows admins - only
admins - a banner; `kiosk doctor` warns about both the server's certificate and the CA in
ca_file. A server with a fresh certificate does neither. Plus tls_check's words, pure."""

from __future__ import annotations

import json
import ssl
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from support import run_kiosk_doctor, start_server, wait_for

from kiosk.doctor import tls_check
from kiosk.peer_cert import CertDates
from staffconsole.tls import CA_DAYS, init

PASSWORD = "Renouvelé à temps-2027"
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def tls_server(tmp_path, made_days_ago: int):
    folder = tmp_path / "tls"
    # The CA made long ago; the server's certificate today, which never outlives its CA.
    init(folder, ["localhost"], now=datetime.now(UTC) - timedelta(days=made_days_ago))
    init(folder, ["localhost"])
    env = {"SEEN_TLS_CERT": str(folder / "server.pem"), "SEEN_TLS_KEY": str(folder / "server.key")}
    server = start_server(tmp_path, env=env)
    server.add_user("rosa", PASSWORD)
    server.cli("user", "set-role", "rosa", "admin")
    server.add_user("ana", PASSWORD)
    return server, folder, f"https://localhost:{server.url.rsplit(':', 1)[1]}"


@pytest.fixture(scope="module")
def ending(tmp_path_factory):
    """A server whose CA and certificate end in 20 days."""
    server, folder, url = tls_server(tmp_path_factory.mktemp("ending"), CA_DAYS - 20)
    yield server, folder, url
    server.stop()


def console_page(url, ca, username):
    with httpx.Client(verify=ssl.create_default_context(cafile=str(ca)), timeout=10) as client:
        form = {"username": username, "password": PASSWORD}
        signed_in = client.post(f"{url}/login", data=form, headers={"origin": url})
        assert signed_in.status_code == 303, signed_in.text
        page = client.get(f"{url}/console")
        assert page.status_code == 200
        return page.text


@pytest.mark.e2e
def test_admins_see_a_banner_receptionists_do_not(ending):
    _, folder, url = ending
    page = console_page(url, folder / "ca.pem", "rosa")
    assert 'id="certificate-warning"' in page
    assert "The server&#39;s HTTPS certificate expires on " in page
    assert f"staffconsole tls renew --dir {folder}, then restart the server" in page
    assert 'id="certificate-warning"' not in console_page(url, folder / "ca.pem", "ana")


@pytest.mark.e2e
def test_the_server_raises_a_desk_alert_by_itself(ending):
    server, _, _ = ending

    def raised():
        lines = server.cli("alerts", "--json").stdout.splitlines()
        return [a for a in map(json.loads, lines) if a["kind"] == "certificate_expiry"]

    [alert] = wait_for(raised, timeout=30, what="a certificate_expiry alert")
    assert alert["summary"].startswith("The server's HTTPS certificate expires on ")
    assert "every kiosk refuses the server" in alert["summary"]
    assert alert["status"] == "open"


@pytest.mark.e2e
def test_kiosk_doctor_warns_about_the_certificate_and_the_ca(ending, tmp_path):
    server, folder, url = ending
    token = server.add_kiosk("Lobby")
    proc = run_kiosk_doctor(tmp_path, url, token, folder / "ca.pem")
    [line] = [x for x in proc.stdout.splitlines() if x.startswith(("PASS tls", "WARN tls"))] or [
        proc.stdout + proc.stderr
    ]
    assert line.startswith(
        f"WARN tls: https, the server's certificate checked against ca_file {folder / 'ca.pem'}; "
        "the server's certificate expires on "
    )
    assert "(in 20 days) (renew it on the server: staffconsole tls renew" in line
    assert "the clinic CA 'Seen Clinic check-in CA' in ca_file expires on " in line
    assert line.endswith("from that day this kiosk refuses the server")
    assert proc.returncode == 0  # a warning: the kiosk still works today


@pytest.mark.e2e
def test_a_fresh_certificate_raises_nothing(tmp_path):
    server, folder, url = tls_server(tmp_path, 0)
    try:
        assert 'id="certificate-warning"' not in console_page(url, folder / "ca.pem", "rosa")
        token = server.add_kiosk("Lobby")
        proc = run_kiosk_doctor(tmp_path, url, token, folder / "ca.pem")
        ends = datetime.now(UTC) + timedelta(days=825)
        assert "PASS tls: https, the server's certificate checked against ca_file " in proc.stdout
        assert f"; valid until {ends:%Y-%m-%d}" in proc.stdout
        # The watchdog has run passes meanwhile (doctor's heartbeat is after a few).
        wait_for(lambda: "certificate" not in server.cli("alerts").stdout, what="no alert")
        assert "certificate_expiry" not in server.cli("alerts", "--all", "--json").stdout
    finally:
        server.stop()


# -- tls_check's words, pure ----------------------------------------------------------------


def test_a_certificate_far_from_its_end_passes_with_the_date():
    dates = CertDates(NOW + timedelta(days=400), (("Clinic CA", NOW + timedelta(days=3000)),))
    check = tls_check("https://console:8400", "/etc/seen/ca.pem", dates, NOW)
    assert check.status == "PASS" and check.reason.endswith("; valid until 2028-01-07")


def test_only_what_ends_soon_is_named():
    dates = CertDates(NOW + timedelta(days=400), (("Clinic CA", NOW + timedelta(days=5)),))
    check = tls_check("https://console:8400", "/etc/seen/ca.pem", dates, NOW)
    assert check.status == "WARN" and "server's certificate expires" not in check.reason
    assert "the clinic CA 'Clinic CA' in ca_file expires on 2026-12-08 (in 5 days)" in check.reason
    soon = CertDates(NOW + timedelta(days=30), ())
    check = tls_check("https://console:8400", "", soon, NOW)
    assert check.status == "WARN" and "expires on 2027-01-02 (in 30 days)" in check.reason


def test_without_dates_the_line_is_as_before():
    check = tls_check("https://console:8400", "/etc/seen/ca.pem")
    assert check == (
        "PASS",
        "tls",
        "https, the server's certificate checked against ca_file /etc/seen/ca.pem",
    )
    assert tls_check("http://console:8400", "").status == "WARN"


@pytest.mark.e2e
@pytest.mark.browser
def test_the_banner_in_chromium_is_seen_and_accessible(ending, browser):
    from types import SimpleNamespace

    from helpers.accessibility import violations
    from helpers.console_page import sign_in

    _, _, url = ending
    # The clinic CA is not the browser's: a desk PC would have it installed.
    context = browser.new_context(ignore_https_errors=True, viewport={"width": 1366, "height": 768})
    try:
        _, page = sign_in(browser, SimpleNamespace(url=url), "rosa", PASSWORD, context=context)
        banner = page.get_by_role("alert").filter(has_text="HTTPS certificate expires on")
        assert banner.is_visible()
        assert "staffconsole tls renew --dir" in banner.inner_text()
        assert violations(page) == []
    finally:
        context.close()
