"""The real kiosk app, as systemd runs it, with the printer out of paper: the patient
checks in by taps and reaches the done screen, no slip is sent, the server holds the
arrival and hears "paper_out" in the heartbeat, and the app tells systemd it is ready
and pings the watchdog from its UI loop."""

from __future__ import annotations

import json
import socket
import sqlite3
import threading
from contextlib import closing
from datetime import date

import pytest
from helpers.kiosk_harness import open_alerts, run_scenario, write_config
from support import wait_for

from hardware.simulator import SimulatedPrinter

pytestmark = [pytest.mark.ui, pytest.mark.e2e]


def server_row(db, sql):
    with closing(sqlite3.connect(db)) as con:
        return con.execute(sql).fetchone()


def test_checkin_by_taps_while_the_printer_is_out_of_paper(
    xvfb_display, live_server, tmp_path, monkeypatch
):
    csv = tmp_path / "schedule.csv"
    csv.write_text(
        "external_id,first_name,last_name,dob,start,provider\n"
        f"pu-1,Zoë,Okafor,1980-04-02,{date.today()}T10:30,Dr. Lee\n",
        encoding="utf-8",
    )
    live_server.cli("import-schedule", str(csv))
    token = live_server.add_kiosk("Lobby kiosk 1")
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(str(tmp_path / "notify"))
    notify.settimeout(0.2)
    messages: list[str] = []
    done = threading.Event()

    def listen():  # like systemd: read every message as it comes
        while not done.is_set():
            try:
                messages.append(notify.recv(100).decode())
            except TimeoutError:
                continue

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    monkeypatch.setenv("NOTIFY_SOCKET", str(tmp_path / "notify"))
    monkeypatch.setenv("WATCHDOG_USEC", "1000000")  # a ping every 0.5 s
    steps = [
        {"wait_screen": "welcome"},
        {"tap": "start"},
        {"type": "Okafor"},
        {"tap": "next"},
        {"keypad": "04021980"},
        {"tap": "next"},
        {"wait_screen": "confirm", "timeout": 10},
        {"tap": "yes"},
        {"wait_screen": "done", "timeout": 10},
        {"expect_text": "You're checked in, Zoë."},
        {"sleep": 2.0},  # heartbeats (every 1 s, and one nudged by the failed slip)
    ]
    with closing(notify), SimulatedPrinter("paper_out") as printer:
        config = write_config(
            tmp_path / "kiosk.toml", live_server.url, token, printer=printer.port, heartbeat_s=1
        )
        run_scenario(xvfb_display, config, steps, tmp_path)
        assert printer.text() == "" and printer.cuts == 0
        wait_for(lambda: "STOPPING=1" in messages, timeout=5, what="STOPPING=1")
        done.set()
        listener.join(5)

    assert server_row(live_server.db, "SELECT count(*) FROM arrivals") == (1,)
    state = wait_for(
        lambda: server_row(live_server.db, "SELECT printer_state FROM kiosks"),
        timeout=5,
        what="a heartbeat",
    )
    assert state == ("paper_out",)
    assert messages[0] == "READY=1" and messages[-1] == "STOPPING=1"
    assert messages.count("WATCHDOG=1") >= 3


def outbox_handoffs(path) -> list[dict]:
    """The data of every session.handed_off event the kiosk's outbox file holds."""
    with closing(sqlite3.connect(path)) as con:
        bodies = [json.loads(body) for (body,) in con.execute("SELECT body FROM outbox")]
    return [b["data"] for b in bodies if b["type"] == "session.handed_off"]


def check_in_to_done(name: str = "Okafor") -> list[dict]:
    return [
        {"wait_screen": "welcome"},
        {"tap": "start"},
        {"type": name},
        {"tap": "next"},
        {"keypad": "04021980"},
        {"tap": "next"},
        {"wait_screen": "confirm", "timeout": 10},
        {"tap": "yes"},
        {"wait_screen": "done", "timeout": 10},
    ]


# A printer that cannot report: never asked (status "none"; here it is even out of
# paper, which nothing can see), or one way only (a USB printer-class FIFO under "auto").
NO_STATUS = {
    "never_asked": ({"state": "paper_out"}, "none"),
    "one_way_usb": ({"transport": "usb"}, "auto"),
}


@pytest.mark.parametrize("kind", list(NO_STATUS))
def test_a_printer_without_status_promises_no_slip_and_takes_my_slip_didnt_print(
    xvfb_display, live_server, tmp_path, shots, kind
):
    csv = tmp_path / "schedule.csv"
    csv.write_text(
        "external_id,first_name,last_name,dob,start,provider\n"
        f"pu-1,Zoë,Okafor,1980-04-02,{date.today()}T10:30,Dr. Lee\n",
        encoding="utf-8",
    )
    live_server.cli("import-schedule", str(csv))
    token = live_server.add_kiosk("Lobby kiosk 1")
    simulator, status = NO_STATUS[kind]
    steps = [
        *check_in_to_done(),
        {"expect_text": "Your number is 1. Your slip is printing.", "timeout": 5},
        {"expect_text": "If it doesn't come out, please ask at the front desk."},
        {"check_fit": True},
        {"check_targets": 90},
        shots(f"done_no_status_{kind}"),
        {"tap": "slip_not_printed"},
        {"wait_screen": "handoff"},
        {"expect_text": "Sorry, your slip didn't print. You are still checked in."},
        {"sleep": 1.5},  # let the outbox deliver while the app still runs
    ]
    with SimulatedPrinter(**simulator) as printer:
        config = write_config(
            tmp_path / "kiosk.toml",
            live_server.url,
            token,
            printer=printer.port,
            printer_status=status,
            heartbeat_s=1,
        )
        result = run_scenario(xvfb_display, config, steps, tmp_path)
        if kind == "one_way_usb":  # the slip was sent, on trust
            assert "Okafor" not in printer.text() and "Zoë" in printer.text()
    assert "Please take your receipt" not in " ".join(result["texts"])
    (handoff,) = outbox_handoffs(tmp_path / "outbox.db")
    assert handoff["reason"] == "slip_not_printed" and handoff["step"] == "done"
    (alert,) = wait_for(
        lambda: open_alerts(live_server, "slip_not_printed"), timeout=10, what="the alert"
    )
    assert alert["summary"] == (
        "Someone at Lobby kiosk 1 is checked in ('Okafor', born 2 Apr 1980) but no slip "
        "came out of its printer; give them their number, 1 (10:30 with Dr. Lee)"
    )
    # Checked in all the same: the hand-off keeps the arrival's outcome.
    assert server_row(live_server.db, "SELECT outcome FROM sessions") == ("checked_in",)


def test_a_printer_that_reports_still_says_take_your_receipt(
    xvfb_display, kiosk_config, tmp_path, printer
):
    # It tells us when paper runs out ("could not print" then), so no button is offered.
    steps = [
        *check_in_to_done(),
        {"expect_text": "Please take your receipt.", "timeout": 5},
        {"sleep": 1.5},  # a heartbeat or two: the printer answers, nothing changes
        {"expect_text": "Please take your receipt."},
        {"tap": "slip_not_printed"},  # must fail: there, but neither shown nor tappable
    ]
    result = run_scenario(xvfb_display, kiosk_config, steps, tmp_path, check=False)
    assert result["failed_step"] == {"tap": "slip_not_printed"}, result["error"]
    assert "is disabled" in result["error"]
    assert result["screen"] == "done"
    assert not any("slip" in text for text in result["texts"]), result["texts"]
