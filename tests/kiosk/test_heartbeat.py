"""The heartbeat: app version and printer state every interval, and whether staff are watching."""

from __future__ import annotations

import threading

from support import free_port

from hardware.printer import PrinterStatus
from kiosk import __version__
from kiosk.client import KioskClient
from kiosk.heartbeat import Heartbeat
from kiosk.outbox import Outbox


class Printer:
    def __init__(self, state="paper_near_end", detail="roll low"):
        self.answer = PrinterStatus(state, detail)

    def status(self):
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def beats(console, printer, count=2):
    """Run a real heartbeat thread until `count` answers were passed on; the values passed."""
    seen, enough = [], threading.Event()

    def on_console(live):
        seen.append(live)
        if len(seen) >= count:
            enough.set()

    heartbeat = Heartbeat(
        KioskClient(console.url if console else f"http://127.0.0.1:{free_port()}", "tok"),
        printer,
        0.05,
        on_console=on_console,
    ).start()
    assert enough.wait(10), "no heartbeats"
    heartbeat.stop()
    return seen


def test_heartbeat_sends_version_and_printer_state(fake_console):
    assert beats(fake_console, Printer())[:2] == [True, True]
    calls = [body for call, body, _auth in fake_console.requests if call == "heartbeat"]
    assert len(calls) >= 2
    assert calls[0]["app_version"] == __version__ and __version__
    assert calls[0]["printer"] == {"state": "paper_near_end", "detail": "roll low"}


def test_a_printer_that_cannot_answer_is_reported_as_error(fake_console):
    printer = Printer()
    printer.answer = OSError("gone")
    beats(fake_console, printer, 1)
    (_call, body, _auth) = next(r for r in fake_console.requests if r[0] == "heartbeat")
    assert body["printer"]["state"] == "error" and "OSError" in body["printer"]["detail"]


def test_nobody_watching_or_no_server_means_console_not_live(fake_console):
    fake_console.answers["heartbeat"] = (
        200,
        {"server_time": "2026-11-22T10:00:00+00:00", "console_live": False},
    )
    assert beats(fake_console, Printer()) == [False, False]
    assert beats(None, Printer()) == [False, False]  # nothing listening on the port


class HeldOutbox:
    def __init__(self, answer):
        self.answer = answer

    def held_status(self):
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer

    def unsent_count(self):
        return 7


def test_heartbeat_reports_the_outbox_and_survives_its_failure(fake_console):
    status = {"held": 2, "newest_held": "e9", "unsaved": 1}
    Heartbeat(KioskClient(fake_console.url, "tok"), Printer(), 1, outbox=HeldOutbox(status)).beat()
    Heartbeat(
        KioskClient(fake_console.url, "tok"), Printer(), 1, outbox=HeldOutbox(OSError("disk"))
    ).beat()  # a failing outbox does not stop the beat; the field is left out
    calls = [body for call, body, _auth in fake_console.requests if call == "heartbeat"]
    assert calls[0]["outbox"] == {**status, "unsent": 7} and "outbox" not in calls[1]


def test_heartbeat_carries_the_outbox_depth(fake_console, tmp_path):
    outbox = Outbox(tmp_path / "outbox.db")
    try:
        for n in range(3):
            outbox.put(
                {"id": f"e{n}", "session": "s1", "type": "session.started", "at": "x", "data": {}}
            )
        Heartbeat(KioskClient(fake_console.url, "tok"), Printer(), 1, outbox=outbox).beat()
        outbox.mark_sent(["e0"])
        Heartbeat(KioskClient(fake_console.url, "tok"), Printer(), 1, outbox=outbox).beat()
    finally:
        outbox.close()
    calls = [body for call, body, _auth in fake_console.requests if call == "heartbeat"]
    assert [call["outbox"]["unsent"] for call in calls] == [3, 2]


def statuses(console, count=2):
    """(reachable, console_live) as a real heartbeat thread reports them."""
    seen, enough = [], threading.Event()

    def on_status(reachable, live):
        seen.append((reachable, live))
        if len(seen) >= count:
            enough.set()

    heartbeat = Heartbeat(
        KioskClient(console.url if console else f"http://127.0.0.1:{free_port()}", "tok"),
        Printer(),
        0.05,
        on_status=on_status,
    ).start()
    assert enough.wait(10), "no heartbeats"
    heartbeat.stop()
    return seen[:count]


def test_the_kiosk_hears_whether_the_server_answers_at_all(fake_console):
    assert statuses(fake_console) == [(True, True), (True, True)]
    fake_console.answers["heartbeat"] = (
        200,
        {"server_time": "2026-11-22T10:00:00+00:00", "console_live": False},
    )
    assert statuses(fake_console) == [(True, False), (True, False)]
    assert statuses(None) == [(False, False), (False, False)]  # nothing on the port


def test_each_beat_tells_the_kiosk_its_printers_state_even_with_the_server_down():
    states, told = [], threading.Event()

    def on_printer(state):
        states.append(state)
        if len(states) == 1:
            raise RuntimeError("a listener's bug")  # must not stop the beats
        told.set()

    heartbeat = Heartbeat(
        KioskClient(f"http://127.0.0.1:{free_port()}", "tok"),
        Printer("no_status", "status not asked"),
        0.05,
        on_printer=on_printer,
    ).start()
    assert told.wait(10), "the printer's state was told once at most"
    heartbeat.stop()
    assert states[:2] == ["no_status", "no_status"]
