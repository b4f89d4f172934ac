"""Failure demand: why patients needed a person, and how long they waited (pure sums).

Every hand-off is demand the kiosk did not absorb. `build` turns the stored rows of
one period (report_queries.load) into the figures the page, the CLI and the CSV
show; it takes `now` instead of reading the clock. Minutes are rounded to 0.1.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from seen import vocabulary
from seen.vocabulary import HANDOFF_KINDS, SELF_CLEARING, kind_label, printer_label, screen_label
from staffconsole.clock import ClinicZone, parse
from staffconsole.report.queries import ReportRows
from staffconsole.rules import alerting

MAX_DAYS = 366
TOP_CAUSES = 5


class BadPeriod(ValueError):
    """The dates asked for do not make a report period."""


@dataclass(frozen=True)
class Period:
    """Clinic-local days `first` to `last`, both included, in the clinic's zone."""

    first: date
    last: date
    zone: ClinicZone

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise BadPeriod(f"the period ends ({self.last}) before it starts ({self.first})")
        if (self.last - self.first).days >= MAX_DAYS:
            raise BadPeriod(f"a report covers at most {MAX_DAYS} days")

    @property
    def start(self) -> datetime:
        """The clinic's midnight before `first` (in the clinic's local time)."""
        return self.zone.local(self.zone.midnight(self.first))

    @property
    def end(self) -> datetime:
        """The first instant after the period (midnight after `last`)."""
        return self.zone.local(self.zone.midnight(self.last + timedelta(days=1)))

    def local(self, moment: datetime) -> datetime:
        """An instant in the clinic's local time."""
        return self.zone.local(moment)

    @property
    def label(self) -> str:
        if self.first == self.last:
            return f"{self.first.day} {self.first:%b %Y}"
        return f"{self.first.day} {self.first:%b} – {self.last.day} {self.last:%b %Y}"


def parse_day(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BadPeriod(f"{what} {text[:40]!r} is not a date like 2026-11-22") from None


def today_period(today: date, zone: ClinicZone) -> Period:
    return Period(today, today, zone)


def week_period(today: date, zone: ClinicZone) -> Period:
    """This week so far: Monday to today."""
    return Period(today - timedelta(days=today.weekday()), today, zone)


# -- statistics --------------------------------------------------------------------


def percentile(values: Iterable[float], p: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least p% of values at or below it."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def spread(minutes: list[float]) -> dict:
    """Count, median and 90th percentile of durations in minutes (None when there are none)."""

    def rounded(value):
        return None if value is None else round(value, 1)

    return {
        "count": len(minutes),
        "median_min": rounded(alerting.median(minutes) if minutes else None),
        "p90_min": rounded(percentile(minutes, 90)),
    }


def minutes_between(earlier: str | None, later: str | None) -> float | None:
    if not earlier or not later:
        return None
    return (parse(later) - parse(earlier)).total_seconds() / 60


def _counted(counter: Counter, labels: Mapping[str, str] | None = None) -> list[dict]:
    """[{key, label, count}] most first, then by label."""
    labels = labels or {}
    items = [{"key": key, "label": labels.get(key, key), "count": n} for key, n in counter.items()]
    return sorted(items, key=lambda item: (-item["count"], item["label"]))


# -- the figures --------------------------------------------------------------------


def outcome_label(outcome: str | None) -> str:
    return vocabulary.outcome_label(outcome) if outcome else "Not resolved yet"


def cause_of(alert: Mapping) -> str:
    """What a hand-off counts under: the cause staff named when resolving, else its kind."""
    kind = vocabulary.ALERT_KINDS.get(alert["kind"])
    outcome = alert.get("outcome")
    if kind and outcome in vocabulary.CAUSE_OUTCOMES and outcome in kind.outcomes:
        return outcome
    return alert["kind"]


def cause_label(key: str) -> str:
    """A cause outcome's words, or the alert kind's."""
    if key in vocabulary.CAUSE_OUTCOMES:
        return vocabulary.OUTCOMES[key].label
    return kind_label(key)


def advice(key: str) -> str:
    """What the report suggests for a cause: a cause outcome's advice, or the kind's."""
    if key in vocabulary.CAUSE_OUTCOMES:
        return vocabulary.OUTCOMES[key].advice
    kind = vocabulary.ALERT_KINDS.get(key)
    return kind.advice if kind else ""


def handoffs(rows: ReportRows) -> list[dict]:
    return [a for a in rows.alerts if a["kind"] in HANDOFF_KINDS]


def _sessions(rows: ReportRows, handed: list[dict]) -> dict:
    with_person = {a["session_id"] for a in handed if a.get("session_id")}
    completed = handed_off = unfinished = abandoned = 0
    for session in rows.sessions:
        if session["id"] in with_person or session["outcome"] == "handed_off":
            handed_off += 1
        elif session["outcome"] == "checked_in":
            completed += 1
        elif session.get("abandoned"):
            abandoned += 1  # ended quietly: "start over", or a first screen left untouched
        else:
            unfinished += 1
    total = len(rows.sessions)
    return {
        "total": total,
        "completed": completed,
        "handed_off": handed_off,
        "unfinished": unfinished,
        "abandoned": abandoned,
        "completed_pct": round(100 * completed / total) if total else None,
    }


def _hours(handed: list[dict], period: Period) -> list[dict]:
    counts = Counter(period.local(parse(a["created_at"])).hour for a in handed)
    first = min([8, *counts])
    last = max([17, *counts])
    return [
        {"key": str(hour), "label": f"{hour:02d}:00", "count": counts.get(hour, 0)}
        for hour in range(first, last + 1)
    ]


def _causes(handed: list[dict], printer_faults: int) -> list[dict]:
    counter = Counter(cause_of(a) for a in handed)
    if printer_faults:
        counter["printer"] = printer_faults
    ranked = _counted(counter, {key: cause_label(key) for key in counter})
    return [{**item, "advice": advice(item["key"])} for item in ranked[:TOP_CAUSES]]


def _response(rows: ReportRows) -> dict:
    needs_person = [a for a in rows.alerts if a["kind"] not in SELF_CLEARING]
    ack = [
        m
        for a in needs_person
        if (m := minutes_between(a["created_at"], a["acknowledged_at"])) is not None
    ]
    done = [
        m
        for a in needs_person
        if (m := minutes_between(a["created_at"], a["resolved_at"])) is not None
    ]
    return {
        "alerts": len(needs_person),
        "acknowledge": spread(ack),
        "resolve": spread(done),
        "unresolved": sum(1 for a in needs_person if a["status"] != "resolved"),
    }


def _waits(rows: ReportRows) -> dict:
    called = [
        m
        for r in rows.arrivals
        if (m := minutes_between(r["arrived_at"], r["called_in_at"])) is not None
    ]
    return {
        "arrivals": len(rows.arrivals),
        **spread(called),
        "not_called": sum(1 for r in rows.arrivals if not r["called_in_at"]),
    }


def _printer(rows: ReportRows, period: Period, now: datetime) -> dict:
    faults = [a for a in rows.alerts if a["kind"] == "printer"]
    stop = min(now, period.end)
    minutes = 0.0
    for fault in faults:
        ended = parse(fault["resolved_at"]) if fault["resolved_at"] else stop
        minutes += max(0.0, (ended - parse(fault["created_at"])).total_seconds() / 60)
    return {
        "total": len(faults),
        "by_state": _counted(
            Counter(a["data"].get("state") or "unknown" for a in faults),
            {k: printer_label(k) for k in {a["data"].get("state") or "unknown" for a in faults}},
        ),
        "by_kiosk": _counted(Counter(a["kiosk"] or "unknown kiosk" for a in faults)),
        "minutes": round(minutes, 1),
    }


def build(rows: ReportRows, period: Period, now: datetime) -> dict:
    """All the report's figures for one period, as plain data (JSON-ready)."""
    handed = handoffs(rows)
    printer = _printer(rows, period, now)
    long_waits = [a for a in rows.alerts if a["kind"] == "long_wait"]
    return {
        "period": {
            "from": period.first.isoformat(),
            "to": period.last.isoformat(),
            "label": period.label,
        },
        "sessions": _sessions(rows, handed),
        "handoffs": {
            "total": len(handed),
            "by_reason": _counted(
                Counter(a["kind"] for a in handed), {k: kind_label(k) for k in HANDOFF_KINDS}
            ),
            "by_step": _counted(
                Counter(a["data"].get("step") or "unknown" for a in handed),
                {k: screen_label(k) for k in {a["data"].get("step") or "unknown" for a in handed}},
            ),
            "by_kiosk": _counted(Counter(a["kiosk"] or "unknown kiosk" for a in handed)),
            "by_hour": _hours(handed, period),
            "by_outcome": _counted(
                Counter(a["outcome"] or "" for a in handed),
                {k: outcome_label(k) for k in {a["outcome"] or "" for a in handed}},
            ),
        },
        "causes": _causes(handed, printer["total"]),
        "waits": _waits(rows),
        "response": _response(rows),
        "long_waits": {
            "total": len(long_waits),
            "ended": _counted(
                Counter(a["outcome"] or "" for a in long_waits),
                {k: outcome_label(k) for k in {a["outcome"] or "" for a in long_waits}},
            ),
        },
        "printer": printer,
    }
