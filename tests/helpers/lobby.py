"""A busy lobby for board tests, written into a server's database through the store.

`seed_lobby(path, zone, now, ...)` books and checks in today's patients, then calls in
or sees some, as the kiosk and the console would. It returns what it did (tickets,
names, when each wait started) so tests can work out the expected board themselves.
Synthetic patients only, with names from many scripts.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from staffconsole.auth.kiosks import add_kiosk, kiosk_for_token
from staffconsole.clock import ClinicZone
from staffconsole.store.appointments import checkin, upsert_appointment
from staffconsole.store.arrivals import set_status
from staffconsole.store.schema import ensure_schema, open_db

FIRSTS = (
    "Zoë",
    "Siobhán",
    "Łukasz",
    "Aroha",
    "Дмитрий",
    "Αθηνά",
    "美咲",
    "Nguyễn Thị",
    "D'Arcy",
    "Jean-Baptiste",
    "Ngozi",
    "Søren",
    "Ana María",
    "أمينة",
    "Ψυχή-Μαρία",
)
LASTS = ("O'Brien-Núñez", "Kowalski", "Иванова", "Παπαδόπουλος", "田中", "Ó Dálaigh", "Te Rangi")
# A long name of ordinary words (must wrap between them), and one word longer than any
# column (may break inside as a last resort).
LONG_WORDS = "Guadalupe Esperanza Konstantinopoulos Bartholomew Anastasia Wilhelmina"
ONE_LONG_WORD = "Wolfeschlegelsteinhausenbergerdorffvoralternwarengewissenhaftschaferswessen"
PROVIDERS = ("Dr. Lee", "Dr. N'Diaye", "Nurse Kim", "Dr. Ó Súilleabháin-Fitzgerald")
STAFF = "ana"


@dataclass
class Patient:
    arrival: int
    ticket: int
    name: str  # as the board shows it
    arrived: datetime
    booked: datetime  # the appointment's start, as an instant
    status: str = "waiting"
    moved: datetime | None = None  # when called in or seen

    @property
    def wait_from(self) -> datetime:
        return max(self.arrived, self.booked)


@dataclass
class Lobby:
    patients: list = field(default_factory=list)

    def having(self, status: str) -> list:
        return [p for p in self.patients if p.status == status]


def _wall(zone: ClinicZone, moment: datetime) -> str:
    return zone.local(moment).strftime("%Y-%m-%dT%H:%M")


def seed_lobby(path, zone: ClinicZone, now: datetime, *, waiting, seen, called_in) -> Lobby:
    """Check patients in today and move some on.

    `waiting` is a list of (minutes since arrival, minutes since the booked time) — a
    booked time after the arrival means they came early, and wait from the booked time;
    `seen` and `called_in` are counts: they arrived before anyone still waiting.
    Names: the first waiting patient has LONG_WORDS, the second ONE_LONG_WORD.
    """
    db = open_db(path)
    try:
        ensure_schema(db)
        db.execute("PRAGMA synchronous = OFF")  # seeding only, before the server runs
        kiosk = kiosk_for_token(db, add_kiosk(db, "Accueil – borne 1", now - timedelta(days=1)))
        lobby = Lobby()
        early = [(400 - i, 405 - i) for i in range(seen + called_in)]  # a morning's worth
        for i, (arrived_ago, booked_ago) in enumerate(early + list(waiting)):
            w = i - len(early)
            first = FIRSTS[i % len(FIRSTS)]
            if w == 0:
                first = LONG_WORDS
            elif w == 1:
                first = ONE_LONG_WORD
            last = LASTS[i % len(LASTS)]
            arrived = now - timedelta(minutes=arrived_ago, seconds=i % 50)
            booked = now - timedelta(minutes=booked_ago)
            start = _wall(zone, booked)
            external = f"lobby-{i}"
            upsert_appointment(
                db,
                external_id=external,
                first_name=first,
                last_name=last,
                dob="1980-02-04",
                start=start,
                provider=PROVIDERS[i % len(PROVIDERS)],
            )
            appointment = db.execute(
                "SELECT id FROM appointments WHERE external_id = ?", [external]
            ).fetchone()[0]
            today = zone.day(now)
            done = checkin(db, kiosk, uuid.uuid4().hex, appointment, arrived, today)
            booked_at = zone.instant(datetime.fromisoformat(start))
            lobby.patients.append(
                Patient(done["id"], done["ticket"], done["display_name"], arrived, booked_at)
            )
        for i, patient in enumerate(lobby.patients[: seen + called_in]):
            called = patient.arrived + timedelta(minutes=5 + i % 40, seconds=i)
            set_status(db, patient.arrival, "called_in", STAFF, called)
            patient.status, patient.moved = "called_in", called
            if i < seen:
                finished = called + timedelta(minutes=10 + i % 30)
                set_status(db, patient.arrival, "seen", STAFF, finished)
                patient.status, patient.moved = "seen", finished
        return lobby
    finally:
        db.close()


def clinic_at_midday() -> str:
    """A fixed-offset zone where it is now 13:00–14:00, so the whole morning is today."""
    offset = 13 - datetime.now(UTC).hour
    return f"Etc/GMT{-offset:+d}"  # Etc/GMT-2 is two hours ahead of UTC
