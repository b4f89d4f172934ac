"""Synthetic schedule data and a fixed clock for the staffconsole tests (import as helpers.seed)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from staffconsole.auth.kiosks import add_kiosk, kiosk_for_token
from staffconsole.store.appointments import checkin, upsert_appointment

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
TODAY = date.today()

# Synthetic patients only.
PATIENTS = [
    ("Maria", "Okafor", "1980-02-04", "10:30", "Dr. Lee"),
    ("Zoë", "O'Brien-Núñez", "1957-11-30", "11:00", "Dr. Lee"),
    ("Łukasz", "Kowalski", "1991-06-15", "11:15", "Dr. Patel"),
    ("Aroha", "Te Rangi", "2001-12-24", "11:30", "Nurse Kim"),
    ("Siobhán", "Ní Bhriain", "1975-05-05", "12:00", "Nurse Kim"),
]


def book(db, external_id, first, last, dob, start, provider, status="booked"):
    return upsert_appointment(
        db,
        external_id=external_id,
        first_name=first,
        last_name=last,
        dob=dob,
        start=start,
        provider=provider,
        status=status,
    )


def book_today(db, today=TODAY):
    """The synthetic patients above, booked today; returns {last_name: appointment id}."""
    ids = {}
    for i, (first, last, dob, hhmm, provider) in enumerate(PATIENTS):
        book(db, f"t-{i}", first, last, dob, f"{today.isoformat()}T{hhmm}", provider)
        ids[last] = db.execute(
            "SELECT id FROM appointments WHERE external_id = ?", [f"t-{i}"]
        ).fetchone()[0]
    return ids


def book_and_arrive(db, clock, *, external_id, first, last, start, provider="Dr. Lee", arrive=True):
    upsert_appointment(
        db,
        external_id=external_id,
        first_name=first,
        last_name=last,
        dob="1980-02-04",
        start=start,
        provider=provider,
    )
    appointment = db.execute(
        "select id from appointments where external_id = ?", [external_id]
    ).fetchone()[0]
    if arrive:
        kiosk = kiosk_for_token(db, add_kiosk(db, f"Kiosk {external_id}", clock()))
        checkin(db, kiosk, f"sess-{external_id}", appointment, clock(), clock().date())
    return appointment


def offer(client, headers, session, last, base="") -> list[dict]:
    """Look a patient of PATIENTS up through the kiosk API, as the kiosk does before a
    check-in (a check-in must name an appointment its session was offered)."""
    dob = next(p[2] for p in PATIENTS if p[1] == last)
    r = client.post(
        f"{base}/api/v1/kiosk/lookup",
        headers=headers,
        json={"session": session, "last_name": last, "dob": dob},
    )
    assert r.status_code == 200, r.text
    return r.json()["matches"]
