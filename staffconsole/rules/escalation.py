"""The escalation ladder for alerts, as a pure function of (alert, now, timings).

As in nurse-call practice: an unacknowledged alert is escalated (marked on every
console, sent to the webhook) after escalate_after_s, and an acknowledged alert
nobody resolves becomes new again after ack_timeout_s, with its ladder starting
over. Reminder sounds are the console page's (one schedule per page, sound.js), not
a step here: a step per alert per minute would push a snapshot to every console.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from staffconsole.clock import parse

ESCALATE = "escalate"
RETURN = "return"


@dataclass(frozen=True)
class Timings:
    """The ladder's steps in seconds; their defaults are the settings' (staffconsole.config)."""

    escalate_after_s: float
    ack_timeout_s: float

    @classmethod
    def from_settings(cls, settings) -> Timings:
        return cls(settings.escalate_after_s, settings.ack_timeout_s)


def open_since(alert: Mapping) -> datetime:
    """When the alert became (or came back as) unacknowledged."""
    return parse(alert.get("returned_at") or alert["created_at"])


def is_escalated(alert: Mapping) -> bool:
    """Escalated in its current unacknowledged spell (a return starts a new one)."""
    escalated = alert.get("escalated_at")
    return alert["status"] == "open" and bool(escalated) and parse(escalated) >= open_since(alert)


def next_step(alert: Mapping, now: datetime, timings: Timings) -> str | None:
    """The ladder step due for this alert at `now`, or None. One step per call."""
    if alert["status"] == "acknowledged":
        acked = parse(alert["acknowledged_at"])
        return RETURN if now - acked >= timedelta(seconds=timings.ack_timeout_s) else None
    if alert["status"] != "open":
        return None
    since = open_since(alert)
    if not is_escalated(alert) and now - since >= timedelta(seconds=timings.escalate_after_s):
        return ESCALATE
    return None
