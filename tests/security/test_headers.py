"""Every answer carries the browser security headers; HSTS only over HTTPS.

HTTP level (TestClient): pages, JSON, static files, refusals and the kiosk API. That the
pages still work under the policy is tests/security/test_csp_browser.py; the event
stream under the middleware is tests/staffconsole/api/test_stream_headers.py.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from security.helpers import bearer, sign_in

from staffconsole.api.headers import CONTENT_SECURITY_POLICY

HEARTBEAT = {"at": "2026-11-22T09:00:00+00:00", "app_version": "1", "printer": {"state": "ok"}}


def assert_secured(r, https: bool = False) -> None:
    csp = r.headers["content-security-policy"]
    assert csp == CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "same-origin"
    assert r.headers["x-frame-options"] == "DENY"
    if https:
        assert r.headers["strict-transport-security"].startswith("max-age=")
    else:
        assert "strict-transport-security" not in r.headers


@pytest.mark.parametrize(
    "path", ["/login", "/console", "/healthz", "/static/login.css", "/nowhere", "/docs"]
)
def test_pages_and_files_carry_the_headers(client, creds, path):
    assert_secured(client.get(path))


def test_signed_in_pages_json_and_refusals_carry_them(client, creds):
    sign_in(client)
    for path in ("/console", "/console/report", "/api/v1/console/snapshot"):
        r = client.get(path)
        assert r.status_code == 200, path
        assert_secured(r)
    assert_secured(client.post("/api/v1/console/alerts/1/acknowledge"))  # 403, no CSRF
    big = client.post(
        "/api/v1/kiosk/heartbeat", content=b"x", headers={"content-length": str(10**9)}
    )
    assert big.status_code == 413
    assert_secured(big)


def test_the_kiosk_api_still_works_and_carries_them(client, creds):
    r = client.post("/api/v1/kiosk/heartbeat", headers=bearer(creds["kiosk"]), json=HEARTBEAT)
    assert r.status_code == 200, r.text
    assert_secured(r)


def test_strict_transport_security_only_over_https(app, creds):
    https = TestClient(app, base_url="https://clinic.example", follow_redirects=False)
    assert_secured(https.get("/login"), https=True)
    r = https.post("/api/v1/kiosk/heartbeat", headers=bearer(creds["kiosk"]), json=HEARTBEAT)
    assert r.status_code == 200
    assert_secured(r, https=True)
