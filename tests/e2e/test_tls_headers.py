"""Over TLS from `staffconsole serve` itself: HSTS is sent, and the sign-in origin check
expects https. Real uvicorn with a certificate from `staffconsole tls init`."""

from __future__ import annotations

import ssl

import httpx
import pytest
from support import run_cli, start_server

pytestmark = pytest.mark.e2e

PASSWORD = "Sécurité d'abord-42"


def test_https_answers_carry_hsts_and_sign_in_expects_an_https_origin(tmp_path):
    folder = tmp_path / "tls"
    run_cli("tls", "init", "--dir", str(folder), "--san", "localhost")
    env = {"SEEN_TLS_CERT": str(folder / "server.pem"), "SEEN_TLS_KEY": str(folder / "server.key")}
    server = start_server(tmp_path, env=env)
    try:
        server.add_user("ana", PASSWORD)
        port = server.url.rsplit(":", 1)[1]
        url = f"https://localhost:{port}"
        trust = ssl.create_default_context(cafile=str(folder / "ca.pem"))
        with httpx.Client(verify=trust, timeout=10) as client:
            page = client.get(f"{url}/login")
            assert page.status_code == 200
            assert page.headers["strict-transport-security"].startswith("max-age=")
            assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
            form = {"username": "ana", "password": PASSWORD}
            downgraded = client.post(
                f"{url}/login", data=form, headers={"origin": f"http://localhost:{port}"}
            )
            assert downgraded.status_code == 403
            assert downgraded.headers["strict-transport-security"]
            ours = client.post(f"{url}/login", data=form, headers={"origin": url})
            assert ours.status_code == 303 and ours.headers["location"] == "/console"
            assert "Secure" in ours.headers["set-cookie"]
    finally:
        server.stop()
