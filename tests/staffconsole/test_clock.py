"""One clinic clock: with the server's own zone on UTC and the clinic twelve or more hours
away, the kiosk, the console, the watchdog and the desk all keep the clinic's day.

Each test runs with the process's zone set to UTC and a fake clock just before and just
after the clinic's midnight and UTC's midnight (Pacific/Kiritimati is UTC+14,
Pacific/Pago_Pago UTC-11, neither with summer time).
"""

from __future__ import annotations

import re
import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from fastapi.testclient import TestClient
from support import start_server

from staffconsole.app import create_app
from staffconsole.auth.kiosks import add_kiosk, kiosk_for_token
from staffconsole.auth.users import add_user
from staffconsole.clock import ClinicClock, ClinicZone
from staffconsole.config import load_settings
from staffconsole.rules import alerting
from staffconsole.schedule.importer import import_file
from staffconsole.schedule.model import Options
from staffconsole.store import appointments as store_appointments
from staffconsole.store.alerts import list_alerts, open_or_update_alert
from staffconsole.store.schema import ensure_schema, open_db
from staffconsole.watch.watchdog import run_rules

EAST, WEST = "Pacific/Kiritimati", "Pacific/Pago_Pago"
D = date(2026, 11, 22)
# (clinic zone, the instant, the clinic's date then); UTC's date is the instant's.
MOMENTS = [
    pytest.param(EAST, datetime(2026, 11, 21, 9, 59, tzinfo=UTC), D - timedelta(1), id="E-23:59"),
    pytest.param(EAST, datetime(2026, 11, 21, 10, 1, tzinfo=UTC), D, id="E-00:01-utc-yesterday"),
    pytest.param(EAST, datetime(2026, 11, 21, 23, 59, tzinfo=UTC), D, id="E-utc-23:59"),
    pytest.param(EAST, datetime(2026, 11, 22, 0, 1, tzinfo=UTC), D, id="E-utc-00:01"),
    pytest.param(
        WEST, datetime(2026, 11, 21, 23, 59, tzinfo=UTC), D - timedelta(1), id="W-utc-23:59"
    ),
    pytest.param(
        WEST, datetime(2026, 11, 22, 0, 1, tzinfo=UTC), D - timedelta(1), id="W-utc-00:01"
    ),
    pytest.param(WEST, datetime(2026, 11, 22, 10, 59, tzinfo=UTC), D - timedelta(1), id="W-23:59"),
    pytest.param(WEST, datetime(2026, 11, 22, 11, 1, tzinfo=UTC), D, id="W-00:01-utc-today"),
]
HEADER = "external_id,first_name,last_name,dob,start,provider\n"
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def server_on_utc(monkeypatch):
    """This process's own zone is UTC, as on a server nobody set up for the clinic."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


class Clinic:
    """The app in-process for one clinic zone, its database, and a fake clock to move."""

    def __init__(self, tmp_path, zone: str, now: datetime) -> None:
        self.now = now
        self.settings = load_settings(
            environ={},
            overrides={
                "db_path": str(tmp_path / "seen.db"),
                "clinic_timezone": zone,
                "resound_s": 10**6,
                "escalate_after_s": 10**6,
            },
        )
        self.clock = ClinicClock(ClinicZone(zone), lambda: self.now)
        self.app = create_app(self.settings, clock=self.clock)
        self.db = open_db(self.settings.db_path)
        ensure_schema(self.db)
        self.token = add_kiosk(self.db, "Lobby kiosk 1", now)
        self.client = TestClient(self.app, follow_redirects=False)  # no watchdog running

    def import_day(self, tmp_path, day: date, rows: str) -> None:
        """A day's CSV imported as `staffconsole import-schedule` does it."""
        path = tmp_path / f"{day}.csv"
        path.write_text(HEADER + rows, encoding="utf-8")
        report = import_file(self.db, path, day, Options(zone=self.clock.zone))
        assert report.ok and report.added >= 1, report.summary()

    def kiosk(self, path: str, body: dict) -> dict:
        r = self.client.post(
            f"/api/v1/kiosk/{path}",
            headers={"Authorization": f"Bearer {self.token}"},
            json={"session": "s1", **body},
        )
        assert r.status_code == 200, r.text
        return r.json()

    def sign_in(self) -> str:
        add_user(self.db, "ana", PASSWORD, "receptionist", self.now)
        r = self.client.post("/login", data={"username": "ana", "password": PASSWORD})
        assert r.status_code == 303, r.text
        page = self.client.get("/console").text
        return re.search(r'<meta name="csrf-token" content="([^"]+)">', page).group(1)


@pytest.fixture
def clinic(tmp_path):
    made = []

    def make(zone: str, now: datetime) -> Clinic:
        made.append(Clinic(tmp_path, zone, now))
        return made[-1]

    yield make
    for each in made:
        each.db.close()


def book_yesterday_and_today(clinic: Clinic, tmp_path, today: date) -> None:
    """Maria Okafor on the clinic's yesterday (16:00) and today (10:30), one import each."""
    yesterday = today - timedelta(days=1)
    clinic.import_day(
        tmp_path, yesterday, f"y1,Maria,Okafor,1980-02-04,{yesterday}T16:00,Dr. Lee\n"
    )
    clinic.import_day(tmp_path, today, f"t1,Maria,Okafor,1980-02-04,{today}T10:30,Dr. Lee\n")


# -- the clock itself ------------------------------------------------------------------


@pytest.mark.parametrize(("zone", "now", "today"), MOMENTS)
def test_the_clock_gives_the_clinics_date_and_wall_time(zone, now, today):
    clock = ClinicClock(ClinicZone(zone), lambda: now)
    assert clock.now() == now and clock.today() == today
    assert clock.local_now() == now.astimezone(ZoneInfo(zone))
    midnight = clock.zone.midnight(today)
    assert midnight <= now < clock.zone.midnight(today + timedelta(days=1))
    assert midnight.tzinfo is UTC and clock.zone.local(midnight).hour == 0


def test_an_empty_zone_is_the_servers_own(monkeypatch):
    now = datetime(2026, 11, 21, 10, 1, tzinfo=UTC)
    assert ClinicClock(ClinicZone(""), lambda: now).today() == date(2026, 11, 21)  # TZ=UTC
    monkeypatch.setenv("TZ", EAST)
    time.tzset()
    assert ClinicClock(ClinicZone(""), lambda: now).today() == D
    assert ClinicZone("").midnight(D) == datetime(2026, 11, 21, 10, 0, tzinfo=UTC)


def test_a_clock_refuses_naive_instants():
    with pytest.raises(ValueError, match="timezone-aware"):
        ClinicClock(ClinicZone(EAST), lambda: datetime(2026, 11, 22, 10, 0)).now()


# -- the kiosk, the console and the desk, through the HTTP API ---------------------------


@pytest.mark.parametrize(("zone", "now", "today"), MOMENTS)
def test_kiosk_finds_todays_appointment_and_not_yesterdays(clinic, tmp_path, zone, now, today):
    c = clinic(zone, now)
    book_yesterday_and_today(c, tmp_path, today)
    found = c.kiosk("lookup", {"last_name": "Okafor", "dob": "1980-02-04"})["matches"]
    assert [m["time"] for m in found] == ["10:30"]
    assert c.kiosk("lookup", {"code": "t1"})["matches"][0]["time"] == "10:30"
    assert c.kiosk("lookup", {"code": "y1"})["matches"] == []
    arrival = c.kiosk("checkin", {"appointment": found[0]["appointment"]})["arrival"]
    assert arrival["ticket"] == 1


@pytest.mark.parametrize(("zone", "now", "today"), MOMENTS)
def test_console_snapshot_shows_the_clinics_days_arrivals(clinic, tmp_path, zone, now, today):
    c = clinic(zone, now)
    book_yesterday_and_today(c, tmp_path, today)
    kiosk = kiosk_for_token(c.db, c.token)
    yesterdays = store_appointments.appointment_by_external_id(c.db, "y1")
    store_appointments.checkin(
        c.db, kiosk, "s-old", yesterdays["id"], now - timedelta(days=1), today - timedelta(days=1)
    )
    [match] = c.kiosk("lookup", {"code": "t1"})["matches"]
    c.kiosk("checkin", {"appointment": match["appointment"]})
    c.sign_in()
    snap = c.client.get("/api/v1/console/snapshot").json()
    assert [(a["display_name"], a["time"]) for a in snap["arrivals"]] == [("Maria O.", "10:30")]


@pytest.mark.parametrize(("zone", "now", "today"), MOMENTS)
def test_a_walk_in_lands_on_the_clinics_day(clinic, zone, now, today):
    c = clinic(zone, now)
    kiosk = kiosk_for_token(c.db, c.token)
    session = {"id": "s-walk", "kiosk_id": kiosk["id"], "step": "walk_in"}
    fields = alerting.handoff_alert("walk_in", session, kiosk["name"], {}, now)
    alert, _ = open_or_update_alert(c.db, fields)
    csrf = c.sign_in()
    r = c.client.post(
        f"/api/v1/console/alerts/{alert['id']}/check-in",
        json={"first_name": "Aroha", "last_name": "Te Rangi"},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 200, r.text
    wall = now.astimezone(ZoneInfo(zone))
    assert r.json()["arrival"]["time"] == wall.strftime("%H:%M")
    [external_id] = store_appointments.appointments_on(c.db, today)
    walk_in = store_appointments.appointment_by_external_id(c.db, external_id)
    assert walk_in["start"] == f"{today}T{wall:%H:%M}" and walk_in["provider"] == "Walk-in"
    snap = c.client.get("/api/v1/console/snapshot").json()
    assert [a["display_name"] for a in snap["arrivals"]] == ["Aroha T."]


# -- the watchdog -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "start"),
    [
        # The 15 minutes after the booked time cross UTC's midnight in both clinics.
        pytest.param(EAST, "13:50", id="kiritimati"),  # 23:50 UTC the day before
        pytest.param(WEST, "12:50", id="pago-pago"),  # 23:50 UTC the same day
    ],
)
def test_long_wait_fires_fifteen_minutes_after_the_clinics_booked_time(
    clinic, tmp_path, zone, start
):
    booked = datetime.combine(D, datetime.strptime(start, "%H:%M").time(), tzinfo=ZoneInfo(zone))
    c = clinic(zone, booked - timedelta(minutes=10))
    c.import_day(tmp_path, D, f"t1,Maria,Okafor,1980-02-04,{D}T{start},Dr. Lee\n")
    [match] = c.kiosk("lookup", {"code": "t1"})["matches"]
    c.kiosk("checkin", {"appointment": match["appointment"]})  # ten minutes early

    def kinds_at(moment: datetime) -> list[str]:
        c.now = moment
        run_rules(c.db, c.clock, c.settings)
        return [a["kind"] for a in list_alerts(c.db)]

    assert kinds_at(booked + timedelta(minutes=14, seconds=59)) == []
    assert kinds_at(booked + timedelta(minutes=15)) == ["long_wait"]
    assert (booked + timedelta(minutes=15)).astimezone(UTC).date() != booked.astimezone(UTC).date()


# -- a real server process --------------------------------------------------------------


def zone_whose_date_is_not_utcs(now: datetime) -> str:
    """Kiritimati is a day ahead of UTC from 10:00 UTC, Pago Pago a day behind until 11:00;
    take the one furthest from changing its date."""
    return EAST if now.hour * 60 + now.minute >= 10 * 60 + 30 else WEST


@pytest.mark.e2e
def test_a_real_server_on_utc_finds_the_patient_imported_for_the_clinics_today(
    tmp_path, monkeypatch
):
    zone = zone_whose_date_is_not_utcs(datetime.now(UTC))
    today = datetime.now(ZoneInfo(zone)).date()
    assert today != datetime.now(UTC).date()  # what made the old server miss the patient
    env = {"TZ": "UTC", "SEEN_CLINIC_TIMEZONE": zone}
    for name, value in env.items():
        monkeypatch.setenv(name, value)  # for the CLI processes too
    server = start_server(tmp_path, env=env)
    try:
        yesterday = today - timedelta(days=1)
        old = tmp_path / "yesterday.csv"
        old.write_text(HEADER + f"y1,Maria,Okafor,1980-02-04,{yesterday}T16:00,Dr. Lee\n")
        server.cli("import-schedule", str(old), "--date", yesterday.isoformat())
        new = tmp_path / "today.csv"
        new.write_text(HEADER + f"t1,Maria,Okafor,1980-02-04,{today}T10:30,Dr. Lee\n")
        imported = server.cli("import-schedule", str(new)).stdout  # the default day
        assert f"(csv, {today.isoformat()}): 1 added" in imported
        token = server.add_kiosk("Lobby kiosk 1")
        r = requests.post(
            f"{server.url}/api/v1/kiosk/lookup",
            headers={"Authorization": f"Bearer {token}"},
            json={"session": "s1", "last_name": "Okafor", "dob": "1980-02-04"},
            timeout=10,
        )
        assert r.status_code == 200, r.text
        assert [(m["display_name"], m["time"]) for m in r.json()["matches"]] == [
            ("Maria O.", "10:30")
        ]
    finally:
        server.stop()
