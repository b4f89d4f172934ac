"""/docs and /openapi.json: for signed-in admins only, and no CDN.

FastAPI's own pages (Swagger UI, ReDoc from a CDN) are gone; /docs is drawn on the server.
"""

from __future__ import annotations

import re

from security.helpers import sign_in


def test_anonymous_callers_get_a_reason_or_the_sign_in_page(client, creds):
    r = client.get("/openapi.json")
    assert r.status_code == 401 and r.json()["detail"]
    page = client.get("/docs")
    assert page.status_code == 303 and page.headers["location"] == "/login"
    assert client.get("/redoc").status_code == 404
    assert client.get("/docs/oauth2-redirect").status_code == 404


def test_a_receptionist_is_refused_with_a_reason(client, creds):
    sign_in(client, "ana")
    for path in ("/openapi.json", "/docs"):
        r = client.get(path)
        assert r.status_code == 403, path
        assert "Only an admin" in r.json()["detail"]


def test_an_admin_reads_the_document_and_a_page_with_no_cdn(app, client, creds):
    sign_in(client, "root")
    r = client.get("/openapi.json")
    assert r.status_code == 200
    assert r.json()["paths"] == app.openapi()["paths"]
    assert r.headers["cache-control"] == "no-store"
    page = client.get("/docs")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    html = page.text
    every = [(m.upper(), p) for p, item in app.openapi()["paths"].items() for m in item]
    assert len(every) >= 15
    for method, path in every:
        assert f"<code>{path}</code>" in html.replace("&#123;", "{").replace("&#125;", "}"), path
    assert html.count('<th scope="row">') == len(every)
    assert "<script" not in html and "style=" not in html
    # Everything it loads comes from this server.
    loaded = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert loaded and all(url.startswith("/") for url in loaded), loaded


def test_an_idle_admin_is_locked_out_here_too(client, creds, clock):
    sign_in(client, "root")
    clock.advance(minutes=16)  # over the 15 min default: the console locked
    r = client.get("/docs")
    assert r.status_code == 303 and r.headers["location"] == "/console"  # its lock screen
    assert client.get("/openapi.json").status_code == 423
