"""The optional escalation webhook: one JSON POST per escalated alert (Slack, Teams, SMS).

The message names the kind of problem, the kiosk and how long nobody answered,
but never what a patient typed: a chat channel is not the place for names or
dates of birth. Failures are logged and dropped; the console still shows the alert.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from collections.abc import Mapping

log = logging.getLogger("staffconsole.watch.webhook")
TIMEOUT_S = 3.0


def payload(alert: Mapping, kind_label: str, clinic_name: str, escalate_after_s: float) -> dict:
    """The JSON body for an escalated alert; `text` suits Slack and Teams incoming hooks."""
    where = alert.get("kiosk") or "the lobby"
    minutes = max(1, round(escalate_after_s / 60))
    text = (
        f'{clinic_name}: "{kind_label}" at {where} has not been acknowledged for '
        f"{minutes} min. Please check the Seen console."
    )
    return {
        "text": text,
        "clinic": clinic_name,
        "alert": alert["id"],
        "kind": alert["kind"],
        "kind_label": kind_label,
        "kiosk": alert.get("kiosk"),
        "opened_at": alert["created_at"],
        "escalated_at": alert.get("escalated_at"),
    }


def send(url: str, body: Mapping, timeout: float = TIMEOUT_S) -> bool:
    """POST body as JSON; True on a 2xx answer. Never raises: the caller keeps watching."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
        method="POST",
        headers={"Content-Type": "application/json", "User-Agent": "seen-staffconsole"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            ok = 200 <= answer.status < 300
    except (urllib.error.URLError, OSError, ValueError) as e:
        log.warning("escalation webhook failed for alert %s: %s", body.get("alert"), e)
        return False
    if not ok:
        log.warning("escalation webhook answered %s for alert %s", answer.status, body.get("alert"))
    return ok
