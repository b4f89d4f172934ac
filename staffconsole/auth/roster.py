"""Who can sign in, as the admin page lists them: role, state, last sign-in, a paused sign-in.

The logins are `users`' and the sign-in record `staff_sessions`'; this joins the two for
one instant `now`, so "paused until" and the failures counting agree.
"""

from __future__ import annotations

from datetime import datetime

from staffconsole.auth import staff_sessions, users
from staffconsole.clock import iso


def staff_roster(db, now: datetime) -> list[dict]:
    """Every login (no hashes), by username, with what the sign-in record says of it."""
    found = []
    for user in users.list_users(db):
        failures, wait = staff_sessions.sign_in_pause(db, user["username"], now)
        found.append(
            {
                "username": user["username"],
                "role": user["role"],
                "disabled": bool(user["disabled"]),
                "created_at": user["created_at"],
                "last_sign_in_at": staff_sessions.last_sign_in(db, user["username"]),
                "failed_tries": failures,
                "paused_until": iso(now + wait) if wait is not None else None,
            }
        )
    return found
