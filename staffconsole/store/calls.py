"""Calls to the lobby display: "Now calling 12 — Room 3". Ticket and room only.

`call_in` is the board's "Call in": the arrival moves to called_in (through
arrivals.set_status) and the call is kept for the displays; the call is audited.
"""

from __future__ import annotations

from datetime import datetime

from staffconsole.clock import iso
from staffconsole.errors import Invalid
from staffconsole.store import arrivals
from staffconsole.store.audit import audited
from staffconsole.store.engine import Database

MAX_ROOM = 40


def call_in(
    db: Database, arrival_id: int, room: str, by: str, now: datetime, rooms: tuple[str, ...]
) -> tuple[dict, dict]:
    """Call an arrival in (to `room`, one of `rooms`, or none); returns (arrival, call).

    Calling again someone already called in (they did not hear) repeats the call.
    """
    room = " ".join(room.split())
    if room and room not in rooms:
        offered = ", ".join(rooms) or "none are configured (setting lobby_rooms)"
        raise Invalid(f"room {room[:MAX_ROOM]!r} is not one of the rooms: {offered}")
    detail = {"room": room}
    with audited(db, by, "arrival.call", f"arrival:{arrival_id}", detail, now):
        arrival = arrivals.get_arrival(db, arrival_id)
        if arrival["status"] != "called_in":
            arrival = arrivals.set_status(db, arrival_id, "called_in", by, now)
        call_id = db.execute(
            "INSERT INTO lobby_calls (arrival_id, ticket, room, called_at, called_by) "
            "VALUES (?, ?, ?, ?, ?) RETURNING id",
            [arrival_id, arrival["ticket"], room, iso(now), by],
        ).fetchone()[0]
    return arrival, {"id": call_id, "ticket": arrival["ticket"], "room": room, "at": iso(now)}


def calls_since(db: Database, since: datetime, limit: int = 6) -> list[dict]:
    """The newest calls since `since`, newest first (no names: there are none here)."""
    rows = db.query(
        "SELECT id, ticket, room, called_at FROM lobby_calls WHERE called_at >= ? "
        "ORDER BY called_at DESC, id DESC LIMIT ?",
        [iso(since), limit],
    )
    return [
        {"id": r["id"], "ticket": r["ticket"], "room": r["room"], "at": r["called_at"]}
        for r in rows
    ]
