"""Arrivals as a feed for other systems: every change in commit order, paged by a cursor.

Triggers on `arrivals` append to `arrival_changes` whatever writes them (kiosk check-in,
console buttons, the push API), and `seq` grows in commit order because SQLite writes
one transaction at a time. So a reader that keeps the returned cursor misses nothing,
which a timestamp alone cannot promise (an arrival stamped earlier may commit later).
"""

from __future__ import annotations

from staffconsole.store.engine import Database
from staffconsole.store.schema import snapshot

MAX_PAGE = 500

_ARRIVAL = """
SELECT r.id, r.status, r.arrived_at, r.called_in_at, r.seen_at, r.ticket,
       a.external_id AS appointment, a.start, a.provider, k.name AS kiosk
FROM arrivals r JOIN appointments a ON a.id = r.appointment_id
LEFT JOIN kiosks k ON k.id = r.kiosk_id
"""


def _page(db: Database, where: str, params: list, limit: int) -> tuple[list[dict], int, bool]:
    rows = list(
        db.query(
            "SELECT arrival_id, max(seq) AS seq FROM arrival_changes WHERE "
            + where
            + " GROUP BY arrival_id ORDER BY seq LIMIT ?",
            [*params, limit + 1],
        )
    )
    more = len(rows) > limit
    rows = rows[:limit]
    by_id = (
        {
            row["id"]: row
            for row in db.query(
                _ARRIVAL + f" WHERE r.id IN ({','.join('?' * len(rows))})",
                [row["arrival_id"] for row in rows],
            )
        }
        if rows
        else {}
    )
    return [by_id[row["arrival_id"]] for row in rows], (rows[-1]["seq"] if rows else 0), more


def changes(
    db: Database, *, cursor: int | None = None, since: str | None = None, limit: int = MAX_PAGE
) -> dict:
    """Arrivals changed after `cursor`, or arrived at or after `since` (UTC ISO text).

    Each arrival appears once, in its current state, ordered by its latest change.
    The answer's `cursor` is where the next call starts; `more` says to call again now.
    """
    with snapshot(db):  # one snapshot for the page and the cursor (WAL reader)
        if cursor is not None:
            found, last, more = _page(db, "seq > ?", [cursor], limit)
            end = last if found else cursor
        else:
            found, last, more = _page(
                db, "arrival_id IN (SELECT id FROM arrivals WHERE arrived_at >= ?)", [since], limit
            )
            if more:
                end = last
            else:
                end = db.execute("SELECT coalesce(max(seq), 0) FROM arrival_changes").fetchone()[0]
    return {"arrivals": found, "cursor": str(end), "more": more}
