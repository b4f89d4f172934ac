"""The escalation ladder as a pure function with a fake clock, and its marks in the store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from staffconsole.clock import iso
from staffconsole.config import load_settings
from staffconsole.rules.escalation import (
    ESCALATE,
    RETURN,
    Timings,
    is_escalated,
    next_step,
)
from staffconsole.store import alerts
from staffconsole.store.alerts import acknowledge_alert

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
DEFAULT = Timings.from_settings(load_settings(environ={}))  # 3 min, 10 min


def alert(status="open", **marks):
    base = {
        "id": 1,
        "status": status,
        "created_at": iso(T0),
        "returned_at": None,
        "sounded_at": None,
        "escalated_at": None,
        "acknowledged_at": None,
    }
    return {**base, **{k: iso(v) if isinstance(v, datetime) else v for k, v in marks.items()}}


def at(seconds):
    return T0 + timedelta(seconds=seconds)


def test_defaults_are_the_documented_ones():
    assert (DEFAULT.escalate_after_s, DEFAULT.ack_timeout_s) == (180, 600)


def test_an_unacknowledged_alert_has_no_step_before_it_escalates():
    # Reminder sounds are the console page's; the ladder has nothing to do until then.
    assert [s for s in range(0, 180, 5) if next_step(alert(), at(s), DEFAULT)] == []
    assert next_step(alert(sounded_at=at(60)), at(179), DEFAULT) is None


def test_escalates_after_three_minutes_once():
    assert next_step(alert(), at(180), DEFAULT) == ESCALATE
    escalated = alert(sounded_at=at(180), escalated_at=at(180))
    assert is_escalated(escalated)
    assert next_step(escalated, at(240), DEFAULT) is None  # never escalated twice
    assert next_step(escalated, at(10_000), DEFAULT) is None


def test_acknowledged_alert_is_quiet_until_the_ack_timeout_then_returns():
    acked = alert("acknowledged", acknowledged_at=at(100), escalated_at=at(90))
    assert not is_escalated(acked)
    assert next_step(acked, at(699), DEFAULT) is None
    assert next_step(acked, at(700), DEFAULT) == RETURN


def test_a_returned_alert_starts_the_ladder_again():
    back = alert(
        returned_at=at(700), sounded_at=at(700), escalated_at=at(90), acknowledged_at=at(100)
    )
    assert not is_escalated(back)  # the old escalation was before it came back
    assert next_step(back, at(879), DEFAULT) is None
    assert next_step(back, at(880), DEFAULT) == ESCALATE


def test_resolved_alerts_have_no_steps():
    assert next_step(alert("resolved"), at(10_000), DEFAULT) is None


def test_times_are_configurable():
    quick = Timings(escalate_after_s=5, ack_timeout_s=7)
    assert next_step(alert(), at(4), quick) is None
    assert next_step(alert(), at(5), quick) == ESCALATE
    assert next_step(alert("acknowledged", acknowledged_at=at(1)), at(8), quick) == RETURN


# -- the marks in the store ------------------------------------------------------


def test_store_records_each_step(db, raise_handoff, clock):
    raised = raise_handoff("help")
    a = alerts.apply_step(db, raised["id"], ESCALATE, at(180))
    assert a["escalated_at"] == iso(at(180)) and a["sounded_at"] == iso(at(180))
    acknowledge_alert(db, raised["id"], "ana", at(200))
    a = alerts.apply_step(db, raised["id"], RETURN, at(800))
    assert (a["status"], a["returned_at"], a["acknowledged_by"]) == ("open", iso(at(800)), "ana")
    assert not is_escalated(a)
    for gone in ("resound", "shout"):  # the page schedules reminders now
        with pytest.raises(ValueError):
            alerts.apply_step(db, raised["id"], gone, at(900))
