"""A lobby display that stopped streaming is an alert, as a silent kiosk is. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from staffconsole.clock import parse
from staffconsole.rules.alerting import alert_fields


def display_dark_cause(display_id: int) -> str:
    return f"display:{display_id}:dark"


def display_dark_alert(
    display: Mapping, now: datetime, dark_after_s: float, started_at: datetime | None = None
) -> dict | None:
    """The alert for a display not heard from for dark_after_s, or None while it is fine.

    A display never connected (just added) is not dark, nor is one during the first
    dark_after_s after the server (started at started_at) came up: its stream was cut
    by the restart and needs that long to come back.
    """
    seen = display.get("last_seen_at")
    if not seen or now - parse(seen) <= timedelta(seconds=dark_after_s):
        return None
    if started_at is not None and now - started_at < timedelta(seconds=dark_after_s):
        return None
    return alert_fields(
        "display_dark",
        display_dark_cause(display["id"]),
        (
            f"The lobby display {display['name']} is dark: not connected for over "
            f"{int(dark_after_s)} s. Patients there cannot see their number called; "
            "call them by voice and check the screen's power and network"
        ),
        {"last_seen_at": seen, "display": display["name"]},
        at=now,
    )
