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
    """The app in-process over the seeded week; its clock is the morning after the week."""
    from fastapi.testclient import TestClient
    from helpers.week import LAST, NOW

    from staffconsole.api.deps import get_clock, get_today
    from staffconsole.app import create_app

    app = create_app(settings)
    app.dependency_overrides[get_clock] = lambda: lambda: NOW
    app.dependency_overrides[get_today] = lambda: LAST
    return TestClient(app, follow_redirects=False)
