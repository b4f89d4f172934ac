"""The report's figures from a seeded week equal the same figures worked out plainly here."""

from __future__ import annotations

import math
import statistics
from collections import Counter
from datetime import date

import pytest
from helpers.week import CLINIC_ZONE, FIRST, LAST, NOW, ZONE

from seen.vocabulary import ALERT_KINDS, CAUSE_OUTCOMES, OUTCOMES
from staffconsole.report import figures as report
from staffconsole.report import queries


def figures_for(db, first=FIRST, last=LAST):
    period = report.Period(first, last, CLINIC_ZONE)
    return report.build(queries.load(db, period.start, period.end), period, NOW)


def counts(items):
    return {item["key"]: item["count"] for item in items}


def plain_p90(values):
    ordered = sorted(values)
    return ordered[math.ceil(0.9 * len(ordered)) - 1]


def minutes(a, b):
    return (b - a).total_seconds() / 60


def test_kiosk_or_person(week):
    db, ledger = week
    s = figures_for(db)["sessions"]
    kinds = Counter(ledger.sessions.values())
    assert (s["completed"], s["handed_off"], s["unfinished"]) == (
        kinds["completed"],
        kinds["handed"],
        kinds["unfinished"],
    )
    assert s["total"] == len(ledger.sessions)
    assert s["completed_pct"] == round(100 * kinds["completed"] / len(ledger.sessions))
    assert kinds["completed"] > 5 and kinds["handed"] > 5  # the seed exercises both


def test_hand_offs_by_reason_step_kiosk_and_hour(week):
    db, ledger = week
    h = figures_for(db)["handoffs"]
    assert h["total"] == len(ledger.handoffs)
    assert counts(h["by_reason"]) == Counter(r["reason"] for r in ledger.handoffs)
    assert counts(h["by_step"]) == Counter(r["step"] for r in ledger.handoffs)
    assert counts(h["by_kiosk"]) == Counter(r["kiosk"] for r in ledger.handoffs)
    hours = Counter(str(r["at"].astimezone(ZONE).hour) for r in ledger.handoffs)
    assert {k: v for k, v in counts(h["by_hour"]).items() if v} == hours
    assert hours["23"] == 1  # the 23:30 hand-off on the last evening is in the week
    # Most first, and the words are the console's.
    assert [i["count"] for i in h["by_reason"]] == sorted(
        (i["count"] for i in h["by_reason"]), reverse=True
    )
    assert {i["label"] for i in h["by_reason"]} <= {kind.label for kind in ALERT_KINDS.values()}


def test_outcomes_and_top_causes(week):
    db, ledger = week
    figures = figures_for(db)
    outcomes = Counter(r["outcome"] or "" for r in ledger.handoffs)
    assert counts(figures["handoffs"]["by_outcome"]) == outcomes
    # A cause is what staff named when resolving, else the kiosk's reason; printer faults too.
    named = {"no_appointment", "name_differs", "dob_differs", "wrong_day", "kiosk_fault"}
    assert set(CAUSE_OUTCOMES) == named
    causes = Counter(
        r["outcome"] if r["outcome"] in named else r["reason"] for r in ledger.handoffs
    )
    causes["printer"] = len(ledger.printer)
    expected = sorted(
        causes.items(), key=lambda kv: (-kv[1], (OUTCOMES.get(kv[0]) or ALERT_KINDS[kv[0]]).label)
    )
    top = figures["causes"]
    assert [(c["key"], c["count"]) for c in top] == expected[:5]
    assert all(c["advice"] for c in top)
    assert named & {c["key"] for c in top}  # resolution outcomes do feed the causes


def test_wait_from_arrival_to_called_in(week):
    db, ledger = week
    w = figures_for(db)["waits"]
    assert w["count"] == len(ledger.waits)
    assert w["median_min"] == round(statistics.median(ledger.waits), 1)
    assert w["p90_min"] == round(plain_p90(ledger.waits), 1)
    assert (w["arrivals"], w["not_called"]) == (ledger.arrivals, ledger.not_called)


def test_alert_to_acknowledgement_and_resolution(week):
    db, ledger = week
    r = figures_for(db)["response"]
    acked = [minutes(c, a) for c, a, _ in ledger.person_alerts if a]
    done = [minutes(c, d) for c, _, d in ledger.person_alerts if d]
    assert r["acknowledge"] == {
        "count": len(acked),
        "median_min": round(statistics.median(acked), 1),
        "p90_min": round(plain_p90(acked), 1),
    }
    assert r["resolve"] == {
        "count": len(done),
        "median_min": round(statistics.median(done), 1),
        "p90_min": round(plain_p90(done), 1),
    }
    assert r["unresolved"] == sum(1 for _, _, d in ledger.person_alerts if d is None)


def test_long_waits_and_printer_faults(week):
    db, ledger = week
    figures = figures_for(db)
    assert figures["long_waits"]["total"] == len(ledger.long_waits)
    assert counts(figures["long_waits"]["ended"]) == Counter(o or "" for o in ledger.long_waits)
    p = figures["printer"]
    assert p["total"] == len(ledger.printer)
    assert counts(p["by_state"]) == Counter(state for state, *_ in ledger.printer)
    assert counts(p["by_kiosk"]) == Counter(kiosk for _, kiosk, *_ in ledger.printer)
    week_end = report.Period(FIRST, LAST, CLINIC_ZONE).end
    assert p["minutes"] == round(
        sum(minutes(start, end or week_end) for *_, start, end in ledger.printer), 1
    )


def test_one_day_counts_only_that_day(week):
    db, ledger = week
    day = date(2026, 11, 18)
    h = figures_for(db, day, day)["handoffs"]
    assert h["total"] == sum(1 for r in ledger.handoffs if r["at"].astimezone(ZONE).date() == day)


def test_an_empty_period_has_no_figures_but_no_errors(week):
    db, _ = week
    figures = figures_for(db, date(2025, 1, 1), date(2025, 1, 7))
    assert figures["sessions"] == {
        "total": 0,
        "completed": 0,
        "handed_off": 0,
        "unfinished": 0,
        "abandoned": 0,
        "completed_pct": None,
    }
    assert figures["waits"]["median_min"] is None and figures["causes"] == []


def test_percentile_is_nearest_rank():
    assert report.percentile([], 90) is None
    assert report.percentile([5], 90) == 5
    assert report.percentile(list(range(1, 11)), 90) == 9
    assert report.percentile(list(range(1, 12)), 90) == 10
    assert report.percentile([3, 1, 2], 50) == 2


def test_periods_are_clinic_days():
    period = report.week_period(date(2026, 11, 19), CLINIC_ZONE)  # a Thursday
    assert (period.first, period.last) == (date(2026, 11, 16), date(2026, 11, 19))
    assert period.start.isoformat() == "2026-11-16T00:00:00+01:00"
    assert period.end.isoformat() == "2026-11-20T00:00:00+01:00"
    with pytest.raises(report.BadPeriod, match="before it starts"):
        report.Period(date(2026, 11, 2), date(2026, 11, 1), CLINIC_ZONE)
    with pytest.raises(report.BadPeriod, match="at most 366 days"):
        report.Period(date(2024, 1, 1), date(2026, 1, 1), CLINIC_ZONE)
    with pytest.raises(report.BadPeriod, match="not a date"):
        report.parse_day("22/11/2026", "from")
