"""KioskClient's error mapping against real local sockets, and the real server's answers."""

from __future__ import annotations

import socket
import threading

import pytest
from support import free_port

from kiosk.client import KioskClient, NotAuthorised, Offline, Rejected, Unconfirmed

ARRIVAL = {
    "id": 1,
    "appointment": 7,
    "display_name": "Maria O.",
    "time": "10:30",
    "provider": "Dr. Lee",
    "arrived_at": "2026-11-22T15:20:00+00:00",
    "ticket": 4,
}


def test_refused_port_is_offline():
    client = KioskClient(f"http://127.0.0.1:{free_port()}", "t", timeout=(1, 1))
    with pytest.raises(Offline):
        client.lookup("s1", "Okafor", "1980-04-02")


def test_unknown_host_is_offline():
    client = KioskClient("http://no-such-host.invalid", "t", timeout=(1, 1))
    with pytest.raises(Offline):
        client.heartbeat("2026-11-22T10:00:00+00:00", "0.1.0", "ok")


@pytest.fixture
def silent_server():
    """Accepts connections and reads, but never answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    held, stop = [], threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join(2)
    for conn in held:
        conn.close()
    listener.close()


def test_no_answer_is_unconfirmed(silent_server):
    client = KioskClient(silent_server, "t", timeout=(1, 0.5))
    with pytest.raises(Unconfirmed):
        client.checkin("s1", 7)


def test_connection_dropped_after_sending_is_unconfirmed():
    listener = socket.create_server(("127.0.0.1", 0))

    def drop():
        conn, _ = listener.accept()
        conn.recv(65536)
        conn.close()  # the request arrived; no answer will

    threading.Thread(target=drop, daemon=True).start()
    client = KioskClient(f"http://127.0.0.1:{listener.getsockname()[1]}", "t", timeout=(1, 2))
    with pytest.raises(Unconfirmed):
        client.checkin("s1", 7)
    listener.close()


@pytest.mark.parametrize(
    ("status", "body", "error", "detail"),
    [
        (
            404,
            {"detail": "appointment 7 is not one of today's"},
            Rejected,
            "appointment 7 is not one of today's",
        ),
        (409, {"detail": "cancelled"}, Rejected, "cancelled"),
        (
            422,
            {"detail": [{"loc": ["body", "dob"], "msg": "dob must be a real date"}]},
            Rejected,
            "dob must be a real date",
        ),
        (401, {"detail": "unknown kiosk token"}, NotAuthorised, "unknown kiosk token"),
    ],
)
def test_4xx_is_rejected_with_the_servers_reason(fake_console, status, body, error, detail):
    fake_console.answers["checkin"] = (status, body)
    client = KioskClient(fake_console.url, "t")
    with pytest.raises(error) as caught:
        client.checkin("s1", 7)
    assert caught.value.status == status and caught.value.detail == detail


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (500, {"detail": "boom"}),
        (503, {"detail": "database unavailable, try again"}),
        (200, b"<html>not json"),
        (200, {"arrival": "nope"}),
        (200, [1, 2]),
    ],
)
def test_5xx_and_garbled_answers_are_unconfirmed(fake_console, status, body):
    fake_console.answers["checkin"] = (status, body)
    with pytest.raises(Unconfirmed):
        KioskClient(fake_console.url, "t").checkin("s1", 7)


def test_calls_send_the_token_and_the_documented_bodies(fake_console):
    fake_console.answers["lookup"] = (
        200,
        {
            "matches": [
                {
                    "appointment": 7,
                    "display_name": "Maria O.",
                    "time": "10:30",
                    "provider": "Dr. Lee",
                }
            ]
        },
    )
    fake_console.answers["checkin"] = (200, {"arrival": ARRIVAL})
    client = KioskClient(fake_console.url + "/", "secret-token")
    assert client.lookup("s1", "O'Brien", "1980-04-02")[0]["appointment"] == 7
    assert client.checkin("s1", 7) == ARRIVAL
    assert client.heartbeat("2026-11-22T10:00:00+00:00", "0.1.0", "paper_out", "x")["console_live"]
    calls = fake_console.requests
    assert [c[0] for c in calls] == ["lookup", "checkin", "heartbeat"]
    assert {c[2] for c in calls} == {"Bearer secret-token"}
    assert calls[0][1] == {"session": "s1", "last_name": "O'Brien", "dob": "1980-04-02"}
    assert calls[2][1]["printer"] == {"state": "paper_out", "detail": "x"}


@pytest.mark.e2e
def test_against_the_real_server(live_server):
    token = live_server.add_kiosk("lobby")
    client = KioskClient(live_server.url, token)
    assert client.healthz()["ok"] is True
    assert client.lookup("s1", "Nobody", "1980-04-02") == []
    event = {
        "id": "e1",
        "session": "s1",
        "type": "session.started",
        "at": "2026-11-22T10:00:00+00:00",
        "data": {},
    }
    assert client.post_events([event]) == {"accepted": ["e1"], "duplicate": []}
    assert client.post_events([event]) == {"accepted": [], "duplicate": ["e1"]}
    with pytest.raises(Rejected) as caught:
        client.checkin("s1", 424242)
    assert caught.value.status == 403  # never offered to s1 (whether it exists or not)
    assert "not offered" in caught.value.detail
    with pytest.raises(NotAuthorised):
        KioskClient(live_server.url, "wrong-token").lookup("s1", "Okafor", "1980-04-02")
    with pytest.raises(Rejected) as caught:
        client.post_events([{**event, "id": "e2", "type": "session.exploded"}])
    assert caught.value.status == 422
