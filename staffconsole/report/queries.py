"""The stored rows the failure-demand report is computed from (SQL only; report.py does the sums).

Every query takes a UTC instant range [start, end) as the text `clock.iso` writes,
so text comparison is time comparison.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from seen.vocabulary import SESSION_ABANDONED
from staffconsole.clock import iso
from staffconsole.store.engine import Database
from staffconsole.store.schema import loads


@dataclass
class ReportRows:
    """Everything report.build needs for one period, as plain dicts."""

    sessions: list[dict] = field(default_factory=list)
    alerts: list[dict] = field(default_factory=list)
    arrivals: list[dict] = field(default_factory=list)


def sessions_between(db: Database, start: str, end: str) -> list[dict]:
    """Kiosk sessions started in the range, with their kiosk's name and outcome."""
    return list(
        db.query(
            "SELECT s.id, s.kiosk_id, k.name AS kiosk, s.started_at, s.step, s.outcome, "
            "s.outcome_at, EXISTS (SELECT 1 FROM events e WHERE e.session_id = s.id "
            "AND e.type = ?) AS abandoned "
            "FROM sessions s LEFT JOIN kiosks k ON k.id = s.kiosk_id "
            "WHERE s.started_at >= ? AND s.started_at < ? ORDER BY s.started_at, s.id",
            [SESSION_ABANDONED, start, end],
        )
    )


def alerts_between(db: Database, start: str, end: str) -> list[dict]:
    """Alerts raised in the range (any status), with kiosk name and session start."""
    rows = list(
        db.query(
            "SELECT a.id, a.kind, a.status, a.created_at, a.acknowledged_at, a.acknowledged_by, "
            "a.resolved_at, a.resolved_by, a.outcome, a.note, a.data, a.kiosk_id, "
            "a.session_id, k.name AS kiosk, s.started_at AS session_started_at "
            "FROM alerts a LEFT JOIN kiosks k ON k.id = a.kiosk_id "
            "LEFT JOIN sessions s ON s.id = a.session_id "
            "WHERE a.created_at >= ? AND a.created_at < ? ORDER BY a.created_at, a.id",
            [start, end],
        )
    )
    for row in rows:
        row["data"] = loads(row["data"])
    return rows


def arrivals_between(db: Database, start: str, end: str) -> list[dict]:
    """Arrivals in the range: when they came, when they were called in, from which kiosk."""
    return list(
        db.query(
            "SELECT r.id, r.arrived_at, r.called_in_at, r.seen_at, r.status, r.kiosk_id, "
            "k.name AS kiosk FROM arrivals r LEFT JOIN kiosks k ON k.id = r.kiosk_id "
            "WHERE r.arrived_at >= ? AND r.arrived_at < ? ORDER BY r.arrived_at, r.id",
            [start, end],
        )
    )


def load(db: Database, start: datetime, end: datetime) -> ReportRows:
    """The rows for [start, end) (aware datetimes)."""
    first, after = iso(start), iso(end)
    return ReportRows(
        sessions=sessions_between(db, first, after),
        alerts=alerts_between(db, first, after),
        arrivals=arrivals_between(db, first, after),
    )
