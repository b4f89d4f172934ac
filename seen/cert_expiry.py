"""When a certificate's end is near enough to warn about (pure, shared by kiosk and server).

The clinic's server certificate lasts 825 days; on the day it ends every kiosk refuses the
server at once. `kiosk doctor`, the console (for admins) and a desk alert warn
WARN_DAYS ahead, in the same words.
"""

from __future__ import annotations

import math
from datetime import datetime

WARN_DAYS = 30


def days_left(not_after: datetime, now: datetime) -> int:
    """Whole days until not_after, rounded up (0 on the last day; negative once past)."""
    return math.ceil((not_after - now).total_seconds() / 86400)


def expires_soon(not_after: datetime, now: datetime, warn_days: int = WARN_DAYS) -> bool:
    return days_left(not_after, now) <= warn_days


def expiry_words(what: str, not_after: datetime, now: datetime) -> str:
    """ "the server's certificate expires on 2027-01-04 (in 12 days)", or "expired on ..." """
    left = days_left(not_after, now)
    day = f"{not_after:%Y-%m-%d}"
    if not_after <= now:
        return f"{what} expired on {day}"
    if left <= 1:
        return f"{what} expires on {day} (within a day)"
    return f"{what} expires on {day} (in {left} days)"
