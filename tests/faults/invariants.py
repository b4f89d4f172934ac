"""The promise, checked after a campaign: the kiosks' own records against the server's DB.

Kiosk records: each kiosk's outbox file (every event it ever queued, sent or not)
and its journal (what the patient saw: "done" with the arrival, hand-offs, repeats).
Checks (DESIGN.md, "The promise, as invariants every change keeps"):
  lost                 a session that left welcome with neither an arrival (outcome
                       checked_in) nor an alert for it on the server, nor a quiet end
                       (session.abandoned: nothing typed, nobody to look for)
  doubled              two arrivals for one appointment, two tickets with one number,
                       two alerts for one session, two unresolved alerts for one cause,
                       or a repeated check-in that answered with another arrival
  false_confirmations  the kiosk showed "checked in" with an arrival the DB lacks
  wrongly_closed       an alert resolved by nobody, or by the system when it is not a
                       fault that clears itself (kiosk offline, printer, lobby busy)
                       nor a "not confirmed" check-in whose session did check in
  undelivered / held   events still in an outbox after the quiet period
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from seen.vocabulary import CHECKED_IN_AFTER_ALL, CLEARED, SELF_CLEARING

SYSTEM = "Seen"


@dataclass
class KioskRecords:
    name: str
    started: set = field(default_factory=set)  # sessions that left welcome
    done: list = field(default_factory=list)  # journal "done" entries
    handoffs: Counter = field(default_factory=Counter)  # reason -> count
    scripts: Counter = field(default_factory=Counter)
    unsent: int = 0
    held: int = 0
    replayed: Counter = field(default_factory=Counter)
    checkin_again: list = field(default_factory=list)
    receipts_failed: int = 0


def read_kiosk(name: str, outbox: Path, journal: Path) -> KioskRecords:
    records = KioskRecords(name)
    if outbox.exists():
        db = sqlite3.connect(f"file:{outbox}?mode=ro", uri=True)
        try:
            for body, sent, held in db.execute("SELECT body, sent, held FROM outbox"):
                event = json.loads(body)
                if event["type"] == "session.started":
                    records.started.add(event["session"])
                records.unsent += not sent
                records.held += held is not None
        finally:
            db.close()
    if journal.exists():
        for line in journal.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue  # a line cut short by SIGKILL
            kind = entry.get("t")
            if kind == "start":
                records.started.add(entry["session"])
                records.scripts[entry["script"]] += 1
            elif kind == "done":
                records.done.append(entry)
            elif kind == "handoff":
                records.handoffs[entry["reason"]] += 1
            elif kind == "replay":
                records.replayed.update(
                    {k: entry[k] for k in ("events", "accepted", "duplicate", "failed")}
                )
            elif kind == "checkin_again":
                records.checkin_again.append(entry)
            elif kind == "receipt_failed":
                records.receipts_failed += 1
    return records


@dataclass
class Findings:
    sessions: int = 0
    checked_in: int = 0
    alerted: int = 0
    confirmed_on_screen: int = 0
    lost: list = field(default_factory=list)
    doubled: list = field(default_factory=list)
    false_confirmations: list = field(default_factory=list)
    wrongly_closed: list = field(default_factory=list)
    undelivered: int = 0
    held: int = 0
    alerts_by_kind: Counter = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        return not (
            self.lost
            or self.doubled
            or self.false_confirmations
            or self.wrongly_closed
            or self.undelivered
            or self.held
        )


def _rows(db: sqlite3.Connection, sql: str, params=()) -> list[tuple]:
    return db.execute(sql, params).fetchall()


def check(db_path: Path, kiosks: list[KioskRecords], staff: set[str] = frozenset()) -> Findings:
    """Every invariant at once; `staff` are the people who may resolve alerts."""
    found = Findings()
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        outcome = dict(_rows(db, "SELECT id, outcome FROM sessions"))
        alert_causes = Counter(
            c for (c,) in _rows(db, "SELECT cause FROM alerts WHERE cause LIKE 'session:%'")
        )
        arrivals = {i: a for i, a in _rows(db, "SELECT id, appointment_id FROM arrivals")}
        # Ended quietly with nobody to help (start over, an untouched first screen): not lost.
        quiet = {
            s
            for (s,) in _rows(db, "SELECT session_id FROM events WHERE type = 'session.abandoned'")
        }
        started = set().union(*(k.started for k in kiosks)) | set(outcome)
        found.sessions = len(started)
        for session in sorted(started):
            arrived = outcome.get(session) == "checked_in"
            alerted = alert_causes[f"session:{session}"] > 0
            found.checked_in += arrived
            found.alerted += alerted
            if not (arrived or alerted or session in quiet):
                found.lost.append(session)
        for appointment, n in _rows(
            db,
            "SELECT appointment_id, count(*) FROM arrivals "
            "GROUP BY appointment_id HAVING count(*) > 1",
        ):
            found.doubled.append(f"appointment {appointment} has {n} arrivals")
        for day, ticket, n in _rows(
            db,
            """
                SELECT substr(a.start, 1, 10) AS day, r.ticket, count(*) FROM arrivals r
                JOIN appointments a ON a.id = r.appointment_id
                GROUP BY day, r.ticket HAVING count(*) > 1""",
        ):
            found.doubled.append(f"ticket {ticket} given {n} times on {day}")
        for cause, n in alert_causes.items():
            if n > 1:
                found.doubled.append(f"{n} alerts for {cause}")
        for cause, n in _rows(
            db,
            "SELECT cause, count(*) FROM alerts WHERE status != "
            "'resolved' GROUP BY cause HAVING count(*) > 1",
        ):
            found.doubled.append(f"{n} unresolved alerts for {cause}")
        for kiosk in kiosks:
            for again in kiosk.checkin_again:
                if not again["same"]:
                    found.doubled.append(
                        f"{kiosk.name}: check-in of {again['session']} "
                        f"repeated gave arrival {again['answer']}, "
                        f"not {again['arrival']}"
                    )
            for done in kiosk.done:
                found.confirmed_on_screen += 1
                if (
                    arrivals.get(done["arrival"]) != done["appointment"]
                    or outcome.get(done["session"]) != "checked_in"
                ):
                    found.false_confirmations.append(
                        f"{kiosk.name}: session {done['session']} showed arrival "
                        f"{done['arrival']} (appointment {done['appointment']})"
                    )
            found.undelivered += kiosk.unsent
            found.held += kiosk.held
        for alert_id, kind, by, outcome_, status, session_id in _rows(
            db, "SELECT id, kind, resolved_by, outcome, status, session_id FROM alerts"
        ):
            found.alerts_by_kind[kind] += 1
            if status != "resolved":
                continue
            after_all = (
                kind == "checkin_unconfirmed"
                and outcome_ == CHECKED_IN_AFTER_ALL
                and outcome.get(session_id) == "checked_in"
            )
            by_system = by == SYSTEM and (
                (kind in SELF_CLEARING and outcome_ == CLEARED) or after_all
            )
            if not (by_system or by in staff):
                found.wrongly_closed.append(f"alert {alert_id} ({kind}) resolved by {by!r}")
    finally:
        db.close()
    return found
