"""The outbox when things go wrong: a full disk, an event the server always fails (5xx),
what is kept how long, and who may read the file."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import uuid

import pytest
from helpers.full_disk import grow, small_tmpfs
from support import wait_for

from hardware.printer import PrinterStatus
from kiosk import flow as f
from kiosk.client import KioskClient, ServerError, Unconfirmed
from kiosk.config import load_config
from kiosk.controller import Controller
from kiosk.heartbeat import Heartbeat
from kiosk.outbox import Outbox
from kiosk.sender import Sender

HELP = "session.handed_off"


def event(n, kind="session.step", session="s1", entered=None):
    data = {"step": "identify_name"} if kind == "session.step" else {"reason": "help"}
    if entered:
        data["entered"] = entered
    return {
        "id": f"e{n}",
        "session": session,
        "type": kind,
        "at": "2026-11-22T10:00:00+00:00",
        "data": data,
    }


def fill(box: Outbox) -> None:
    """Make the file full: with max_page_count at its size and its last page padded,
    SQLite answers "database or disk is full" (SQLITE_FULL) to any write, as on a full
    SD card."""
    pages = box._db.execute("PRAGMA page_count").fetchone()[0]
    box._db.execute(f"PRAGMA max_page_count = {pages + 2}")
    n = 0
    for size in (1000, 100, 10, 1):
        try:
            while True:  # delivered rows, as a day of use leaves them
                n += 1
                box._db.execute(
                    "INSERT INTO outbox (id, body, sent) VALUES (?, ?, 1)", [f"p{n}", "x" * size]
                )
        except sqlite3.OperationalError as e:
            assert "full" in str(e)


def free(box: Outbox) -> None:
    box._db.execute("PRAGMA max_page_count = 1000000")


BIG = {"last_name": "Ñúñez-O'Brien " + "Ω" * 2000}


def test_full_disk_put_keeps_the_event_in_memory_says_not_durable_and_never_raises(
    tmp_path, caplog
):
    box = Outbox(tmp_path / "o.db")
    assert box.put(event(1)) is True
    fill(box)
    assert box.put(event(2, HELP, entered=BIG)) is False  # no exception reaches the caller
    assert box.put(event(3)) is False  # behind one in memory: memory too, to keep the order
    assert box.memory_count() == 2 and box.unsent_count() == 3
    assert [e["id"] for e in box.pending()] == ["e1", "e2", "e3"]
    assert "database or disk is full" in caplog.text and "Ñúñez" not in caplog.text
    # The disk frees: the next look writes memory out, in order, and puts are durable again.
    free(box)
    assert box.flush() == 0
    assert box.put(event(4)) is True
    other = sqlite3.connect(tmp_path / "o.db")
    assert [r[0] for r in other.execute("SELECT id FROM outbox WHERE sent = 0 ORDER BY seq")] == [
        "e1",
        "e2",
        "e3",
        "e4",
    ]


def test_closing_with_events_only_in_memory_says_which_by_id(tmp_path, caplog):
    box = Outbox(tmp_path / "o.db")
    fill(box)
    box.put(event(1, HELP, entered=BIG))
    box.close()
    assert "1 event(s) the disk would not take, lost: e1" in caplog.text
    assert "Ñúñez" not in caplog.text


def test_full_disk_events_are_delivered_from_memory(tmp_path, fake_console):
    box = Outbox(tmp_path / "o.db")
    fill(box)
    assert box.put(event(1, HELP, entered=BIG)) is False
    sender = Sender(box, KioskClient(fake_console.url, "t"))
    assert sender.deliver_once() is False
    assert "e1" in fake_console.events and fake_console.events["e1"]["data"]["entered"] == BIG
    assert box.memory_count() == 0 and box.unsent_count() == 0


def test_controller_hand_off_on_a_full_disk_is_kept_and_flagged(tmp_path):
    box = Outbox(tmp_path / "o.db")
    fill(box)
    shown = []
    ids = iter(f"id{n}" for n in range(100))

    class Timers:
        def call_soon(self, fn):
            fn()

        def call_later(self, seconds, fn):
            class Handle:
                def cancel(self):
                    pass

            return Handle()

    controller = Controller(
        f.Flow(),
        None,
        box,
        None,
        Timers(),
        load_config(None, environ={}),
        show=shown.append,
        new_id=lambda: next(ids),
        run=lambda fn: fn(),
    )
    controller.help()  # from welcome: a session and a help hand-off, both refused by the disk
    assert controller.last_put_durable is False
    assert HELP in [e["type"] for e in box.pending()]
    assert shown  # the screens went on


def test_a_file_that_cannot_be_opened_keeps_events_in_memory(tmp_path):
    path = tmp_path / "no-such-folder" / "o.db"
    box = Outbox(path, must_open=False)
    assert box.put(event(1)) is False and [e["id"] for e in box.pending()] == ["e1"]
    path.parent.mkdir()
    assert box.put(event(2)) is True  # opened now: e1 written first, then e2
    assert box.memory_count() == 0
    rows = sqlite3.connect(path).execute("SELECT id FROM outbox ORDER BY seq").fetchall()
    assert rows == [("e1",), ("e2",)]


@pytest.mark.e2e
def test_a_real_full_filesystem(tmp_path, fake_console):
    """A tmpfs of 160 KB mounted for the test (CI runs as root)."""
    mnt = tmp_path / "sd"
    mnt.mkdir()
    with small_tmpfs(mnt, "160k"):
        box = Outbox(mnt / "o.db")
        puts = [box.put(event(n, HELP, entered=BIG)) for n in range(200)]
        assert False in puts, "the filesystem never filled"
        refused = puts.index(False)
        assert all(puts[:refused]) and box.memory_count() == 200 - refused
        sender = Sender(box, KioskClient(fake_console.url, "t"))
        while sender.deliver_once():
            pass
        assert set(fake_console.events) == {f"e{n}" for n in range(200)}  # none lost
        box.put(event(999))
        grow(mnt, "4m")
        assert box.flush() == 0  # written once there is room
        box.close()


def plain_answer(fake_console):
    """The fake server's own answers, before poison_console wrapped them."""
    return fake_console._plain_answer


def poison_console(fake_console, poison_id):
    """The fake server answers 500 to any batch holding poison_id; the rest as usual."""
    plain = fake_console.answer
    fake_console._plain_answer = plain

    def answer(call, body):
        if call == "events" and any(e["id"] == poison_id for e in body["events"]):
            return 500, {"detail": "Internal Server Error"}
        return plain(call, body)

    fake_console.answer = answer


def test_five_help_hand_offs_behind_a_poison_event_arrive_and_it_is_set_aside(
    tmp_path, fake_console, caplog
):
    poison_console(fake_console, "e0")
    box = Outbox(tmp_path / "o.db")
    box.put(event(0, HELP, entered={"last_name": "Poisson"}))
    for n in range(1, 6):
        box.put(event(n, HELP, session=f"s{n}", entered={"last_name": "Okafor"}))
    sender = Sender(box, KioskClient(fake_console.url, "t"), cap=0.2, max_server_errors=5)
    sender.start()
    try:
        wait_for(
            lambda: {f"e{n}" for n in range(1, 6)} <= set(fake_console.events),
            timeout=5,
            what="the five hand-offs",
        )
        wait_for(lambda: box.held() != [], timeout=10, what="the poison event set aside")
    finally:
        sender.stop()
    ((held_id, reason),) = box.held()
    assert held_id == "e0" and reason == "server answered 500 5 times"
    tries = [r for r in fake_console.requests if any(e["id"] == "e0" for e in r[1]["events"])]
    alone = [r for r in tries if len(r[1]["events"]) == 1]
    assert len(alone) == 5  # five answers to it alone, then no more tries
    assert box.held_status() == {"held": 1, "newest_held": "e0", "unsaved": 0}
    assert "e0" in caplog.text and "Poisson" not in caplog.text and "Okafor" not in caplog.text


def test_a_server_failing_everything_sets_nothing_aside(tmp_path, fake_console):
    fake_console.answers["events"] = (500, {"detail": "Internal Server Error"})
    box = Outbox(tmp_path / "o.db")
    for n in range(3):
        box.put(event(n))
    sender = Sender(box, KioskClient(fake_console.url, "t"))
    for _ in range(10):
        assert sender.deliver_once() is False
    counts = dict(box._db.execute("SELECT id, server_errors FROM outbox"))
    assert counts == {"e0": 0, "e1": 0, "e2": 0} and box.held() == []
    assert sender.failures == 10  # backing off, as for any outage


@pytest.mark.parametrize("status", [502, 503, 504])
def test_a_gateway_saying_the_server_is_not_there_counts_against_no_event(
    tmp_path, fake_console, status
):
    box = Outbox(tmp_path / "o.db")
    box.put(event(0))
    sender = Sender(box, KioskClient(fake_console.url, "t"))
    assert sender.deliver_once() is False  # accepted: the server is known to work
    box.put(event(1))
    box.put(event(2))
    fake_console.answers["events"] = (status, {"detail": "Bad Gateway"})
    assert sender.deliver_once() is False and sender.failures == 1
    assert len([r for r in fake_console.requests if r[0] == "events"]) == 2  # no probing
    assert set(dict(box._db.execute("SELECT id, server_errors FROM outbox")).values()) == {0}


def test_once_the_server_worked_a_lone_failing_event_counts_and_waits_its_backoff(
    tmp_path, fake_console
):
    poison_console(fake_console, "e0")
    ticks = Clock()
    box = Outbox(tmp_path / "o.db", monotonic=ticks)
    box.put(event(1))
    sender = Sender(box, KioskClient(fake_console.url, "t"), rand=lambda: 1.0)
    sender.deliver_once()  # e1 accepted
    box.put(event(0))
    assert sender.deliver_once() is False and sender.failures == 1
    assert dict(box._db.execute("SELECT id, server_errors FROM outbox"))["e0"] == 1
    assert box.pending() == []  # waiting out its own backoff (0.5 s after one error)
    ticks.now += 0.5
    assert [e["id"] for e in box.pending()] == ["e0"]


class Clock:
    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self):
        return self.now


def test_delivered_events_are_deleted_after_the_retention_period(tmp_path):
    clock = Clock()
    box = Outbox(tmp_path / "o.db", clock=clock)
    for n in range(4):
        box.put(event(n, HELP, entered={"last_name": "Zhang 张"}))
    box.mark_sent(["e0", "e1"])
    box.hold("e2", "refused by the server: bad")
    clock.now += 23 * 3600
    box.mark_sent(["e1"])  # delivered again (a lost answer): its 24 h count from now
    assert box.prune(24 * 3600) == 0
    clock.now += 1.5 * 3600
    assert box.prune(24 * 3600) == 2  # e0 delivered, e2 held, both 24.5 h ago
    left = dict(box._db.execute("SELECT id, sent FROM outbox"))
    assert left == {"e1": 1, "e3": 0}  # e3 never delivered: kept however old
    clock.now += 24 * 3600
    assert box.prune(24 * 3600) == 1 and box.unsent_count() == 1


def test_the_sender_prunes_at_start_and_on_a_timer(tmp_path, fake_console):
    clock = Clock()
    box = Outbox(tmp_path / "o.db", clock=clock)
    box.put(event(1))
    box.mark_sent(["e1"])
    clock.now += 3600
    sender = Sender(box, KioskClient(fake_console.url, "t"), retention_s=60, prune_every_s=600)
    sender.housekeeping(now=0.0)  # at start
    assert box._db.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0
    box.put(event(2))
    box.mark_sent(["e2"])
    clock.now += 3600
    sender.housekeeping(now=599.0)
    assert box._db.execute("SELECT count(*) FROM outbox").fetchone()[0] == 1  # not yet
    sender.housekeeping(now=600.0)
    assert box._db.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0


def test_a_set_aside_event_is_tried_again_hourly_and_at_a_restart(tmp_path, fake_console):
    """A server bug fixed later still gets the event: each hour one more try (one more
    5xx sets it aside again at once), and every such event at a kiosk restart."""
    poison_console(fake_console, "e0")
    clock = Clock()
    box = Outbox(tmp_path / "o.db", clock=clock, monotonic=clock)
    box.put(event(1))
    box.put(event(0, HELP, entered={"last_name": "Poisson"}))
    box.put(event(2, HELP))
    box.hold("e2", "refused by the server: bad")  # a refusal: never tried again
    sender = Sender(box, KioskClient(fake_console.url, "t"), rand=lambda: 0.0, max_server_errors=2)
    sender.housekeeping(now=0.0)  # the start: nothing set aside for 5xx yet
    while not any(held_id == "e0" for held_id, _ in box.held()):
        sender.deliver_once()  # e1 goes; e0 fails alone twice, each after its backoff
        clock.now += 1
    assert box.held() == [
        ("e0", "server answered 500 2 times"),
        ("e2", "refused by the server: bad"),
    ]

    def tries():
        return sum(
            1
            for call, body, _ in fake_console.requests
            if call == "events" and any(e["id"] == "e0" for e in body["events"])
        )

    before = tries()
    clock.now += 3500
    sender.housekeeping(now=600.0)
    assert sender.deliver_once() is False and tries() == before  # not due yet
    clock.now += 100  # an hour after it was set aside
    sender.housekeeping(now=1200.0)
    assert [e["id"] for e in box.pending()] == ["e0"]
    sender.deliver_once()
    assert tries() == before + 1 and [i for i, _ in box.held()] == ["e0", "e2"]  # once

    # A restart: every event set aside for 5xx goes again at once, hour or not.
    fake_console.answer = plain_answer(fake_console)  # the server's bug is fixed
    box.close()
    box = Outbox(tmp_path / "o.db", clock=clock)
    sender = Sender(box, KioskClient(fake_console.url, "t"))
    sender.housekeeping(now=0.0)
    sender.deliver_once()
    assert "e0" in fake_console.events and box.held() == [("e2", "refused by the server: bad")]
    assert box.delivered(box.held()[0][0]) is False and box.delivered("e0")


def test_a_retried_event_still_goes_after_the_retention_period(tmp_path):
    clock = Clock()
    box = Outbox(tmp_path / "o.db", clock=clock)
    box.put(event(0))
    box.hold("e0", "server answered 500 5 times", retry_after_s=3600)
    clock.now += 23 * 3600
    assert box.release_held() == 1
    box.hold("e0", "server answered 500 6 times", retry_after_s=3600)  # failed again
    assert box.prune(24 * 3600) == 0
    clock.now += 1.5 * 3600  # 24.5 h after it was first set aside: what was typed goes
    assert box.prune(24 * 3600) == 1 and box.unsent_count() == 0


def test_an_older_outbox_file_is_upgraded_and_keeps_its_events(tmp_path):
    path = tmp_path / "o.db"
    old = sqlite3.connect(path)
    old.execute(
        "CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, "
        "body TEXT NOT NULL, sent INTEGER NOT NULL DEFAULT 0, held TEXT)"
    )
    old.execute("INSERT INTO outbox (id, body) VALUES ('e1', ?)", [json.dumps(event(1))])
    old.execute("INSERT INTO outbox (id, body, sent) VALUES ('e0', ?, 1)", [json.dumps(event(0))])
    old.commit()
    old.close()
    box = Outbox(path)
    assert [e["id"] for e in box.pending()] == ["e1"]
    assert box.prune() == 1  # delivered before times were kept: gone at once


def test_the_files_are_private_whatever_the_umask(tmp_path):
    previous = os.umask(0)
    try:
        box = Outbox(tmp_path / f"{uuid.uuid4().hex}.db")
        box.put(event(1))
    finally:
        os.umask(previous)
    for suffix in ("", "-wal", "-shm"):
        mode = stat.S_IMODE(os.stat(box.path + suffix).st_mode)
        assert mode == 0o600, f"{suffix or 'db'}: {oct(mode)}"


def test_an_existing_readable_file_is_made_private(tmp_path):
    path = tmp_path / "o.db"
    Outbox(path).close()
    os.chmod(path, 0o644)
    Outbox(path).close()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


class OkPrinter:
    def status(self):
        return PrinterStatus("ok", "")


@pytest.mark.e2e
def test_a_set_aside_event_reaches_the_desk_through_the_heartbeat(tmp_path, live_server):
    token = live_server.add_kiosk("Lobby kiosk 3")
    box = Outbox(tmp_path / "o.db")
    refused = {**event(1, HELP), "data": {"reason": "bored", "entered": {"last_name": "Ivanova"}}}
    box.put(refused)
    box.put(event(2))
    client = KioskClient(live_server.url, token)
    Sender(box, client).deliver_once()
    assert [i for i, _ in box.held()] == ["e1"]
    Heartbeat(client, OkPrinter(), 10, outbox=box).beat()
    db = sqlite3.connect(live_server.db)
    rows = db.execute("SELECT summary, status FROM alerts WHERE kind = 'outbox_held'")
    ((summary, status),) = rows.fetchall()
    assert summary.startswith("Lobby kiosk 3 could not deliver 1 event") and status == "open"
    assert "Ivanova" not in summary


@pytest.mark.parametrize("status", [500, 503])
def test_a_5xx_is_a_server_error_with_its_status_and_still_unconfirmed(fake_console, status):
    fake_console.answers["events"] = (status, {"detail": "boom"})
    with pytest.raises(ServerError) as raised:
        KioskClient(fake_console.url, "t").post_events([event(1)])
    assert raised.value.status == status and isinstance(raised.value, Unconfirmed)
    assert raised.value.kind == "unconfirmed"  # what the screens conclude is unchanged


def test_delivered_only_once_the_server_has_accepted_the_event(tmp_path):
    """What the hand-off screen asks before it says "someone is coming"."""
    box = Outbox(tmp_path / "o.db")
    box.put(event(1, HELP))
    box.put(event(2, HELP))
    assert not box.delivered("e1") and not box.delivered("e2")
    box.mark_sent(["e1"])
    box.hold("e2", "refused: 422")
    assert box.delivered("e1") and not box.delivered("e2")  # set aside is not delivered
    fill(box)
    assert box.put(event(3, HELP)) is False  # only in memory: not delivered
    assert not box.delivered("e3")
    box.mark_sent(["e3"])
    assert box.delivered("e3")


@pytest.mark.e2e
def test_a_full_disk_is_raised_at_the_desk_and_cleared_once_it_saves(tmp_path, live_server):
    """A real full tmpfs, the real heartbeat, the real server: events only in memory raise
    "cannot save check-ins", and room on the disk again closes it."""
    token = live_server.add_kiosk("Lobby kiosk 4")
    client = KioskClient(live_server.url, token)
    db = sqlite3.connect(live_server.db)

    def unsaved_alerts():
        sql = "SELECT summary, status, resolved_by FROM alerts WHERE kind = 'outbox_unsaved'"
        return db.execute(sql).fetchall()

    mnt = tmp_path / "sd"
    mnt.mkdir()
    with small_tmpfs(mnt, "160k"):
        box = Outbox(mnt / "o.db")
        try:
            heartbeat = Heartbeat(client, OkPrinter(), 10, outbox=box)
            heartbeat.beat()
            assert unsaved_alerts() == []
            puts = [box.put(event(n, HELP, entered=BIG)) for n in range(200)]
            assert False in puts, "the filesystem never filled"
            heartbeat.beat()
            ((summary, status, _),) = unsaved_alerts()
            assert status == "open"
            assert summary.startswith(
                f"Lobby kiosk 4 cannot save check-ins to its disk (full?): {box.memory_count()} "
            )
            assert "Ñúñez" not in summary  # what patients typed stays off the desk's card
            grow(mnt, "16m")  # room again: the kiosk writes them down
            assert box.flush() == 0
            heartbeat.beat()
            assert unsaved_alerts() == [(summary, "resolved", "Seen")]
        finally:
            box.close()  # else the tmpfs stays busy and mounted
    db.close()
