"""`kiosk doctor`'s readyz line: against a real HTTP server we own that answers 503 or
404, and against a real `staffconsole serve` whose database write lock is held."""

from __future__ import annotations

import sqlite3
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from support import start_server, wait_for

from kiosk.client import KioskClient
from kiosk.config import load_config
from kiosk.doctor import readyz_check, run_checks


class Answers:
    """A real socket answering GET /readyz with a set (status, text)."""

    def __init__(self, status: int, text: str) -> None:
        answer = (status, text.encode("utf-8"))

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                code, body = answer if self.path == "/readyz" else (200, b'{"ok": true}')
                self.send_response(code)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def answering():
    started = []

    def start(status: int, text: str) -> Answers:
        started.append(Answers(status, text))
        return started[-1]

    yield start
    for server in started:
        server.close()


def test_503_fails_with_the_servers_reason(answering):
    server = answering(503, "database disk is full")
    check = readyz_check(KioskClient(server.url, "t"))
    assert check.status == "FAIL" and check.reason.endswith(": database disk is full")


def test_200_passes(answering):
    assert readyz_check(KioskClient(answering(200, "ready").url, "t")).status == "PASS"


def test_a_server_without_readyz_warns(answering):
    check = readyz_check(KioskClient(answering(404, '{"detail":"Not Found"}').url, "t"))
    assert check.status == "WARN" and "no /readyz" in check.reason


def test_control_characters_in_the_reason_are_shown_escaped(answering):
    server = answering(503, "locked\x1b[2J\r\nrm -rf")
    reason = readyz_check(KioskClient(server.url, "t")).reason
    assert "\x1b" not in reason and "\r" not in reason and "\\x1b[2J\\r\\n" in reason


@pytest.mark.e2e
def test_a_real_server_with_its_write_lock_held_fails_readyz_as_locked(tmp_path):
    server = start_server(tmp_path)
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'[kiosk]\nserver_url = "{server.url}"\ntoken = "t0ken"\nprinter = "none"\n',
        encoding="utf-8",
    )
    holder = sqlite3.connect(server.db, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        # /readyz probes at most once a second: wait until it has seen the lock.
        wait_for(
            lambda: httpx.get(f"{server.url}/readyz", timeout=10).status_code == 503,
            what="/readyz to see the held lock",
        )
        checks = run_checks(lambda: load_config(config, environ={}), root=tmp_path, environ={})
        by_name = {}
        for check in checks:  # stop at readyz: the heartbeat would wait on the held lock
            by_name[check.name] = check
            if check.name == "readyz":
                break
        assert by_name["server"].status == "PASS"
        assert by_name["readyz"].status == "FAIL"
        assert by_name["readyz"].reason.endswith(": database is locked")
        holder.execute("ROLLBACK")
        wait_for(
            lambda: readyz_check(KioskClient(server.url, "t0ken")).status == "PASS",
            what="readyz to pass once the lock is released",
        )
    finally:
        holder.close()
        server.stop()
