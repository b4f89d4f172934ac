"""The vocabulary is complete, and the kiosk, the printer code and the server use no word
outside it: every hand-off reason, screen and event the flow produces, every printer
state the hardware reports, and exactly what the kiosk API accepts."""

from __future__ import annotations

import copy
import itertools
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from hardware.printer import NullPrinter, SerialPrinter, decode_status
from hardware.simulator import SIM_STATES, SimulatedPrinter
from kiosk import flow as f
from seen import vocabulary
from seen.vocabulary import (
    ALERT_KINDS,
    ALERT_STATUSES,
    CAUSE_OUTCOMES,
    EVENT_TYPES,
    HANDOFF_KINDS,
    HANDOFF_REASONS,
    OUTCOMES,
    PRINTER_STATES,
    SCREENS,
    SERVER_KINDS,
    SESSION_HANDED_OFF,
    SESSION_STEP,
    STAFF_OUTCOMES,
)
from staffconsole.app import create_app
from staffconsole.auth.kiosks import add_kiosk
from staffconsole.config import load_settings
from staffconsole.rules import alerting
from staffconsole.store.schema import ensure_schema, open_db

MARIA = {"appointment": 7, "display_name": "María O.", "time": "10:30", "provider": "Dr. Lee"}
MARIO = {"appointment": 8, "display_name": "Mario O.", "time": "11:00", "provider": "Dr. Lee"}
ARRIVAL = {**MARIA, "id": 3, "appointment": 7, "arrived_at": "2026-11-22T09:00:00+00:00"}
# One of every input the flow takes, with every failure kind the client can report.
INPUTS = (
    f.Start("s1"),
    f.Help("s1"),
    f.Scanned("K7", "s1"),
    f.EnterName("Okafor"),
    f.Typed("last_name", "Oka"),
    f.EnterDob("1980-02-04"),
    f.UseCode(),
    f.EnterCode("K7"),
    f.WalkIn(),
    f.WalkInDetails("Ada", "Okafor", "0412 555 010"),
    f.Back(),
    f.LookupOk((), "s1"),
    f.LookupOk((MARIA,), "s1"),
    f.LookupOk((MARIA, MARIO), "s1"),
    *(f.LookupFailed(kind, "s1") for kind in f.FAILURE_KINDS),
    f.Choose(7),
    f.ConfirmYes(),
    f.ConfirmNo(),
    f.CheckinOk(ARRIVAL, "s1"),
    *(f.CheckinFailed(kind, "s1") for kind in f.FAILURE_KINDS),
    f.ReceiptFailed("s1"),
    f.ReportProblem(),
    f.SlipNotPrinted(),
    f.PrinterReport("no_status"),
    f.Idle(),
    f.StillHere(),
    f.CountdownExpired(),
    f.SetLanguage("es"),
    f.ToggleLargeText(),
    f.ConsoleStatus(False),
    f.ConsoleStatus(True, reachable=False),
    f.HandoffDelivered("s1"),
    f.SendTyped(),
    f.TryAgain(),
    f.StartOver(),
    f.Finish(),
)


def everything_the_flow_does() -> list:
    """Every effect of every input in every state the flow reaches from welcome."""
    effects: list = []
    reached: set = set()
    todo = [f.Flow()]
    while todo:
        flow = todo.pop()
        for event in INPUTS:
            after = copy.deepcopy(flow)
            effects.extend(after.handle(event))
            key = (
                after.state,
                after.covered,
                len(after.matches),
                after.chosen is not None,
                bool(after.code),  # a code's miss hands off; a name's looks again first
                len(after.attempts),
            )
            if key not in reached:
                reached.add(key)
                todo.append(after)
    return effects


@pytest.fixture(scope="module")
def flow_effects():
    return everything_the_flow_does()


def emitted(effects, kind=None):
    return [e for e in effects if isinstance(e, f.Emit) and kind in (None, e.type)]


# -- alert kinds -----------------------------------------------------------------------


def test_the_kinds_are_the_hand_off_reasons_and_the_servers_own():
    assert set(ALERT_KINDS) == set(HANDOFF_REASONS) | set(SERVER_KINDS)
    assert not set(HANDOFF_REASONS) & set(SERVER_KINDS)
    assert all(name == kind.name for name, kind in ALERT_KINDS.items())


@pytest.mark.parametrize("name", list(ALERT_KINDS))
def test_every_kind_has_severity_label_advice_and_outcomes(name):
    kind = ALERT_KINDS[name]
    assert isinstance(kind.severity, int) and 0 < kind.severity <= 100
    assert kind.label and kind.label[0].isupper() and "_" not in kind.label
    assert kind.advice.endswith(".") and len(kind.advice) > 20
    assert kind.outcomes and set(kind.outcomes) <= set(STAFF_OUTCOMES)


def test_kinds_are_told_apart_and_ordered():
    kinds = ALERT_KINDS.values()
    assert len({kind.severity for kind in kinds}) == len(kinds)  # a strict console order
    assert len({kind.label for kind in kinds}) == len(kinds)
    # Every patient the kiosk handed off counts in the report, and nobody's alert
    # about a patient ends by itself.
    assert set(HANDOFF_REASONS) < set(HANDOFF_KINDS)
    assert not any(ALERT_KINDS[name].clears_itself for name in HANDOFF_KINDS)


def test_outcomes_and_statuses_have_words():
    assert STAFF_OUTCOMES[0] == "checked_in_at_desk" and vocabulary.CLEARED not in STAFF_OUTCOMES
    for outcome in OUTCOMES.values():
        assert outcome.label and "_" not in outcome.label
    for name in CAUSE_OUTCOMES:
        assert OUTCOMES[name].by_staff and OUTCOMES[name].advice.endswith(".")
    assert set(ALERT_STATUSES) == {"open", "acknowledged", "resolved"}


# -- the kiosk flow ---------------------------------------------------------------------


def test_the_flow_hands_off_with_exactly_the_vocabularys_reasons(flow_effects):
    reasons = {e.data["reason"] for e in emitted(flow_effects, SESSION_HANDED_OFF)}
    assert reasons == set(HANDOFF_REASONS)


def test_the_flows_states_and_steps_are_the_vocabularys_screens(flow_effects):
    assert {state for state, _ in f.TRANSITIONS} == set(SCREENS)
    shown = {e.screen for e in flow_effects if isinstance(e, f.Show)}
    assert shown == set(SCREENS)
    steps = {e.data.get("step") for e in emitted(flow_effects)} - {None}
    assert steps <= set(SCREENS)
    assert {e.data["step"] for e in emitted(flow_effects, SESSION_STEP)} == set(SCREENS) - {
        vocabulary.WELCOME
    }


def test_the_flow_sends_only_the_event_types_the_server_takes(flow_effects):
    assert {e.type for e in emitted(flow_effects)} == set(EVENT_TYPES)


@pytest.mark.parametrize("step", list(SCREENS))
def test_staff_read_every_screen_by_its_label(step):
    summary = alerting.handoff_summary("help", "Side door", step, None)
    assert f"on the {SCREENS[step].label} screen" in summary and "_" not in summary


# -- printer states -----------------------------------------------------------------------


def decoder_states() -> set[str]:
    """Every state decode_status gives, over every valid reply byte (fixed bits kept)."""
    valid = [b for b in range(256) if b & 0x93 == 0x12]
    found = set()
    for printer, cause, paper in itertools.product(valid, repeat=3):
        for error in (None, *valid):
            found.add(decode_status(printer, cause, paper, error).state)
    return found


def test_every_state_the_printer_code_reports_is_in_the_vocabulary():
    found = decoder_states()
    found.add(NullPrinter().status().state)
    with SimulatedPrinter() as sim:
        printer = SerialPrinter(sim.port, status_timeout=0.2)
        try:
            for state in SIM_STATES:
                sim.set_state(state)
                found.add(printer.status().state)
            printer.status_mode = "none"  # a printer that never reports
            found.add(printer.status().state)
            sim.unplug()
            found.add(printer.status().state)
        finally:
            printer.close()
    assert found == set(PRINTER_STATES)
    assert set(SIM_STATES) <= set(PRINTER_STATES)


def test_printer_states_say_whether_they_need_attention():
    assert {s.name for s in PRINTER_STATES.values() if not s.needs_attention} == {
        "ok",
        "no_status",
        "none",
    }
    assert {s.name for s in PRINTER_STATES.values() if s.prints} == {
        "ok",
        "paper_near_end",
        "no_status",
    }
    assert vocabulary.printable("paper_near_end") and not vocabulary.printable("jammed")
    for state in PRINTER_STATES.values():
        assert state.label and "_" not in state.label


# -- the kiosk API takes exactly these words -------------------------------------------------


@pytest.fixture
def kiosk_api(tmp_path):
    settings = load_settings(environ={}, overrides={"db_path": str(tmp_path / "app.db")})
    db = open_db(settings.db_path)
    ensure_schema(db)
    token = add_kiosk(db, "Lobby kiosk 1", datetime(2026, 11, 22, 9, tzinfo=UTC))
    db.close()
    with TestClient(create_app(settings, staff=False)) as client:
        yield client, {"Authorization": f"Bearer {token}"}


def heartbeat(state: str) -> dict:
    return {
        "at": "2026-11-22T09:00:00+00:00",
        "app_version": "0.1.0",
        "printer": {"state": state, "detail": ""},
    }


def test_the_kiosk_api_accepts_exactly_the_printer_states(kiosk_api):
    client, auth = kiosk_api
    url = "/api/v1/kiosk/heartbeat"
    for state in PRINTER_STATES:
        assert client.post(url, headers=auth, json=heartbeat(state)).status_code == 200, state
    for state in ("jammed", "OK", "paper-out", ""):
        assert client.post(url, headers=auth, json=heartbeat(state)).status_code == 422, state
    schemas = client.app.openapi()["components"]["schemas"]
    assert set(schemas["Printer"]["properties"]["state"]["enum"]) == set(PRINTER_STATES)
    assert set(schemas["Event"]["properties"]["type"]["enum"]) == set(EVENT_TYPES)


def test_the_kiosk_api_accepts_exactly_the_hand_off_reasons(kiosk_api):
    client, auth = kiosk_api

    def hand_off(n: int, reason: str):
        event = {
            "id": f"e{n}",
            "session": f"s{n}",
            "type": SESSION_HANDED_OFF,
            "at": "2026-11-22T09:00:00+00:00",
            "data": {"reason": reason, "step": vocabulary.CONFIRM},
        }
        return client.post("/api/v1/kiosk/events", headers=auth, json={"events": [event]})

    for n, reason in enumerate(HANDOFF_REASONS):
        assert hand_off(n, reason).status_code == 200, reason
    for n, reason in enumerate(("long_wait", "printer", "bored"), start=100):
        assert hand_off(n, reason).status_code == 422, reason
