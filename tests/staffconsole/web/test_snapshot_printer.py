"""The kiosk strip's printer state: known only while the kiosk is heard from.

The state comes with each heartbeat, so an offline kiosk's "Printer OK" may be hours
old; the snapshot says "Printer state unknown" instead (its last report stays alongside).
"""

from __future__ import annotations

import pytest

from seen.vocabulary import PRINTER_UNKNOWN_LABEL, printer_label
from staffconsole.auth.kiosks import add_kiosk, kiosk_for_token
from staffconsole.store.sessions import heartbeat


def strip(client) -> dict:
    return {k["name"]: k for k in client.get("/api/v1/console/snapshot").json()["kiosks"]}


def beat(db, kiosk, state, now):
    heartbeat(db, kiosk, app_version="1", printer_state=state, printer_detail="", now=now)


@pytest.mark.parametrize("state", ["ok", "paper_out", "none"])
def test_an_offline_kiosks_printer_is_unknown(client, signed_in, db, clock, state):
    kiosk = kiosk_for_token(db, add_kiosk(db, "Entrée Nord", clock()))
    beat(db, kiosk, state, clock())
    online = strip(client)["Entrée Nord"]
    assert online["online"] is True
    assert (online["printer_state"], online["printer_label"]) == (state, printer_label(state))
    assert online["printer_ok"] is (state != "paper_out")

    clock.advance(seconds=31)  # three 10 s heartbeats missed
    offline = strip(client)["Entrée Nord"]
    assert offline["online"] is False
    assert offline["printer_label"] == PRINTER_UNKNOWN_LABEL == "Printer state unknown"
    assert offline["printer_state"] == "unknown"
    assert offline["printer_ok"] is None
    assert offline["printer_reported"] == state
    assert offline["app_version"] == "1"  # what it last said it runs, kept while offline

    beat(db, kiosk, "ok", clock())  # back: the new report counts again
    assert strip(client)["Entrée Nord"]["printer_label"] == "Printer OK"


def test_a_kiosk_never_connected_has_an_unknown_printer(client, signed_in, db, clock):
    add_kiosk(db, "Not installed yet", clock())
    never = strip(client)["Not installed yet"]
    assert never["online"] is False and never["last_seen_at"] is None
    assert never["printer_label"] == "Printer state unknown"
    assert never["printer_ok"] is None
    assert never["app_version"] is None


def test_a_printer_without_status_shows_no_status_not_offline(client, signed_in, db, clock):
    """A real status-less printer (the simulator answering nothing) as the kiosk reports it."""
    from hardware.printer import SerialPrinter
    from hardware.simulator import SimulatedPrinter

    with SimulatedPrinter(state="offline") as sim:
        printer = SerialPrinter(sim.port, status_timeout=0.2, status_mode="auto")
        try:
            state = printer.status().state
        finally:
            printer.close()
    assert state == "no_status"
    kiosk = kiosk_for_token(db, add_kiosk(db, "Entrée Nord", clock()))
    beat(db, kiosk, state, clock())
    shown = strip(client)["Entrée Nord"]
    assert shown["printer_state"] == "no_status" and "no status" in shown["printer_label"]
    assert shown["printer_ok"] is True  # it prints: nothing for the desk to fix
