"""Fixtures for the staffconsole tests: a store database, and the console app with a fake clock.

The console app runs in-process without its lifespan (no watchdog), so only what a test
does shows up on the console; the clock (and so "today") is the test's. Folders that need
another app (api/core/, report/) override `settings`, `app` and `client` in their conftest.
"""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from helpers.seed import NOW

from staffconsole.app import create_app
from staffconsole.auth.kiosks import add_kiosk, kiosk_for_token
from staffconsole.auth.users import add_user
from staffconsole.clock import ClinicClock, ClinicZone
from staffconsole.config import load_settings
from staffconsole.rules import alerting
from staffconsole.store.alerts import open_or_update_alert
from staffconsole.store.schema import ensure_schema, open_db

TODAY = date(2026, 11, 22)
START = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
PASSWORD = "correct horse battery staple"


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def engine():
    """Which engine `fresh_db` is on; folders that run on both override it with ENGINES."""
    return "sqlite"


@pytest.fixture
def fresh_db(request, tmp_path, engine):
    """A database with the schema: an SQLite file (so WAL and FULL sync are the real
    thing), or a PostgreSQL database of its own copied from the migrated template."""
    if engine == "sqlite":
        db = open_db(tmp_path / "store.db")
        ensure_schema(db)
        yield db
        db.close()
        return
    cluster = request.getfixturevalue("postgres_cluster")
    if not cluster.has_template():
        cluster.make_template(lambda url: _migrate(url))
    name = cluster.new_database()
    db = open_db(cluster.url(name))
    yield db
    db.close()
    cluster.drop(name)


def _migrate(url: str) -> None:
    db = open_db(url)
    try:
        ensure_schema(db)
    finally:
        db.close()


@pytest.fixture
def kiosk(fresh_db):
    return kiosk_for_token(fresh_db, add_kiosk(fresh_db, "Lobby kiosk 1", NOW))


@pytest.fixture
def clock():
    return FakeClock(START)


@pytest.fixture
def settings(tmp_path):
    return load_settings(
        environ={},
        overrides={
            "db_path": str(tmp_path / "seen.db"),
            "clinic_name": "Clinique Saint-Éloi",
            "console_idle_logoff_min": 15,
            "clinic_timezone": "UTC",  # TODAY at START, whatever the machine's zone
        },
    )


@pytest.fixture
def app(settings, clock):
    return create_app(settings, clock=ClinicClock(ClinicZone(settings.clinic_timezone), clock))


@pytest.fixture
def db(settings, app):
    conn = open_db(settings.db_path)
    yield conn
    conn.close()


@pytest.fixture
def client(app):
    # No `with`: the lifespan (watchdog) stays off, so nothing else raises alerts.
    return TestClient(app, follow_redirects=False)


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def staff(db, clock):
    """A receptionist account; returns the username."""
    add_user(db, "ana", PASSWORD, "receptionist", clock())
    return "ana"


def csrf_from_page(html: str) -> str:
    found = re.search(r'<meta name="csrf-token" content="([^"]+)">', html)
    assert found, "console page has no csrf-token meta tag"
    return found.group(1)


@pytest.fixture
def signed_in(client, staff):
    """Sign `ana` in through the form; returns the CSRF token the page carries."""
    r = client.post("/login", data={"username": staff, "password": PASSWORD})
    assert r.status_code == 303, r.text
    page = client.get("/console")
    assert page.status_code == 200
    return csrf_from_page(page.text)


@pytest.fixture
def raise_handoff(db, clock, app):
    """Open a hand-off alert for a new kiosk session, as the kiosk API would."""
    counter = iter(range(1, 10_000))

    def make(reason="help", entered=None, kiosk_name="Lobby kiosk"):
        kiosk = kiosk_for_token(db, add_kiosk(db, f"{kiosk_name} {next(counter)}", clock()))
        session = {"id": f"s{next(counter):04d}", "kiosk_id": kiosk["id"], "step": "identify"}
        fields = alerting.handoff_alert(reason, session, kiosk["name"], entered or {}, clock())
        alert, _ = open_or_update_alert(db, fields)
        app.state.hub.notify()
        return alert

    return make


# -- a raw ASGI driver for the event stream (TestClient waits for a body to end) --


class StreamClient:
    """Runs one GET against the app as an ASGI server would, reading chunks as they come."""

    def __init__(self, app, path: str, cookies: dict[str, str]) -> None:
        cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
        self.scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [
                (b"host", b"testserver"),
                (b"cookie", cookie.encode()),
                (b"accept", b"text/event-stream"),
            ],
            "client": ("127.0.0.1", 5000),
            "server": ("testserver", 80),
            "state": {},
        }
        self.app = app
        self.status: int | None = None
        self.headers: dict[str, str] = {}
        self.buffer = ""
        self._chunks: asyncio.Queue = asyncio.Queue()
        self._gone = asyncio.Event()
        self._sent_request = False
        self.task: asyncio.Task | None = None

    async def _receive(self):
        if not self._sent_request:
            self._sent_request = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await self._gone.wait()
        return {"type": "http.disconnect"}

    async def _send(self, message):
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = {k.decode(): v.decode() for k, v in message["headers"]}
        elif message["type"] == "http.response.body":
            await self._chunks.put(message.get("body", b"").decode())
            if not message.get("more_body"):
                await self._chunks.put(None)

    async def start(self) -> None:
        self.task = asyncio.create_task(self.app(self.scope, self._receive, self._send))
        while self.status is None:
            await asyncio.sleep(0.01)

    async def next_event(self, timeout: float = 5.0) -> dict:
        """The next event block: {"event", "id", "data", "comments"}; {} when the body ended."""
        while "\n\n" not in self.buffer:
            chunk = await asyncio.wait_for(self._chunks.get(), timeout)
            if chunk is None:
                return {}
            self.buffer += chunk
        block, self.buffer = self.buffer.split("\n\n", 1)
        event: dict = {"comments": []}
        for line in block.split("\n"):
            if line.startswith(":"):
                event["comments"].append(line[1:].strip())
            else:
                key, _, value = line.partition(": ")
                event[key] = value
        if "data" in event and event.get("event") in ("snapshot", "patch", "locked", "signed_out"):
            event["json"] = json.loads(event["data"])
        return event

    async def body_text(self, timeout: float = 5.0) -> str:
        text = ""
        while True:
            chunk = await asyncio.wait_for(self._chunks.get(), timeout)
            if chunk is None:
                return text
            text += chunk

    async def close(self) -> None:
        self._gone.set()
        if self.task is not None:
            await asyncio.wait_for(self.task, 5)


@pytest.fixture
def stream_client():
    """The StreamClient class (fixtures are how a test area shares code here)."""
    return StreamClient
