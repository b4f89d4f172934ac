"""Issue 7, item 4: a server killed between the check-in's commit and its reply leaves an
arrival, and the kiosk's retry of the same check-in is answered with that arrival."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import datetime

import pytest
from support import start_server

from kiosk.client import KioskClient, Unconfirmed
from staffconsole.api import faults
from staffconsole.auth.kiosks import add_kiosk
from staffconsole.clock import utcnow
from staffconsole.store.appointments import upsert_appointment
from staffconsole.store.schema import ensure_schema, open_db

pytestmark = pytest.mark.e2e


def _seed(db_path) -> tuple[int, str]:
    db = open_db(db_path)
    try:
        ensure_schema(db)
        upsert_appointment(
            db,
            external_id="k-1",
            first_name="Zoë",
            last_name="O'Brien-Núñez",
            dob="1957-11-30",
            start=f"{datetime.now().date().isoformat()}T11:00",
            provider="Dr. Lee",
        )
        appointment = db.execute("SELECT id FROM appointments").fetchone()[0]
        token = add_kiosk(db, "Lobby kiosk 1", utcnow())
    finally:
        db.close()
    return appointment, token


def _arrivals(db_path) -> list[tuple]:
    db = sqlite3.connect(db_path)
    try:
        return db.execute("SELECT id, appointment_id, session_id, ticket FROM arrivals").fetchall()
    finally:
        db.close()


def test_killed_after_commit_the_retry_confirms_the_committed_arrival(tmp_path):
    db_path = tmp_path / "seen.db"
    appointment, token = _seed(db_path)
    session = uuid.uuid4().hex
    dying = start_server(tmp_path, db_path, env={faults.VARIABLE: "checkin"})
    try:
        client = KioskClient(dying.url, token, timeout=(2.0, 10.0))
        # As the kiosk does: the look-up offers the appointment to this session.
        assert [
            m["appointment"] for m in client.lookup(session, "O'Brien-Núñez", "1957-11-30")
        ] == [appointment]
        with pytest.raises(Unconfirmed):
            client.checkin(session, appointment)  # the reply never comes
        assert dying.process.wait(10) == faults.EXIT_CODE  # died by the hook, after the commit
    finally:
        dying.stop()
    [(arrival_id, appointment_id, session_id, ticket)] = _arrivals(db_path)
    assert (appointment_id, session_id) == (appointment, session)

    server = start_server(tmp_path, db_path)  # restarted on the same file, hook off
    try:
        retry = KioskClient(server.url, token, timeout=(2.0, 10.0))
        arrival = retry.checkin(session, appointment)
    finally:
        server.stop()
    assert (arrival["id"], arrival["ticket"], arrival["appointment"]) == (
        arrival_id,
        ticket,
        appointment,
    )
    assert len(_arrivals(db_path)) == 1  # confirmed, not doubled


def test_the_hook_is_off_unless_its_variable_names_the_point():
    faults.exit_after_commit("checkin", environ={})  # returns: off by default
    faults.exit_after_commit("checkin", environ={faults.VARIABLE: "events"})
    faults.exit_after_commit("lookup", environ={faults.VARIABLE: "lookup"})  # not a point
