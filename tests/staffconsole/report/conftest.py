"""Fixtures for the report: a file database holding a seeded week of synthetic sessions."""

from __future__ import annotations

import pytest
from helpers.week import seed_week

from staffconsole.auth.users import add_user
from staffconsole.store.schema import ensure_schema, open_db


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "seen.db"


@pytest.fixture
def week(db_path):
    """(database, ledger): the week of 16–22 Nov 2026, seeded through the store."""
    db = open_db(db_path)
    ensure_schema(db)
    ledger = seed_week(db)
    yield db, ledger
    db.close()


@pytest.fixture
def settings(db_path):
    from helpers.week import ZONE_NAME

    from staffconsole.config import load_settings

    return load_settings(
        environ={}, overrides={"db_path": str(db_path), "clinic_timezone": ZONE_NAME}
    )


@pytest.fixture
def admin(week):
    """An admin account `maria` (the week's receptionist is `ana`)."""
    from helpers.week import ADMIN_PASSWORD, NOW

    db, _ = week
    add_user(db, "maria", ADMIN_PASSWORD, "admin", NOW)
    return "maria"


@pytest.fixture
def client(week, settings):
    """The app in-process over the seeded week; its clock is late on the week's last day."""
    from fastapi.testclient import TestClient
    from helpers.week import EVENING, LAST

    from staffconsole.app import create_app
    from staffconsole.clock import ClinicClock, ClinicZone

    clock = ClinicClock(ClinicZone(settings.clinic_timezone), lambda: EVENING)
    assert clock.today() == LAST
    return TestClient(create_app(settings, clock=clock), follow_redirects=False)
