"""A check-in completes while the printer is out of paper: real uvicorn server, real
client and outbox, the simulated printer on a real pty. The patient's arrival is
committed, the slip is not sent, the result says why, and the heartbeat carries the
printer state to the server."""

from __future__ import annotations

import queue
import sqlite3
from contextlib import closing
from datetime import date

import pytest

from hardware.printer import SerialPrinter
from hardware.simulator import SimulatedPrinter
from kiosk import flow as f
from kiosk.client import KioskClient
from kiosk.config import KioskConfig, load_config
from kiosk.controller import Controller
from kiosk.heartbeat import Heartbeat
from kiosk.outbox import Outbox
from kiosk.printing import ReceiptPrinter

DEFAULTS = KioskConfig()  # the declared settings' defaults

pytestmark = pytest.mark.e2e


class SyncTimers:
    def call_soon(self, fn):
        fn()

    def call_later(self, seconds, fn):
        class Handle:
            def cancel(self):
                pass

        return Handle()


def server_row(db, sql, *args):
    with closing(sqlite3.connect(db)) as con:
        return con.execute(sql, args).fetchone()


def test_checkin_completes_while_the_printer_is_out_of_paper(live_server, tmp_path):
    csv = tmp_path / "schedule.csv"
    csv.write_text(
        "external_id,first_name,last_name,dob,start,provider\n"
        f"p-1,Siobhán,Ní Bhriain-O'Neill,1975-05-05,{date.today()}T10:30,Dr. Lee\n",
        encoding="utf-8",
    )
    live_server.cli("import-schedule", str(csv))
    client = KioskClient(live_server.url, live_server.add_kiosk("Lobby kiosk 1"))
    results: queue.Queue = queue.Queue()
    shown: list[str] = []
    with SimulatedPrinter("paper_out") as sim, closing(Outbox(tmp_path / "o.db")) as box:
        printer = SerialPrinter(sim.port, status_timeout=0.3)
        heartbeat = Heartbeat(client, printer, interval_s=3600)
        receipts = ReceiptPrinter(
            printer,
            "Seen Clinic",
            15,
            profile=DEFAULTS.printer_profile,
            width=DEFAULTS.printer_width,
            on_result=lambda arrival, result: results.put(result),
        )
        controller = Controller(
            f.Flow(),
            client,
            box,
            receipts,
            SyncTimers(),
            load_config(None, environ={}),
            show=shown.append,
            run=lambda fn: fn(),
        )
        controller.start()
        controller.enter_name("Ní Bhriain-O'Neill")
        controller.enter_dob("1975-05-05")
        controller.confirm_yes()
        result = results.get(timeout=10)
        answer = heartbeat.beat()
        receipts.stop()
        printer.close()
        assert sim.cuts == 0 and sim.text() == ""

    assert shown[-1] == "done"  # the check-in itself never waited on the printer
    ticket = controller.flow.arrival["ticket"]
    assert not result.printed and result.state == "paper_out" and result.ticket == ticket
    arrived = server_row(live_server.db, "SELECT count(*) FROM arrivals")
    assert arrived == (1,)
    assert "server_time" in answer
    assert server_row(live_server.db, "SELECT printer_state, printer_detail FROM kiosks") == (
        "paper_out",
        "paper roll is empty",
    )
