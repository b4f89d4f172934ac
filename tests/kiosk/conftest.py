"""Kiosk unit-test setup: the real kiosk package, Kivy kept quiet, and a fake console server."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest


def _load_the_kiosk_package() -> None:
    """Make `import kiosk` the real package with its __init__ (its __version__).

    This folder is also called kiosk and sits on pytest's pythonpath, so Python would
    otherwise join both into one namespace package and never run kiosk/__init__.py.
    """
    current = sys.modules.get("kiosk")
    if current is not None and getattr(current, "__file__", None):
        return
    init = Path(__file__).resolve().parents[2] / "kiosk" / "__init__.py"
    spec = importlib.util.spec_from_file_location(
        "kiosk", init, submodule_search_locations=[str(init.parent)]
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules["kiosk"] = module


_load_the_kiosk_package()

# Some tests import Kivy widgets (no window): keep Kivy out of argv, the home folder and
# the root logger.
for _name, _value in (
    ("KIVY_NO_ARGS", "1"),
    ("KIVY_NO_CONSOLELOG", "1"),
    ("KIVY_NO_FILELOG", "1"),
    ("KIVY_LOG_MODE", "PYTHON"),
    ("KIVY_HOME", str(Path(tempfile.gettempdir()) / "seen-kivy-tests")),
):
    os.environ.setdefault(_name, _value)


class FakeConsole:
    """Answers /api/v1/kiosk/* on a real socket; `answers[call]` overrides (status, body).

    The events call keeps events by id like the real server: repeats come back as duplicate.
    """

    def __init__(self, port: int = 0) -> None:
        self.answers: dict[str, tuple[int, object]] = {}
        self.events: dict[str, dict] = {}
        self.requests: list[tuple[str, dict, str]] = []  # (call, body, authorization)
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                self._reply(200, {"ok": True})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                call = self.path.rsplit("/", 1)[-1]
                with fake.lock:
                    fake.requests.append((call, body, self.headers.get("Authorization", "")))
                    status, answer = fake.answer(call, body)
                self._reply(status, answer)

            def _reply(self, status: int, answer) -> None:
                data = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    def answer(self, call: str, body: dict) -> tuple[int, object]:
        if call in self.answers:
            return self.answers[call]
        if call == "events":
            accepted, duplicate = [], []
            for event in body["events"]:
                (duplicate if event["id"] in self.events else accepted).append(event["id"])
                self.events.setdefault(event["id"], event)
            return 200, {"accepted": accepted, "duplicate": duplicate}
        if call == "heartbeat":
            return 200, {"server_time": "2026-11-22T10:00:00+00:00", "console_live": True}
        return 404, {"detail": "Not Found"}

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_console():
    console = FakeConsole()
    yield console
    console.close()


@pytest.fixture
def start_fake_console():
    """A factory: start a FakeConsole on a given port (closed after the test)."""
    started = []

    def start(port: int = 0) -> FakeConsole:
        started.append(FakeConsole(port))
        return started[-1]

    yield start
    for console in started:
        console.close()
