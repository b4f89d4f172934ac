"""Look-up rate limit per kiosk, and the appointment window a look-up may see.

Why: a kiosk answers "is there an appointment for this name and date of birth",
so unlimited look-ups would let someone at (or with the token of) a kiosk probe
the schedule. A person typing needs a few look-ups per session; a burst beyond
`lookup_rate_max` in `lookup_rate_window_s` is refused with 429 and raises one
`lookup_rate` alert for that kiosk (one per cause while it is unresolved).

The counts live in memory: a restart forgets them, which errs towards patients.
"""

from __future__ import annotations

import threading
from collections import deque
from datetime import datetime, timedelta

from staffconsole.rules.alerting import alert_fields, lookup_rate_cause


class LookupLimiter:
    """A sliding window of accepted look-ups per kiosk id."""

    def __init__(self, max_lookups: int, window_s: float) -> None:
        self.max_lookups = max_lookups
        self.window = timedelta(seconds=window_s)
        self._seen: dict[int, deque[datetime]] = {}
        self._lock = threading.Lock()  # handlers run on the thread pool

    def allow(self, kiosk_id: int, now: datetime) -> bool:
        """Count this look-up and say yes, or say no (a refused one is not counted)."""
        with self._lock:
            seen = self._seen.setdefault(kiosk_id, deque())
            while seen and now - seen[0] >= self.window:
                seen.popleft()
            if len(seen) >= self.max_lookups:
                return False
            seen.append(now)
            return True

    def retry_after_s(self, kiosk_id: int, now: datetime) -> int:
        """Seconds until the oldest counted look-up leaves the window (at least 1)."""
        with self._lock:
            seen = self._seen.get(kiosk_id)
            if not seen:
                return 1
            return max(1, int((seen[0] + self.window - now).total_seconds()) + 1)


def refusal(max_lookups: int, window_s: float) -> str:
    """The 429's reason, in words the kiosk log and an integrator can act on."""
    return (
        f"too many look-ups from this kiosk: at most {max_lookups} in "
        f"{window_s / 60:g} min; the patient should be helped at the front desk"
    )


def lookup_rate_alert(kiosk: dict, now: datetime, max_lookups: int, window_s: float) -> dict:
    """The alert fields for a kiosk over its look-up limit (no patient-typed text in it)."""
    return alert_fields(
        "lookup_rate",
        lookup_rate_cause(kiosk["id"]),
        (
            f"{kiosk['name']} asked for more than {max_lookups} look-ups in "
            f"{window_s / 60:g} min; further look-ups are refused for now. Check who "
            "is using it, and help anyone waiting there at the desk"
        ),
        {"max_lookups": max_lookups, "window_s": window_s},
        kiosk_id=kiosk["id"],
        at=now,
    )


def within_window(start: str, local_now: datetime, late_hours: float) -> bool:
    """May a look-up at clinic-local `local_now` find an appointment starting at `start`?

    Only today's appointments are ever looked up (the store's query); on top of that,
    with late_hours > 0, one that started more than late_hours ago is not offered.
    """
    if late_hours <= 0:
        return True
    moment = datetime.fromisoformat(start).replace(tzinfo=None)
    return local_now.replace(tzinfo=None) - moment <= timedelta(hours=late_hours)
