"""Fixtures for the report: a file database holding a seeded week of synthetic sessions."""

from __future__ import annotations

import pytest
from report.week import seed_week

from staffconsole.schema import ensure_schema, open_db


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
