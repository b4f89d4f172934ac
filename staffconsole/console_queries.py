"""What the console page shows: the snapshot of open alerts and today's arrivals.

Pure shaping apart from the store calls; the words here are the ones a
receptionist reads, so they live in one place.
"""

from __future__ import annotations

from datetime import date, datetime

from staffconsole import store
from staffconsole.clock import iso

KIND_LABELS = {
    "no_match": "Kiosk could not find the appointment",
    "not_me": "Patient said the match was not them",
    "help": "Patient asked for help",
    "timed_out": "Patient stopped partway",
    "offline": "Kiosk could not reach the server",
    "checkin_unconfirmed": "Check-in not confirmed",
    "reported_problem": "Patient reported a problem",
    "walk_in": "Walk-in patient",
    "unresponsive_session": "Kiosk went quiet mid check-in",
    "long_wait": "Long wait",
    "lobby_busy": "Lobby is busy",
    "kiosk_offline": "Kiosk offline",
    "printer": "Receipt printer needs attention",
    "no_console": "Nobody is watching the console",
}

STATUS_LABELS = {"open": "New", "acknowledged": "Seen", "resolved": "Resolved"}

OUTCOME_LABELS = {
    "checked_in_at_desk": "Checked in at the desk",
    "redirected": "Sent to the right place",
    "patient_left": "Patient left",
    "false_alarm": "False alarm",
    "other": "Other",
}

def shape_alert(alert: dict) -> dict:
    """The fields the page needs, with plain-word labels."""
    kind = alert["kind"]
    return {
        "id": alert["id"],
        "kind": kind,
        "kind_label": KIND_LABELS.get(kind, kind.replace("_", " ").capitalize()),
        "status": alert["status"],
        "status_label": STATUS_LABELS.get(alert["status"], alert["status"]),
        "severity": alert["severity"],
        "summary": alert["summary"],
        "kiosk": alert.get("kiosk"),
        "opened_at": alert["created_at"],
        "updated_at": alert["updated_at"],
        "acknowledged_by": alert.get("acknowledged_by"),
        "acknowledged_at": alert.get("acknowledged_at"),
    }


def shape_arrival(arrival: dict) -> dict:
    return {
        "id": arrival["id"],
        "display_name": arrival["display_name"],
        "time": arrival["time"],
        "provider": arrival["provider"],
        "arrived_at": arrival["arrived_at"],
        "ticket": arrival["ticket"],
        "status": arrival["status"],
    }


def build_snapshot(db, *, seq: int, now: datetime, today: date, clinic_name: str,
                   username: str, console_live: bool) -> dict:
    """The whole page state: open and acknowledged alerts, today's arrivals."""
    # The store orders both lists: open before acknowledged, most urgent first, then
    # longest waiting; arrivals first come, first listed.
    open_alerts = [shape_alert(a) for a in store.list_alerts(db, include_resolved=False)]
    arrivals = [shape_arrival(a) for a in store.list_arrivals(db, today)]
    return {
        "seq": seq,
        "generated_at": iso(now),
        "alerts": open_alerts,
        "arrivals": arrivals,
        "console": {
            "clinic_name": clinic_name,
            "user": username,
            "live": console_live,
            "outcomes": [{"value": k, "label": v} for k, v in OUTCOME_LABELS.items()],
        },
    }
