"""The hand-offs of a period as CSV: why, where, when, how it ended — and no personal data.

Names, dates of birth, phone numbers, appointment codes and staff notes (free text
that may name a patient) are left out unless `with_names` is asked for by an admin
(api_report and cli check and audit that). Cells a spreadsheet would run as a formula
get a leading apostrophe, since patients type some of them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping

from seen.vocabulary import kind_label
from staffconsole.clock import parse
from staffconsole.report import figures

COLUMNS = (
    "alert",
    "reason",
    "reason_label",
    "step",
    "kiosk",
    "session_started_at",
    "handed_off_at",
    "acknowledged_at",
    "resolved_at",
    "minutes_to_acknowledge",
    "minutes_to_resolve",
    "status",
    "outcome",
    "outcome_label",
    "resolved_by",
)
PERSONAL_COLUMNS = ("first_name", "last_name", "dob", "phone", "code", "note")

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _when(text: str | None, period: figures.Period) -> str:
    """Clinic-local time with its offset, to the second ("" when it has not happened)."""
    if not text:
        return ""
    return period.local(parse(text)).isoformat(timespec="seconds")


def _minutes(earlier: str | None, later: str | None) -> str:
    value = figures.minutes_between(earlier, later)
    return "" if value is None else f"{value:.1f}"


def handoff_row(alert: Mapping, period: figures.Period, with_names: bool = False) -> dict:
    data = alert.get("data") or {}
    row = {
        "alert": alert["id"],
        "reason": alert["kind"],
        "reason_label": kind_label(alert["kind"]),
        "step": data.get("step") or "",
        "kiosk": alert.get("kiosk") or "",
        "session_started_at": _when(alert.get("session_started_at"), period),
        "handed_off_at": _when(alert["created_at"], period),
        "acknowledged_at": _when(alert.get("acknowledged_at"), period),
        "resolved_at": _when(alert.get("resolved_at"), period),
        "minutes_to_acknowledge": _minutes(alert["created_at"], alert.get("acknowledged_at")),
        "minutes_to_resolve": _minutes(alert["created_at"], alert.get("resolved_at")),
        "status": alert["status"],
        "outcome": alert.get("outcome") or "",
        "outcome_label": figures.outcome_label(outcome)
        if (outcome := alert.get("outcome"))
        else "",
        "resolved_by": alert.get("resolved_by") or "",
    }
    if with_names:
        entered = data.get("entered") or {}
        for key in PERSONAL_COLUMNS[:-1]:
            row[key] = entered.get(key) or ""
        row["note"] = alert.get("note") or ""
    return row


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def handoffs_csv(
    alerts: Iterable[Mapping], period: figures.Period, with_names: bool = False
) -> str:
    """The CSV text (header first) of the hand-off alerts given."""
    columns = COLUMNS + (PERSONAL_COLUMNS if with_names else ())
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for alert in alerts:
        row = handoff_row(alert, period, with_names)
        writer.writerow([safe_cell(row[column]) for column in columns])
    return out.getvalue()
