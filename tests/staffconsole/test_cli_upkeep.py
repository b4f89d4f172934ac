"""`staffconsole migrate` and `check-ready`, the upgrade's steps (install.sh --upgrade),
as real processes; the readiness question also against a server of another version."""

from __future__ import annotations

import json
import sqlite3
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from support import free_port, run_cli, start_server

from staffconsole.cli.upkeep import ask_ready, server_url
from staffconsole.store.schema import SCHEMA_VERSION


@pytest.mark.e2e
def test_migrate_brings_a_database_to_this_schema_and_refuses_a_newer_one(tmp_path):
    db = tmp_path / "seen.db"
    out = run_cli("migrate", "--db", str(db)).stdout
    assert out.strip() == f"database {db}: schema 0 -> {SCHEMA_VERSION}"
    assert run_cli("migrate", "--db", str(db)).stdout.endswith(
        f"schema {SCHEMA_VERSION} -> {SCHEMA_VERSION}\n"
    )
    with sqlite3.connect(db) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    newer = run_cli("migrate", "--db", str(db), check=False)
    assert newer.returncode == 1 and "is newer than this Seen" in newer.stderr


@pytest.mark.e2e
def test_check_ready_waits_for_the_real_server(tmp_path):
    server = start_server(tmp_path)
    try:
        port = server.url.rsplit(":", 1)[1]
        config = tmp_path / "server.toml"
        config.write_text(f'[server]\nhost = "0.0.0.0"\nport = {port}\n')
        out = run_cli("check-ready", "--config", str(config), "--db", str(server.db)).stdout
        served = httpx.get(f"{server.url}/healthz", timeout=10).json()["version"]
        assert out.strip() == f"ready: http://127.0.0.1:{port}/readyz (version {served})"
    finally:
        server.stop()


@pytest.mark.e2e
def test_check_ready_says_why_when_nothing_answers(tmp_path):
    config = tmp_path / "server.toml"
    config.write_text(f"[server]\nport = {free_port()}\n")
    proc = run_cli("check-ready", "--wait", "0", "--config", str(config), check=False)
    assert proc.returncode == 1
    assert "not ready after 0 s: http://127.0.0.1:" in proc.stderr
    assert "refused" in proc.stderr.lower()


class _OtherVersion(BaseHTTPRequestHandler):
    """A server that is ready but is not this version (an old process kept the port)."""

    def do_GET(self):
        body = b"ready" if self.path == "/readyz" else json.dumps({"version": "0.0.9"}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_a_ready_server_of_another_version_is_not_the_upgrade():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _OtherVersion)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{httpd.server_address[1]}"
        assert ask_ready(base, "0.2.0") == "the server answering is version 0.0.9, not 0.2.0"
        assert ask_ready(base, "0.0.9") is None
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.mark.parametrize(
    ("host", "tls", "url"),
    [
        ("0.0.0.0", False, "http://127.0.0.1:8400"),
        ("::", True, "https://[::1]:8400"),
        ("192.168.1.20", True, "https://192.168.1.20:8400"),
    ],
)
def test_the_server_is_asked_where_it_listens(host, tls, url):
    assert server_url(host, 8400, tls) == url
