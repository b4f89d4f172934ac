"""Kiosk sessions, their events and kiosk heartbeats.

Every kiosk call moves its session's `last_event_at` by the *server's* clock, so a
kiosk with a wrong clock still gets the right deadline. Events are idempotent by
id: the kiosk's outbox may deliver the same batch twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime

from seen.vocabulary import (
    CHECKED_IN_AFTER_ALL,
    SESSION_ABANDONED,
    SESSION_CHECKED_IN,
    SESSION_HANDED_OFF,
    SESSION_PROGRESS,
    SESSION_STEP,
)
from staffconsole.clock import iso
from staffconsole.errors import Refused
from staffconsole.rules import alerting
from staffconsole.store.alerts import close_unconfirmed, last_for_cause, open_or_update_alert
from staffconsole.store.engine import Database
from staffconsole.store.schema import dumps, first_row, loads, write


class OtherKiosk(Refused):
    """A kiosk named a session another kiosk started."""


def check_owner(session: Mapping | None, kiosk: Mapping) -> None:
    """OtherKiosk unless the session is new or this kiosk's own (sessions are keyed by id)."""
    if session is not None and session["kiosk_id"] != kiosk["id"]:
        raise OtherKiosk(
            f"session {session['id']} was started by another kiosk: a kiosk may only "
            "act on its own sessions"
        )


def get_session(db: Database, session_id: str) -> dict | None:
    session = first_row(db, "SELECT * FROM sessions WHERE id = ?", [session_id])
    if session:
        session["entered"] = loads(session["entered"])
    return session


def touch_session(
    db: Database,
    kiosk: Mapping,
    session_id: str,
    now: datetime,
    *,
    step: str | None = None,
    entered: Mapping | None = None,
) -> dict:
    """Create the session on first sight, else move its last_event_at; merge what was typed.

    OtherKiosk when the session is another kiosk's: its token does not reach that far.
    """
    with write(db):
        session = get_session(db, session_id)
        check_owner(session, kiosk)
        typed = {key: value for key, value in (entered or {}).items() if value}
        if session is None:
            db.execute(
                "INSERT INTO sessions (id, kiosk_id, started_at, last_event_at, step, "
                "entered) VALUES (?, ?, ?, ?, ?, ?)",
                [session_id, kiosk["id"], iso(now), iso(now), step, dumps(typed)],
            )
        else:
            merged = {**session["entered"], **typed}
            db.execute(
                "UPDATE sessions SET last_event_at = ?, step = coalesce(?, step), "
                "entered = ? WHERE id = ?",
                [iso(now), step, dumps(merged), session_id],
            )
        return get_session(db, session_id)


def _ticket(db: Database, session_id: str) -> int | None:
    found = first_row(db, "SELECT ticket FROM arrivals WHERE session_id = ?", [session_id])
    return found["ticket"] if found else None


def _closed_after_all(db: Database, session_id: str) -> bool:
    last = last_for_cause(db, alerting.session_cause(session_id))
    return bool(last and last["outcome"] == CHECKED_IN_AFTER_ALL)


# What the kiosk showed a session, for its hand-off alert: (session, event data) ->
# {"time", "provider"} or None. Given by the caller, which knows the clinic's day.
ShownFor = Callable[[Mapping, Mapping], Mapping | None]


def _apply(
    db: Database, kiosk: Mapping, event: Mapping, now: datetime, shown_for: ShownFor | None
) -> None:
    """The side effects of one new event on its session (and alerts)."""
    data = event.get("data") or {}
    kind = event["type"]
    step = (
        data.get("step") if kind in (SESSION_STEP, SESSION_HANDED_OFF, SESSION_PROGRESS) else None
    )
    # Any event may bring what the patient typed so far (progress events exist for it): a
    # kiosk that dies mid-typing has still told the desk who to look for.
    entered = data.get("entered") if isinstance(data.get("entered"), dict) else None
    session = touch_session(db, kiosk, event["session"], now, step=step, entered=entered)
    if kind == SESSION_HANDED_OFF:
        # A hand-off after a check-in ("this isn't right") keeps the arrival's outcome.
        db.execute(
            "UPDATE sessions SET outcome = 'handed_off', outcome_at = ? "
            "WHERE id = ? AND outcome IS NULL",
            [iso(now), session["id"]],
        )
        late = data["reason"] == "checkin_unconfirmed" and session.get("outcome") == "checked_in"
        if late and _closed_after_all(db, session["id"]):
            return  # a repeat of a hand-off its check-in already answered: no second card
        fields = alerting.handoff_alert(
            data["reason"],
            session,
            kiosk["name"],
            session["entered"],
            now,
            shown=shown_for(session, data) if shown_for else None,
            attempts=data.get("attempts"),
        )
        open_or_update_alert(db, fields)
        if late:  # the check-in was committed before the kiosk's hand-off arrived
            close_unconfirmed(db, session["id"], _ticket(db, session["id"]), now)
    elif kind == SESSION_CHECKED_IN:
        # The arrival itself was committed by the checkin call; this only confirms it.
        db.execute(
            "UPDATE sessions SET outcome = 'checked_in', outcome_at = ? "
            "WHERE id = ? AND outcome IS DISTINCT FROM 'checked_in'",
            [iso(now), session["id"]],
        )


def record_events(
    db: Database,
    kiosk: Mapping,
    events: Iterable[Mapping],
    now: datetime,
    shown_for: ShownFor | None = None,
) -> tuple[list[str], list[str]]:
    """Store a batch in order, applying each new event once: (accepted ids, duplicate ids).

    OtherKiosk (nothing of the batch kept) when an event names another kiosk's session:
    the kiosk's sender then sends the batch one by one and sets aside only that event.
    """
    accepted: list[str] = []
    duplicate: list[str] = []
    with write(db):
        for event in events:
            check_owner(get_session(db, event["session"]), kiosk)
            if first_row(db, "SELECT 1 AS seen FROM events WHERE id = ?", [event["id"]]):
                duplicate.append(event["id"])
                continue
            db.execute(
                "INSERT INTO events (id, session_id, kiosk_id, type, at, received_at, "
                "data) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    event["id"],
                    event["session"],
                    kiosk["id"],
                    event["type"],
                    event["at"],
                    iso(now),
                    dumps(event.get("data") or {}),
                ],
            )
            _apply(db, kiosk, event, now, shown_for)
            accepted.append(event["id"])
    return accepted, duplicate


def heartbeat(
    db: Database,
    kiosk: Mapping,
    *,
    app_version: str,
    printer_state: str,
    printer_detail: str,
    now: datetime,
) -> bool:
    """Mark the kiosk alive; True when its printer state or version changed."""
    with write(db):
        before = first_row(
            db,
            "SELECT app_version, printer_state, printer_detail FROM kiosks WHERE id = ?",
            [kiosk["id"]],
        )
        db.execute(
            "UPDATE kiosks SET last_seen_at = ?, app_version = ?, printer_state = ?, "
            "printer_detail = ? WHERE id = ?",
            [iso(now), app_version, printer_state, printer_detail, kiosk["id"]],
        )
    return before != {
        "app_version": app_version,
        "printer_state": printer_state,
        "printer_detail": printer_detail,
    }


def sessions_awaiting_outcome(db: Database) -> list[dict]:
    """Sessions with no outcome yet, with their kiosk's name and their alert's last update."""
    # Sessions already covered by an alert newer than their last event are skipped here
    # too, so the per-second scan does not grow with every abandoned session ever.
    rows = list(
        db.query(
            """
        SELECT * FROM (
            SELECT s.*, k.name AS kiosk_name,
                   (SELECT max(a.updated_at) FROM alerts a
                    WHERE a.cause = 'session:' || s.id) AS alerted_at
            FROM sessions s JOIN kiosks k ON k.id = s.kiosk_id
            WHERE s.outcome IS NULL
              -- ended quietly (start over, an untouched first screen): nobody to look for
              AND NOT EXISTS (SELECT 1 FROM events e
                              WHERE e.session_id = s.id AND e.type = ?))
        WHERE alerted_at IS NULL OR alerted_at < last_event_at
        ORDER BY last_event_at""",
            [SESSION_ABANDONED],
        )
    )
    for session in rows:
        session["entered"] = loads(session["entered"])
    return rows
