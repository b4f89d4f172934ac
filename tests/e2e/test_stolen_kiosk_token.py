"""Issue 16, part 3, against a real server process: a stolen kiosk token is not a master key.

With one kiosk's token, a sweep of appointment ids 1-79 by bare id checks nobody in and
reads no name; posting events for another kiosk's session is refused, the kiosk's own
outbox sender sets that event aside (it does not retry it forever), and no alert names
the wrong kiosk. The patient's own flow (look-up, then check-in) still works.
"""

from __future__ import annotations

import sqlite3
import uuid
from contextlib import closing
from datetime import UTC, datetime

import pytest
from support import start_server

from kiosk.client import KioskClient, Rejected
from kiosk.outbox import Outbox
from kiosk.sender import Sender
from staffconsole.auth.kiosks import add_kiosk
from staffconsole.clock import utcnow
from staffconsole.store.appointments import upsert_appointment
from staffconsole.store.schema import ensure_schema, open_db

pytestmark = pytest.mark.e2e

# Synthetic patients, cycled over the day's 79 appointments (each gets its own number).
FIRST = ["Zoë", "Łukasz", "Aroha", "Siobhán", "Мария", "Νίκος", "美咲", "Jean-Luc"]
LAST = ["O'Brien-Núñez", "Kowalski", "Te Rangi", "Ní Bhriain", "Иванова", "Παπαδόπουλος", "佐藤"]
COUNT = 79


def _seed(db_path) -> tuple[str, str, list[tuple[str, str]]]:
    """79 appointments today and two kiosks: (token A, token B, [(first, last)])."""
    today = datetime.now().date().isoformat()
    people = []
    with closing(open_db(db_path)) as db:
        ensure_schema(db)
        for n in range(COUNT):
            first, last = FIRST[n % len(FIRST)], f"{LAST[n % len(LAST)]}{n}"
            upsert_appointment(
                db,
                external_id=f"sweep-{n}",
                first_name=first,
                last_name=last,
                dob=f"19{50 + n % 40}-0{1 + n % 9}-1{n % 10}",
                start=f"{today}T{8 + n // 8:02d}:{(n % 8) * 7:02d}",
                provider="Dr. Lee",
            )
            people.append((first, last))
        token_a = add_kiosk(db, "Lobby kiosk A", utcnow())
        token_b = add_kiosk(db, "Lobby kiosk B", utcnow())
    return token_a, token_b, people


def _count(db_path, sql: str) -> int:
    with closing(sqlite3.connect(db_path)) as conn:
        return conn.execute(sql).fetchone()[0]


def _event(session: str, kind: str, **data) -> dict:
    return {
        "id": uuid.uuid4().hex,
        "session": session,
        "type": kind,
        "at": datetime.now(UTC).isoformat(),
        "data": data,
    }


def test_a_sweep_of_bare_ids_checks_nobody_in_and_reads_no_name(tmp_path):
    db_path = tmp_path / "seen.db"
    token_a, token_b, people = _seed(db_path)
    server = start_server(tmp_path, db_path)
    try:
        thief = KioskClient(server.url, token_a, timeout=(3.0, 10.0))
        session = uuid.uuid4().hex
        answers = []
        for appointment in range(1, COUNT + 1):
            with pytest.raises(Rejected) as refused:
                thief.checkin(session, appointment)
            answers.append(refused.value)
        # The first ones are "not offered", the rest hit the check-in limit (30 per 10 min).
        statuses = [a.status for a in answers]
        assert set(statuses) == {403, 429}
        assert statuses == sorted(statuses) and statuses.count(403) == 30
        assert "not offered to this kiosk session" in answers[0].detail
        assert "too many check-ins" in answers[-1].detail
        text = " ".join(a.detail for a in answers)
        assert not any(first in text or last in text for first, last in people)
        assert _count(db_path, "SELECT count(*) FROM arrivals") == 0
        refusals = "SELECT count(*) FROM audit WHERE action = 'arrival.checkin_refused'"
        assert _count(db_path, refusals) == COUNT  # a swept token shows in the audit
        # ... and on the desk's screen: one card naming the kiosk, its count, no patient.
        with sqlite3.connect(db_path) as conn:
            cards = conn.execute(
                "SELECT summary FROM alerts WHERE kind = 'checkin_refused'"
            ).fetchall()
        assert len(cards) == 1 and cards[0][0].startswith(f"Lobby kiosk A asked for {COUNT} ")
        assert not any(first in cards[0][0] or last in cards[0][0] for first, last in people)

        # The patient at kiosk B is not held up: look-up, then check-in, as the kiosk does.
        kiosk_b = KioskClient(server.url, token_b, timeout=(3.0, 10.0))
        mine = uuid.uuid4().hex
        [match] = kiosk_b.lookup(mine, "Kowalski1", "1951-02-11")
        arrival = kiosk_b.checkin(mine, match["appointment"])
        assert arrival["display_name"] == "Łukasz K."
        assert _count(db_path, "SELECT count(*) FROM arrivals") == 1
    finally:
        server.stop()
    assert not any(last in server.log.read_text() for _, last in people)


def test_events_for_another_kiosks_session_are_refused_and_set_aside(tmp_path):
    db_path = tmp_path / "seen.db"
    token_a, token_b, _ = _seed(db_path)
    server = start_server(tmp_path, db_path)
    outbox = Outbox(tmp_path / "outbox-a.db")
    try:
        victim = uuid.uuid4().hex
        kiosk_b = KioskClient(server.url, token_b, timeout=(3.0, 10.0))
        kiosk_b.post_events([_event(victim, "session.handed_off", reason="help", step="identify")])

        thief = KioskClient(server.url, token_a, timeout=(3.0, 10.0))
        forged = _event(victim, "session.handed_off", reason="not_me", step="confirm")
        with pytest.raises(Rejected) as refused:
            thief.post_events([forged])
        assert refused.value.status == 403 and "another kiosk" in refused.value.detail

        # Kiosk A's own sender, given the forged event amid its own: only that one is set
        # aside (held, reported by its heartbeat), the rest are delivered, nothing retried.
        own = uuid.uuid4().hex
        mine = [_event(own, "session.started"), forged, _event(own, "session.ended")]
        for event in mine:
            outbox.put(event)
        sender = Sender(outbox, thief)
        sender.deliver_once()
        assert outbox.pending() == []
        assert [held_id for held_id, _ in outbox.held()] == [forged["id"]]
        assert sender.deliver_once() is False  # nothing left to send

        with closing(sqlite3.connect(db_path)) as conn:
            stored = {row[0] for row in conn.execute("SELECT id FROM events")}
            alerts = conn.execute(
                "SELECT k.name, a.session_id FROM alerts a JOIN kiosks k ON k.id = a.kiosk_id"
            ).fetchall()
        assert forged["id"] not in stored and {mine[0]["id"], mine[2]["id"]} <= stored
        assert alerts == [("Lobby kiosk B", victim)]  # B's own hand-off, naming B
    finally:
        outbox.close()
        server.stop()
