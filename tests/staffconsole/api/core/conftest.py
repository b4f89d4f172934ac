"""Fixtures for the kiosk and push APIs: the server core in-process (no console), a kiosk token.

These override the console app of tests/staffconsole/conftest.py for this folder.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from helpers.seed import NOW

from staffconsole.app import create_app
from staffconsole.auth.kiosks import add_kiosk
from staffconsole.config import load_settings
from staffconsole.store.schema import ensure_schema, open_db


@pytest.fixture
def settings(tmp_path):
    return load_settings(
        environ={}, overrides={"db_path": str(tmp_path / "app.db"), "watchdog_interval_s": 0.05}
    )


@pytest.fixture
def app_db(settings):
    """A second connection to the app's database, for arranging and asserting."""
    db = open_db(settings.db_path)
    ensure_schema(db)
    yield db
    db.close()


@pytest.fixture
def app(settings):
    """The server core without the console (the console helper tests that part)."""
    return create_app(settings, staff=False)


@pytest.fixture
def client(app):
    """The app in-process with its lifespan running (watchdog started, hub bound)."""
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def token(app_db):
    return add_kiosk(app_db, "Lobby kiosk 1", NOW)


@pytest.fixture
def auth(token):
    return {"Authorization": f"Bearer {token}"}
