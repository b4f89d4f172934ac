"""The real app's outbox when things go wrong: an event the server always fails does not
hold back the hand-offs behind it, and reaches the desk; a full SD card loses nothing and
nothing escapes into the screens."""

from __future__ import annotations

import errno
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from helpers.full_disk import small_tmpfs
from helpers.kiosk_harness import handoffs, open_alerts, run_scenario, write_config
from support import REPO, wait_for

from kiosk.outbox import Outbox

pytestmark = [pytest.mark.ui, pytest.mark.e2e]


class PoisonProxy:
    """Passes every call to the real server, except that any batch of events holding the
    first event it ever saw is answered 500 (a server bug that one event trips)."""

    def __init__(self, upstream: str) -> None:
        self.poison: str | None = None
        self.refused = 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.path.endswith("/events"):
                    ids = [e["id"] for e in json.loads(body)["events"]]
                    with lock:
                        proxy.poison = proxy.poison or ids[0]
                    if proxy.poison in ids:
                        proxy.refused += 1
                        return self._reply(500, b'{"detail": "Internal Server Error"}')
                answer = requests.post(
                    upstream + self.path,
                    data=body,
                    headers={
                        "Authorization": self.headers.get("Authorization", ""),
                        "Content-Type": "application/json",
                    },
                    timeout=10,
                )
                self._reply(answer.status_code, answer.content)

            def _reply(self, status: int, data: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture
def poison_proxy(seeded_server):
    proxy = PoisonProxy(seeded_server.url)
    yield proxy
    proxy.close()


HELP_FROM_WELCOME = [
    {"wait_screen": "welcome"},
    {"tap": "help"},
    {"wait_screen": "handoff"},
    {"tap": "finish"},
    {"wait_screen": "welcome"},
]


def test_hand_offs_behind_a_poison_event_arrive_and_the_desk_is_told(
    xvfb_display, seeded_server, poison_proxy, tmp_path
):
    token = seeded_server.add_kiosk("lobby")
    config = write_config(tmp_path / "kiosk.toml", poison_proxy.url, token, heartbeat_s=1)
    # Six help hand-offs; the very first event (session 1's start) is the poison one.
    steps = HELP_FROM_WELCOME * 6
    steps += [{"sleep": 12}]  # its own backoff, five 500s, then the heartbeat reports it
    run_scenario(xvfb_display, config, steps, tmp_path, timeout=180)
    assert [h["reason"] for h in handoffs(seeded_server)] == ["help"] * 6
    (alert,) = wait_for(
        lambda: open_alerts(seeded_server, "outbox_held"), timeout=5, what="an outbox_held alert"
    )
    assert alert["summary"].startswith("lobby could not deliver 1 event to the server")
    assert poison_proxy.refused >= 5
    box = Outbox(tmp_path / "outbox.db")
    ((held_id, reason),) = box.held()
    assert held_id == poison_proxy.poison and reason == "server answered 500 5 times"


def _fill(folder) -> None:
    """Write a padding file until the filesystem says ENOSPC."""
    fd = os.open(os.path.join(folder, "pad"), os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 512)
    except OSError as e:
        assert e.errno == errno.ENOSPC
    finally:
        os.close(fd)


def test_a_full_sd_card_loses_no_hand_off_and_the_screens_go_on(
    xvfb_display, seeded_server, tmp_path
):
    """A real full filesystem (a small tmpfs; CI runs as root): the outbox cannot write, the
    hand-offs go from memory, and the kiosk keeps running session after session."""
    sd = tmp_path / "sd"
    sd.mkdir()
    with small_tmpfs(sd, "256k", mode="1777"):
        Outbox(sd / "outbox.db").close()  # the kiosk ran before; then the card filled up
        _fill(sd)
        token = seeded_server.add_kiosk("lobby")
        config = write_config(
            tmp_path / "kiosk.toml",
            seeded_server.url,
            token,
            heartbeat_s=1,
            outbox_path=str(sd / "outbox.db"),
        )
        steps = [
            {"tap": "start"},
            {"type": "Ivanova"},
            {"tap": "help"},
            {"wait_screen": "handoff"},
            {"expect_text": "Please go to the front desk and let them know you're here."},
            {"tap": "finish"},
            *HELP_FROM_WELCOME,
            {"sleep": 2},
        ]
        result = run_scenario(xvfb_display, config, steps, tmp_path)
        # Nothing escaped into Kivy: no traceback passes through the kiosk's code.
        assert f'File "{REPO / "kiosk"}' not in result["stderr"]
        assert "keeping events in memory" in result["stderr"]
        assert result["stderr"].count("still cannot open") <= 1
    assert handoffs(seeded_server) == [
        {"reason": "help", "step": "identify_name", "entered": {"last_name": "Ivanova"}},
        {"reason": "help", "step": "welcome", "entered": {}},
    ]
