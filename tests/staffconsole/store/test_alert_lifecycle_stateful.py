"""The alert life cycle under random sequences of events (hypothesis stateful testing).

Alerts are raised, raised again for the same cause, acknowledged, resolved, cleared
by their fault going away, and pushed along the escalation ladder as time passes,
in any order, through the store functions on a real SQLite file. After every step:
open -> acknowledged -> resolved is the only way forward (acknowledged may return to
open); one unresolved alert per cause; only a person resolves a patient's alert; a
resolved alert never changes; unacknowledged alerts escalate, acknowledged ones return.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from seen.vocabulary import HANDOFF_REASONS, SELF_CLEARING, STAFF_OUTCOMES
from staffconsole.auth.kiosks import add_kiosk, kiosk_for_token
from staffconsole.clock import parse
from staffconsole.errors import Conflict
from staffconsole.rules import alerting, escalation
from staffconsole.store import alerts as store_alerts
from staffconsole.store.alerts import (
    acknowledge_alert,
    get_alert,
    list_alerts,
    open_or_update_alert,
    resolve_alert,
)
from staffconsole.store.schema import ensure_schema, open_db

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
TIMINGS = escalation.Timings(escalate_after_s=180, ack_timeout_s=600)
SESSIONS = ("s1", "s2", "s3")
PEOPLE = ("ana", "ben")
ALLOWED = {
    ("open", "open"),
    ("open", "acknowledged"),
    ("open", "resolved"),
    ("acknowledged", "acknowledged"),
    ("acknowledged", "resolved"),
    ("acknowledged", "open"),
    ("resolved", "resolved"),
}


class AlertLifeCycle(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = tempfile.mkdtemp(prefix="alerts-")
        self.db = open_db(Path(self.dir) / "seen.db")
        ensure_schema(self.db)
        self.now = T0
        token = add_kiosk(self.db, "Lobby kiosk 1", T0)
        self.kiosk = kiosk_for_token(self.db, token)
        self.seen: dict[int, dict] = {}  # alert id -> as last seen
        self.resolved: dict[int, dict] = {}  # alert id -> frozen copy when resolved

    def teardown(self) -> None:
        self.db.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def all_alerts(self) -> list[dict]:
        return list_alerts(self.db, include_resolved=True)

    def ids(self) -> list[int]:
        return [a["id"] for a in self.all_alerts()]

    # -- faults and patients raise alerts ------------------------------------------------

    @rule(session=st.sampled_from(SESSIONS), reason=st.sampled_from(HANDOFF_REASONS))
    def hand_off(self, session, reason):
        fields = alerting.handoff_alert(
            reason,
            {"id": session, "kiosk_id": self.kiosk["id"], "step": "confirm"},
            self.kiosk["name"],
            {"last_name": "Okafor"},
            self.now,
        )
        open_or_update_alert(self.db, fields)

    @rule(session=st.sampled_from(SESSIONS))
    def went_silent(self, session):
        last = self.now - timedelta(seconds=150)
        fields = alerting.unresponsive_alert(
            {"id": session, "kiosk_id": self.kiosk["id"], "last_event_at": last.isoformat()},
            self.kiosk["name"],
            self.now,
            120,
        )
        open_or_update_alert(self.db, fields)

    @rule(state=st.sampled_from(["paper_out", "cover_open", "offline"]))
    def printer_fault(self, state):
        kiosk = {**self.kiosk, "printer_state": state, "printer_detail": ""}
        open_or_update_alert(self.db, alerting.printer_alert(kiosk, self.now))

    @rule()
    def printer_fixed(self):
        store_alerts.clear_alert(self.db, alerting.printer_cause(self.kiosk["id"]), self.now)

    @rule(session=st.sampled_from(SESSIONS))
    def nothing_clears_a_patient_alert_but_a_person(self, session):
        alert = store_alerts.unresolved_for_cause(self.db, alerting.session_cause(session))
        if alert is None:
            assert (
                store_alerts.clear_alert(self.db, alerting.session_cause(session), self.now) is None
            )
            return
        with pytest.raises(ValueError, match="resolved by a person"):
            store_alerts.clear_alert(self.db, alerting.session_cause(session), self.now)

    # -- people act ------------------------------------------------------------------------

    @precondition(lambda self: self.ids())
    @rule(data=st.data(), who=st.sampled_from(PEOPLE))
    def acknowledge(self, data, who):
        alert_id = data.draw(st.sampled_from(self.ids()))
        before = get_alert(self.db, alert_id)
        if before["status"] == "resolved":
            with pytest.raises(Conflict):
                acknowledge_alert(self.db, alert_id, who, self.now)
            return
        after = acknowledge_alert(self.db, alert_id, who, self.now)
        assert after["status"] == "acknowledged"

    @precondition(lambda self: self.ids())
    @rule(
        data=st.data(),
        who=st.sampled_from(PEOPLE),
        outcome=st.sampled_from(STAFF_OUTCOMES),
        note=st.text(max_size=30),
    )
    def resolve(self, data, who, outcome, note):
        alert_id = data.draw(st.sampled_from(self.ids()))
        before = get_alert(self.db, alert_id)
        if before["status"] == "resolved":
            with pytest.raises(Conflict):
                resolve_alert(self.db, alert_id, who, outcome, note, self.now)
            return
        after = resolve_alert(self.db, alert_id, who, outcome, note, self.now)
        assert (after["status"], after["resolved_by"], after["outcome"]) == (
            "resolved",
            who,
            outcome,
        )

    # -- time passes and the watchdog runs the ladder --------------------------------------

    @rule(seconds=st.sampled_from([5, 61, 200, 601, 3600]))
    def time_passes(self, seconds):
        self.now += timedelta(seconds=seconds)
        for _ in range(3):  # one step per pass, as the watchdog does
            for alert in list_alerts(self.db):
                step = escalation.next_step(alert, self.now, TIMINGS)
                if step:
                    store_alerts.apply_step(self.db, alert["id"], step, self.now)
        assert [
            escalation.next_step(a, self.now, TIMINGS)
            for a in list_alerts(self.db)
            if escalation.next_step(a, self.now, TIMINGS)
        ] == []

    # -- the promises ------------------------------------------------------------------------

    @invariant()
    def one_unresolved_alert_per_cause(self):
        rows = self.db.execute(
            "SELECT cause, count(*) FROM alerts WHERE status != 'resolved' "
            "GROUP BY cause HAVING count(*) > 1"
        ).fetchall()
        assert rows == []

    @invariant()
    def statuses_only_move_forward(self):
        for alert in self.all_alerts():
            before = self.seen.get(alert["id"], {"status": "open"})["status"]
            assert (before, alert["status"]) in ALLOWED, (alert["id"], before, alert["status"])
            self.seen[alert["id"]] = alert

    @invariant()
    def only_people_resolve_patient_alerts(self):
        for alert in self.all_alerts():
            if alert["status"] != "resolved":
                continue
            if alert["kind"] in SELF_CLEARING:
                assert alert["resolved_by"] in (*PEOPLE, store_alerts.SYSTEM)
            else:
                assert alert["resolved_by"] in PEOPLE and alert["outcome"] in STAFF_OUTCOMES
            assert alert["resolved_at"] and alert["acknowledged_by"]

    @invariant()
    def resolved_alerts_never_change(self):
        for alert in self.all_alerts():
            if alert["status"] != "resolved":
                continue
            frozen = {
                k: alert[k]
                for k in (
                    "kind",
                    "summary",
                    "resolved_by",
                    "resolved_at",
                    "outcome",
                    "note",
                    "updated_at",
                )
            }
            assert self.resolved.setdefault(alert["id"], frozen) == frozen

    @invariant()
    def escalated_and_returned_as_due(self):
        for alert in list_alerts(self.db):
            if alert["status"] == "acknowledged":
                # Unresolved past ack_timeout_s, it is new again (the ladder ran after time moved).
                assert self.now - parse(alert["acknowledged_at"]) < timedelta(
                    seconds=TIMINGS.ack_timeout_s
                )
            elif self.now - escalation.open_since(alert) >= timedelta(
                seconds=TIMINGS.escalate_after_s
            ):
                assert escalation.is_escalated(alert), alert
            if escalation.is_escalated(alert):
                assert self.now - escalation.open_since(alert) >= timedelta(
                    seconds=TIMINGS.escalate_after_s
                )


AlertLifeCycle.TestCase.settings = settings(
    max_examples=60,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_alert_life_cycle = AlertLifeCycle.TestCase
