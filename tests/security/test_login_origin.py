"""The sign-in form refuses posts from other origins (login CSRF), in plain words.

TestClient speaks to host "testserver" over http unless told otherwise.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from security.helpers import PASSWORD

from staffconsole.auth.staff_sessions import COOKIE
from staffconsole.store.audit import list_audit

FORM = {"username": "ana", "password": PASSWORD}


def post(client, **headers):
    return client.post("/login", data=FORM, headers=headers)


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "https://evil.example"},
        {"origin": "null"},  # sandboxed frames, data: pages
        {"origin": "http://testserver.evil.example"},
        {"origin": "http://testserver:8080"},  # another service on the same host
        {"origin": "garbage"},
        {"referer": "https://evil.example/phish.html"},
        {"referer": "http://testserver:1/"},
        {"origin": "https://evil.example", "referer": "http://testserver/login"},
    ],
)
def test_a_sign_in_posted_from_elsewhere_is_refused(client, creds, headers):
    r = post(client, **headers)
    assert r.status_code == 403
    assert "text/html" in r.headers["content-type"]
    assert "sent from another web page" in r.text and 'id="login-message"' in r.text
    assert COOKIE not in r.cookies and COOKIE not in client.cookies


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "http://testserver"},
        {"origin": "HTTP://TESTSERVER:80"},
        {"referer": "http://testserver/login?reason=idle"},
        {},  # neither: a script or a monitor, not a browser
    ],
)
def test_a_sign_in_from_our_own_page_or_no_browser_goes_through(client, creds, headers):
    r = post(client, **headers)
    assert r.status_code == 303, r.text
    assert r.headers["location"] == "/console"
    assert COOKIE in client.cookies


def test_the_host_header_decides_behind_a_proxy(app, creds):
    proxied = TestClient(app, base_url="http://console.clinic.lan:8400", follow_redirects=False)
    assert post(proxied, origin="http://console.clinic.lan:8400").status_code == 303
    other = TestClient(app, follow_redirects=False)
    assert post(other, origin="http://console.clinic.lan:8400").status_code == 403


def test_https_origins(app, creds):
    tls = TestClient(app, base_url="https://clinic.example", follow_redirects=False)
    assert post(tls, origin="https://clinic.example").status_code == 303
    # A page served over plain http may not sign in to the https console.
    again = TestClient(app, base_url="https://clinic.example", follow_redirects=False)
    assert post(again, origin="http://clinic.example").status_code == 403
    # A proxy that terminates TLS and does not say so: the browser's https page, same host.
    plain = TestClient(app, base_url="http://clinic.example", follow_redirects=False)
    assert post(plain, origin="https://clinic.example").status_code == 303
    plain2 = TestClient(app, base_url="http://clinic.example", follow_redirects=False)
    assert post(plain2, origin="https://clinic.example:9443").status_code == 403


def test_the_refusal_is_checked_before_the_password_and_audited(client, creds, db):
    # A foreign page cannot even probe credentials: same answer, wrong password or right.
    wrong = client.post(
        "/login", data={"username": "ana", "password": "nope"}, headers={"origin": "null"}
    )
    assert wrong.status_code == 403
    post(client, origin="https://evil.example/")
    rows = [(e["actor"], e["action"], e["detail"]) for e in list_audit(db)]
    assert rows[:2] == [
        ("ana", "login.foreign_origin", {"origin": "https://evil.example/"}),
        ("ana", "login.foreign_origin", {"origin": "null"}),
    ]
    assert not [r for r in rows if r[1] == "login.failed"]  # nor counts toward a lockout


@pytest.mark.parametrize(
    "origin",
    [
        "http://[",
        "http://testserver:99999",
        "http://testserver:-1",
        "file:///etc",
        "//testserver",
        "http://",
        "http://testserver@evil.example",
        "x" * 5000,
    ],
)
def test_malformed_origins_are_refused_plainly_never_500(client, creds, origin):
    r = post(client, origin=origin)
    assert r.status_code == 403, r.text
    assert "sent from another web page" in r.text


def test_ipv6_hosts_compare_as_origins(app, creds):
    v6 = TestClient(app, base_url="http://[::1]:8400", follow_redirects=False)
    assert post(v6, origin="http://[::1]:8400").status_code == 303
