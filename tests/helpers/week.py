"""A seeded week of synthetic kiosk sessions, written through the real store functions.

`seed_week(db)` returns a Ledger: what the seeding did, in plain lists, so tests can
compute the expected figures themselves. Synthetic patients only.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from seen.vocabulary import STAFF_OUTCOMES
from staffconsole.auth import kiosks as auth_kiosks
from staffconsole.auth import users as auth_users
from staffconsole.clock import ClinicZone
from staffconsole.rules import alerting
from staffconsole.store import alerts as store_alerts
from staffconsole.store import appointments as store_appointments
from staffconsole.store import arrivals as store_arrivals
from staffconsole.store import sessions as store_sessions

ZONE_NAME = "Europe/Paris"
ZONE = ZoneInfo(ZONE_NAME)
CLINIC_ZONE = ClinicZone(ZONE_NAME)
FIRST = date(2026, 11, 16)  # a Monday
LAST = date(2026, 11, 22)
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # the morning after: the week is over
# The console's clock: late on the last day (its "today"), after everything seeded.
EVENING = datetime.combine(LAST, time(23, 30), tzinfo=ZONE).astimezone(UTC)
KIOSKS = ("Lobby kiosk", "Côté jardin – kiosk 2")
STAFF = "ana"
PASSWORD = "not used here"  # the receptionist's
ADMIN_PASSWORD = "Sécurité d'abord-42"  # for tests that add an admin
# Odd names on purpose: accents, apostrophes, hyphens, a would-be spreadsheet formula.
NAMES = ("O'Brien-Núñez", "Ngā-Wai", '=HYPERLINK("x")', "Łukasiewicz", "Ní Bhriain")
HANDOFF_STEPS = {
    "no_match": "looking_up",
    "not_me": "confirm",
    "help": "identify_dob",
    "timed_out": "identify_name",
    "offline": "checking_in",
    "checkin_unconfirmed": "checking_in",
    "walk_in": "walk_in",
}
NOTE = "Spoke to Mme O'Brien-Núñez at the desk"  # staff notes may name people


@dataclass
class Ledger:
    sessions: dict = field(default_factory=dict)  # session id -> completed|handed|unfinished
    handoffs: list = field(default_factory=list)  # dicts: reason step kiosk at ack resolved outcome
    person_alerts: list = field(default_factory=list)  # (created, acknowledged, resolved)
    waits: list = field(default_factory=list)  # minutes from arrival to called in
    arrivals: int = 0
    not_called: int = 0
    long_waits: list = field(default_factory=list)  # outcome or None
    printer: list = field(default_factory=list)  # (state, kiosk, created, resolved or None)
    names_typed: list = field(default_factory=list)


def local(day: date, minutes: int) -> datetime:
    """A clinic-local moment `minutes` after midnight of `day`, as UTC."""
    return (datetime.combine(day, time(), tzinfo=ZONE) + timedelta(minutes=minutes)).astimezone(UTC)


def event(session: str, kind: str, at: datetime, **data) -> dict:
    return {
        "id": uuid.uuid4().hex,
        "session": session,
        "type": kind,
        "at": at.isoformat(),
        "data": data,
    }


class Seeder:
    def __init__(self, db) -> None:
        self.db = db
        self.rng = random.Random(9)
        self.ledger = Ledger()
        start = datetime(2026, 11, 1, tzinfo=UTC)
        self.kiosks = [
            auth_kiosks.kiosk_for_token(db, auth_kiosks.add_kiosk(db, name, start))
            for name in KIOSKS
        ]
        auth_users.add_user(db, STAFF, PASSWORD, "receptionist", start)
        self.booked = 0

    # -- one session each ----------------------------------------------------------

    def handoff(self, kiosk, at: datetime, reason: str, *, counted=True, session=None) -> dict:
        sid = session or uuid.uuid4().hex
        name = self.rng.choice(NAMES)
        entered = {"last_name": name, "dob": "1980-02-04"}
        if reason == "walk_in":
            entered = {"first_name": "Zoë", "last_name": name, "phone": "+33 6 12 34 56 78"}
        step = HANDOFF_STEPS.get(reason, "done")
        events = [] if session else [event(sid, "session.started", at)]
        events += [
            event(sid, "session.step", at, step=step),
            event(sid, "session.handed_off", at, reason=reason, step=step, entered=entered),
        ]
        store_sessions.record_events(self.db, kiosk, events, at)
        alert = store_alerts.unresolved_for_cause(self.db, alerting.session_cause(sid))
        record = {
            "id": alert["id"],
            "reason": reason,
            "step": step,
            "kiosk": kiosk["name"],
            "at": datetime.fromisoformat(alert["created_at"]),
            "session": sid,
        }
        self.ledger.names_typed.append(name)
        if counted:
            self.act_on(record)
            self.ledger.handoffs.append(record)
        return record

    def act_on(self, record: dict) -> None:
        """Acknowledge and resolve like a receptionist would (or not, for some)."""
        roll = self.rng.random()
        created = record["at"]
        ack = resolved = outcome = None
        if roll < 0.8:
            ack = created + timedelta(seconds=self.rng.randint(20, 400))
            store_alerts.acknowledge_alert(self.db, record["id"], STAFF, ack)
        if roll < 0.7:
            resolved = (ack or created) + timedelta(seconds=self.rng.randint(60, 900))
            outcome = self.rng.choice(STAFF_OUTCOMES)
            store_alerts.resolve_alert(
                self.db, record["id"], STAFF, outcome, NOTE if outcome == "other" else "", resolved
            )
        elif roll > 0.92:  # resolved straight away without acknowledging first
            resolved = ack = created + timedelta(seconds=self.rng.randint(60, 300))
            outcome = "no_appointment"
            store_alerts.resolve_alert(self.db, record["id"], STAFF, outcome, "", resolved)
        record.update(ack=ack, resolved=resolved, outcome=outcome)
        self.ledger.person_alerts.append((created, ack, resolved))

    def checkin(self, kiosk, at: datetime, day: date) -> None:
        sid = uuid.uuid4().hex
        self.booked += 1
        appointment = f"w-{self.booked}"
        start = (at.astimezone(ZONE) + timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M")
        store_appointments.upsert_appointment(
            self.db,
            external_id=appointment,
            first_name="Aroha",
            last_name=self.rng.choice(NAMES),
            dob="2001-12-24",
            start=start,
            provider="Dr. N'Diaye",
        )
        appointment_id = self.db.execute(
            "SELECT id FROM appointments WHERE external_id = ?", [appointment]
        ).fetchone()[0]
        store_sessions.record_events(self.db, kiosk, [event(sid, "session.started", at)], at)
        arrived = at + timedelta(seconds=70)
        arrival = store_appointments.checkin(self.db, kiosk, sid, appointment_id, arrived, day)
        store_sessions.record_events(
            self.db,
            kiosk,
            [
                event(
                    sid,
                    "session.checked_in",
                    arrived,
                    appointment=appointment_id,
                    arrival=arrival["id"],
                )
            ],
            arrived,
        )
        self.ledger.sessions[sid] = "completed"
        self.ledger.arrivals += 1
        roll = self.rng.random()
        if roll < 0.15:  # "this isn't right" after checking in: a person is needed after all
            self.handoff(kiosk, arrived + timedelta(minutes=1), "reported_problem", session=sid)
            self.ledger.sessions[sid] = "handed"
        if roll < 0.7:
            called = arrived + timedelta(seconds=self.rng.randint(60, 1800))
            store_arrivals.set_status(self.db, arrival["id"], "called_in", STAFF, called)
            self.ledger.waits.append((called - arrived).total_seconds() / 60)
            return
        # A long wait: the rule raises its alert; some are then called in, some never.
        later = arrived + timedelta(hours=2)
        board = store_arrivals.get_arrival(self.db, arrival["id"])
        fields = alerting.long_wait_alert(board, later, 15, CLINIC_ZONE)
        assert fields is not None
        store_alerts.open_or_update_alert(self.db, fields)
        alert = store_alerts.unresolved_for_cause(self.db, fields["cause"])
        if roll < 0.85:
            called = later + timedelta(minutes=5)
            store_arrivals.set_status(self.db, arrival["id"], "called_in", STAFF, called)
            self.ledger.waits.append((called - arrived).total_seconds() / 60)
            self.ledger.long_waits.append("called_in")
            self.ledger.person_alerts.append((later, called, called))
        else:
            self.ledger.not_called += 1
            self.ledger.long_waits.append(None)
            self.ledger.person_alerts.append((later, None, None))
        assert alert is not None

    def silent(self, kiosk, at: datetime, late_reason: str | None) -> None:
        """A session that went quiet: the server's own alert, maybe a late hand-off after."""
        sid = uuid.uuid4().hex
        store_sessions.record_events(
            self.db,
            kiosk,
            [event(sid, "session.started", at), event(sid, "session.step", at, step="choose")],
            at,
        )
        quiet = at + timedelta(minutes=3)
        session = store_sessions.get_session(self.db, sid)
        fields = alerting.unresponsive_alert(session, kiosk["name"], quiet, 120)
        store_alerts.open_or_update_alert(self.db, fields)
        alert = store_alerts.unresolved_for_cause(self.db, alerting.session_cause(sid))
        reason, step = "unresponsive_session", "choose"
        if late_reason:
            store_sessions.record_events(
                self.db,
                kiosk,
                [
                    event(
                        sid,
                        "session.handed_off",
                        quiet,
                        reason=late_reason,
                        step="choose",
                        entered={},
                    )
                ],
                quiet + timedelta(minutes=1),
            )
            reason = late_reason
        record = {
            "id": alert["id"],
            "reason": reason,
            "step": step,
            "kiosk": kiosk["name"],
            "at": datetime.fromisoformat(alert["created_at"]),
            "session": sid,
        }
        self.act_on(record)
        self.ledger.handoffs.append(record)
        self.ledger.sessions[sid] = "handed"

    def printer_fault(self, kiosk, at: datetime, state: str, minutes: int | None) -> None:
        store_sessions.heartbeat(
            self.db, kiosk, app_version="1", printer_state=state, printer_detail="", now=at
        )
        store_alerts.open_or_update_alert(
            self.db, alerting.printer_alert(auth_kiosks.get_kiosk(self.db, kiosk["id"]), at)
        )
        ended = None
        if minutes is not None:
            ended = at + timedelta(minutes=minutes)
            store_sessions.heartbeat(
                self.db, kiosk, app_version="1", printer_state="ok", printer_detail="", now=ended
            )
            store_alerts.clear_alert(self.db, alerting.printer_cause(kiosk["id"]), ended)
        self.ledger.printer.append((state, kiosk["name"], at, ended))


def seed_week(db) -> Ledger:
    seeder = Seeder(db)
    rng = seeder.rng
    reasons = list(HANDOFF_STEPS)
    # Outside the week on both sides: must not count.
    seeder.handoff(seeder.kiosks[0], local(FIRST, -30), "help", counted=False)
    seeder.handoff(seeder.kiosks[1], local(LAST + timedelta(days=1), 10), "no_match", counted=False)
    for offset in range(7):
        day = FIRST + timedelta(days=offset)
        for _ in range(7):
            kiosk = rng.choice(seeder.kiosks)
            at = local(day, rng.randint(8 * 60, 18 * 60))
            kind = rng.random()
            if kind < 0.5:
                seeder.checkin(kiosk, at, day)
            elif kind < 0.88:
                record = seeder.handoff(kiosk, at, rng.choice(reasons))
                seeder.ledger.sessions[record["session"]] = "handed"
            else:
                seeder.silent(kiosk, at, rng.choice([None, "timed_out"]))
    # The last minutes of the week count (23:30 in the clinic, 22:30 UTC).
    late = seeder.handoff(seeder.kiosks[1], local(LAST, 23 * 60 + 30), "help")
    seeder.ledger.sessions[late["session"]] = "handed"
    # A session that started and was never heard of again (no watchdog here).
    sid = uuid.uuid4().hex
    at = local(LAST, 12 * 60)
    store_sessions.record_events(db, seeder.kiosks[0], [event(sid, "session.started", at)], at)
    seeder.ledger.sessions[sid] = "unfinished"
    seeder.printer_fault(
        seeder.kiosks[0], local(FIRST + timedelta(days=1), 9 * 60), "paper_out", 25
    )
    seeder.printer_fault(
        seeder.kiosks[1], local(FIRST + timedelta(days=3), 14 * 60), "cover_open", 4
    )
    seeder.printer_fault(seeder.kiosks[0], local(LAST, 17 * 60), "paper_near_end", None)
    return seeder.ledger


def sign_in(client, username: str, password: str) -> None:
    """Sign in through the console's form (a TestClient keeps the cookie)."""
    r = client.post("/login", data={"username": username, "password": password})
    assert r.status_code == 303, r.text
