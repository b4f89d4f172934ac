"""Fixtures for the security matrix: the whole app in-process, one credential of each kind.

The app's clock is the test's (idle logoff, lockout, look-ups): 15:00 on the real
today in the clinic's zone, so appointments are booked for TODAY.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from helpers.seed import book_today
from security.helpers import CLINIC_ZONE, PASSWORD, START, TODAY, FakeClock

from staffconsole.app import create_app
from staffconsole.auth import api_tokens
from staffconsole.auth.kiosks import add_kiosk, revoke_kiosk
from staffconsole.auth.users import add_user
from staffconsole.clock import ClinicClock, ClinicZone
from staffconsole.config import load_settings
from staffconsole.store.schema import open_db


@pytest.fixture
def clock():
    return FakeClock(START)


@pytest.fixture
def overrides():
    """Settings a test may change before the app is built."""
    return {}


@pytest.fixture
def settings(tmp_path, overrides):
    return load_settings(
        environ={},
        overrides={
            "db_path": str(tmp_path / "seen.db"),
            "clinic_timezone": CLINIC_ZONE,
            **overrides,
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
    # No `with`: no watchdog, so only what the test does raises alerts.
    return TestClient(app, follow_redirects=False)


@pytest.fixture
def booked(db):
    """The synthetic patients, booked today: {last_name: appointment id}."""
    return book_today(db, TODAY)


@pytest.fixture
def creds(db, clock):
    """One of each credential: live and revoked kiosk and API tokens, a staff account."""
    kiosk = add_kiosk(db, "Lobby kiosk 1", clock())
    revoked_kiosk = add_kiosk(db, "Old kiosk", clock())
    revoke_kiosk(db, "Old kiosk", clock())
    push = api_tokens.add_token(db, "practice system", "push", clock())
    revoked_push = api_tokens.add_token(db, "old practice system", "push", clock())
    api_tokens.revoke_token(db, "old practice system", clock())
    metrics = api_tokens.add_token(db, "prometheus", "metrics", clock())
    add_user(db, "ana", PASSWORD, "receptionist", clock())
    add_user(db, "root", PASSWORD, "admin", clock())
    return {
        "kiosk": kiosk,
        "revoked_kiosk": revoked_kiosk,
        "push": push,
        "revoked_push": revoked_push,
        "metrics": metrics,
    }
