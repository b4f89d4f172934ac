"""The durable outbox and its sender: nothing lost, nothing doubled, no hot loops."""

from __future__ import annotations

import json
import sqlite3

import pytest
from support import free_port, wait_for

from kiosk.client import KioskClient
from kiosk.outbox import Outbox
from kiosk.sender import BACKOFF_CAP_S, Sender, backoff


def event(n: int, kind: str = "session.step", session: str = "s1") -> dict:
    data = {"step": "identify_name"} if kind == "session.step" else {}
    return {
        "id": f"e{n}",
        "session": session,
        "type": kind,
        "at": "2026-11-22T10:00:00+00:00",
        "data": data,
    }


def test_put_is_durable_across_reopen(tmp_path):
    path = tmp_path / "outbox.db"
    box = Outbox(path)
    box.put(event(1))
    box.put(event(2))
    box.put(event(1))  # the same event again is kept once
    # Another connection sees it at once: put committed before it returned.
    assert sqlite3.connect(path).execute("SELECT count(*) FROM outbox").fetchone()[0] == 2
    box.close()
    box = Outbox(path)
    assert [e["id"] for e in box.pending()] == ["e1", "e2"]
    box.mark_sent(["e1"])
    box.close()
    box = Outbox(path)
    assert [e["id"] for e in box.pending()] == ["e2"]
    assert box._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert box._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_pending_keeps_order_and_limit(tmp_path):
    box = Outbox(tmp_path / "o.db")
    for n in range(5):
        box.put(event(n))
    assert [e["id"] for e in box.pending(3)] == ["e0", "e1", "e2"]


def test_backoff_doubles_to_a_cap_with_jitter():
    assert backoff(1, rand=lambda: 0.0) == 0.25
    assert backoff(1, rand=lambda: 1.0) == 0.5
    assert backoff(3, rand=lambda: 1.0) == 2.0
    assert backoff(50, rand=lambda: 1.0) == BACKOFF_CAP_S
    assert backoff(50, rand=lambda: 0.0) == BACKOFF_CAP_S / 2


def test_sender_delivers_and_marks_duplicates_sent(tmp_path, fake_console):
    box = Outbox(tmp_path / "o.db")
    box.put(event(1))
    box.put(event(2))
    fake_console.events["e1"] = event(1)  # the server already has e1 (an earlier lost answer)
    sender = Sender(box, KioskClient(fake_console.url, "t"))
    assert sender.deliver_once() is False
    assert box.pending() == [] and box.unsent_count() == 0
    assert set(fake_console.events) == {"e1", "e2"}


def test_sender_wakes_when_an_event_is_put(tmp_path, fake_console):
    box = Outbox(tmp_path / "o.db")
    sender = Sender(box, KioskClient(fake_console.url, "t")).start()
    try:
        box.put(event(1))
        wait_for(lambda: "e1" in fake_console.events, timeout=2, what="e1 delivered")
        wait_for(lambda: box.unsent_count() == 0, timeout=2, what="e1 marked sent")
    finally:
        sender.stop()


def test_backs_off_while_offline_then_delivers_when_the_server_comes_back(
    tmp_path, start_fake_console
):
    port = free_port()
    box = Outbox(tmp_path / "o.db")
    for n in range(3):
        box.put(event(n))
    sender = Sender(
        box, KioskClient(f"http://127.0.0.1:{port}", "t", timeout=(0.5, 1)), cap=0.4
    ).start()
    try:
        wait_for(lambda: sender.failures >= 2, timeout=5, what="failed deliveries")
        assert box.unsent_count() == 3 and "cannot connect" in sender.last_error
        console = start_fake_console(port)
        wait_for(lambda: box.unsent_count() == 0, timeout=5, what="delivery after the outage")
        assert list(console.events) == ["e0", "e1", "e2"]  # in order
        assert sender.failures == 0
    finally:
        sender.stop()


@pytest.mark.e2e
def test_restart_with_unsent_events_delivers_them_to_the_real_server(tmp_path, live_server):
    token = live_server.add_kiosk("lobby")
    path = tmp_path / "o.db"
    box = Outbox(path)
    box.put(event(1, "session.started", session="restart-1"))
    box.put(event(2, session="restart-1"))
    box.close()  # the kiosk lost power before sending
    box = Outbox(path)
    sender = Sender(box, KioskClient(live_server.url, token)).start()
    try:
        wait_for(lambda: box.unsent_count() == 0, timeout=10, what="delivery after restart")
    finally:
        sender.stop()
    rows = (
        sqlite3.connect(live_server.db)
        .execute("SELECT id FROM events WHERE session_id = 'restart-1' ORDER BY id")
        .fetchall()
    )
    assert rows == [("e1",), ("e2",)]
    # Delivering again (a lost answer) is harmless: the server says duplicate.
    assert KioskClient(live_server.url, token).post_events(
        [event(1, "session.started", "restart-1")]
    )["duplicate"] == ["e1"]


@pytest.mark.e2e
def test_refused_event_is_set_aside_not_dropped_and_others_flow(tmp_path, live_server, caplog):
    token = live_server.add_kiosk("lobby")
    box = Outbox(tmp_path / "o.db")
    box.put(event(1))
    bad = {
        **event(2, "session.handed_off"),
        "data": {"reason": "bored", "entered": {"last_name": "Okafor"}},
    }
    box.put(bad)
    box.put(event(3))
    sender = Sender(box, KioskClient(live_server.url, token))
    sender.deliver_once()
    assert box.pending() == []
    (held,) = box.held()
    assert held[0] == "e2" and "reason" in held[1]
    assert box.unsent_count() == 1  # kept in the outbox, still unsent
    kept = json.loads(box._db.execute("SELECT body FROM outbox WHERE id='e2'").fetchone()[0])
    assert kept == bad
    assert "e2" in caplog.text and "Okafor" not in caplog.text  # no patient data in logs
    ids = {r[0] for r in sqlite3.connect(live_server.db).execute("SELECT id FROM events")}
    assert {"e1", "e3"} <= ids and "e2" not in ids


@pytest.mark.e2e
def test_refused_token_keeps_everything_and_backs_off(tmp_path, live_server):
    box = Outbox(tmp_path / "o.db")
    box.put(event(1))
    sender = Sender(box, KioskClient(live_server.url, "revoked"), cap=0.2)
    assert sender.deliver_once() is False
    assert sender.failures == 1 and "token refused" in sender.last_error
    assert [e["id"] for e in box.pending()] == ["e1"] and box.held() == []
