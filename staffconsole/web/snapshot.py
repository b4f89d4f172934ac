"""What the console page shows: the snapshot of open alerts and today's arrivals.

Pure shaping apart from the store calls; the words here are the ones a
receptionist reads, so they live in one place.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from seen.vocabulary import (
    ALERT_STATUSES,
    PRINTER_STATES,
    PRINTER_UNKNOWN,
    STAFF_OUTCOMES,
    alarm_priority,
    kind_label,
    outcome_label,
    printer_label,
)
from staffconsole.auth.kiosks import list_kiosks
from staffconsole.clock import ClinicZone, iso, parse
from staffconsole.config import split_list
from staffconsole.rules import alerting
from staffconsole.rules.escalation import is_escalated
from staffconsole.store import alerts as store_alerts
from staffconsole.store import arrivals as store_arrivals
from staffconsole.store.alerts import list_alerts


def _walk_in_details(alert: dict) -> dict | None:
    """What a walk-in typed, to fill the desk check-in form (walk_in alerts only)."""
    if alert["kind"] != "walk_in":
        return None
    entered = (alert.get("data") or {}).get("entered") or {}
    return {key: entered.get(key) or "" for key in ("first_name", "last_name", "dob", "phone")}


def _waiting_since(alert: dict) -> str | None:
    """For a long_wait alert, when the patient's wait began (older alerts: estimated)."""
    if alert["kind"] != "long_wait":
        return None
    data = alert.get("data") or {}
    if data.get("wait_from"):
        return data["wait_from"]
    minutes = float(data.get("long_wait_min") or 0)
    return iso(parse(alert["created_at"]) - timedelta(minutes=minutes))


def shape_alert(alert: dict) -> dict:
    """The fields the page needs, with plain-word labels."""
    kind = alert["kind"]
    return {
        "id": alert["id"],
        "kind": kind,
        "kind_label": kind_label(kind),
        "status": alert["status"],
        "status_label": ALERT_STATUSES.get(alert["status"], alert["status"]),
        "severity": alert["severity"],
        "priority": alarm_priority(alert["severity"]),
        "summary": alert["summary"],
        "kiosk": alert.get("kiosk"),
        "opened_at": alert["created_at"],
        "updated_at": alert["updated_at"],
        "acknowledged_by": alert.get("acknowledged_by"),
        "acknowledged_at": alert.get("acknowledged_at"),
        "open_since": alert.get("returned_at") or alert["created_at"],
        "returned": bool(alert.get("returned_at")) and alert["status"] == "open",
        "escalated": is_escalated(alert),
        "sounded_at": alert.get("sounded_at"),
        "walk_in": _walk_in_details(alert),
        "waiting_since": _waiting_since(alert),
    }


def shape_history(alert: dict) -> dict:
    """A resolved alert for today's history list."""
    outcome = alert.get("outcome") or ""
    return {
        "id": alert["id"],
        "kind_label": kind_label(alert["kind"]),
        "summary": alert["summary"],
        "kiosk": alert.get("kiosk"),
        "opened_at": alert["created_at"],
        "resolved_at": alert["resolved_at"],
        "resolved_by": alert["resolved_by"],
        "outcome": outcome,
        "outcome_label": outcome_label(outcome),
        "note": alert.get("note") or "",
    }


def shape_kiosk(kiosk: dict, now: datetime, settings) -> dict:
    """A kiosk for the strip. The printer state comes with the heartbeat, so while the
    kiosk is not heard from (offline, never connected) it is unknown: printer_ok None,
    not the "Printer OK" of a report that may be long out of date."""
    online = alerting.kiosk_online(
        kiosk, now, settings.heartbeat_interval_s, settings.heartbeats_missed_offline
    )
    reported = kiosk.get("printer_state") or "none"
    state = reported if online else PRINTER_UNKNOWN
    return {
        "id": kiosk["id"],
        "name": kiosk["name"],
        "online": online,
        "last_seen_at": kiosk.get("last_seen_at"),
        "printer_state": state,
        "printer_reported": reported,  # the last heartbeat's, however old
        "app_version": kiosk.get("app_version") or None,  # the last heartbeat's, or None
        "printer_label": printer_label(state),
        "printer_ok": (
            None
            if state == PRINTER_UNKNOWN
            else state in PRINTER_STATES and not PRINTER_STATES[state].needs_attention
        ),
    }


def shape_board_row(arrival: dict, long_wait_min: float, zone: ClinicZone) -> dict:
    return {
        "id": arrival["id"],
        "display_name": arrival["display_name"],
        "time": arrival["time"],
        "provider": arrival["provider"],
        "arrived_at": arrival["arrived_at"],
        "wait_from": iso(alerting.wait_starts(arrival, zone)),
        "long_wait_min": long_wait_min,
        "ticket": arrival["ticket"],
        "status": arrival["status"],
        "called_in_at": arrival["called_in_at"],
        "seen_at": arrival["seen_at"],
    }


def build_section(db, name: str, *, now: datetime, zone: ClinicZone, settings) -> list[dict]:
    """One part of the page (see watch.live.SECTIONS), each item with an `id`."""
    if name == "alerts":
        # Unacknowledged first, then the most urgent, then the longest open (store order).
        return [shape_alert(a) for a in list_alerts(db, include_resolved=False)]
    if name == "arrivals":
        board = store_arrivals.list_board(db, zone.day(now), zone)
        return [shape_board_row(a, settings.long_wait_min, zone) for a in board]
    if name == "history":
        midnight = zone.midnight(zone.day(now))
        return [shape_history(a) for a in store_alerts.resolved_since(db, midnight)]
    if name == "kiosks":
        return [shape_kiosk(k, now, settings) for k in list_kiosks(db) if not k["revoked_at"]]
    raise ValueError(f"no console section {name!r}")


def console_info(
    clinic_name: str, username: str, console_live: bool, settings, zone: ClinicZone, now: datetime
) -> dict:
    """What the page needs to know about itself: names, the outcomes offered, timings.

    Times show in the clinic's zone whatever the browser's: its IANA name when set,
    else the server zone's offset now (the browser cannot name the server's zone).
    """
    offset = zone.local(now).utcoffset()
    return {
        "timezone": zone.name,
        "utc_offset_min": int(offset.total_seconds() // 60) if offset is not None else 0,
        "clinic_name": clinic_name,
        "user": username,
        "live": console_live,
        "outcomes": [{"value": k, "label": outcome_label(k)} for k in STAFF_OUTCOMES],
        "resound_s": settings.resound_s,
        "idle_lock_s": settings.console_idle_logoff_min * 60,
        "rooms": list(split_list(settings.lobby_rooms)),  # the board's "Call in" choice
    }


def build_snapshot(
    db,
    *,
    seq: int,
    now: datetime,
    zone: ClinicZone,
    clinic_name: str,
    username: str,
    console_live: bool,
    settings,
) -> dict:
    """The whole page state: unresolved alerts, today's arrivals and history, kiosks."""
    parts = {
        name: build_section(db, name, now=now, zone=zone, settings=settings)
        for name in ("alerts", "arrivals", "kiosks", "history")
    }
    return {
        "seq": seq,
        "generated_at": iso(now),
        **parts,
        "console": console_info(clinic_name, username, console_live, settings, zone, now),
    }


# The sections that show patients (kiosks do not): their sizes go in the read audit.
PATIENT_SECTIONS = ("alerts", "arrivals", "history")


def shown_counts(view: dict) -> dict:
    """How many patient rows a snapshot showed, per section: audit detail without names."""
    return {name: len(view.get(name) or []) for name in PATIENT_SECTIONS}
