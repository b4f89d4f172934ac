"""Schema 5: API tokens gain the `metrics` scope; a database at 4 keeps its tokens working."""

from __future__ import annotations

import sqlite3

import pytest
from helpers.seed import NOW

from staffconsole.auth import api_tokens
from staffconsole.store import migrate, schema


def at_version_4(path) -> schema.Database:
    db = schema.open_db(path)
    with schema.write(db):
        for target in range(1, 5):
            for statement in schema.MIGRATIONS[target]:
                if not migrate._column_exists(db.core, statement):
                    db.execute(statement)
        db.execute("PRAGMA user_version = 4")
    return db


def test_a_push_token_made_at_4_still_works_and_metrics_tokens_can_be_made(tmp_path):
    db = at_version_4(tmp_path / "old.db")
    token = api_tokens.add_token(db, "Acme PMS", "push", NOW)
    with pytest.raises(sqlite3.IntegrityError):  # the old CHECK: push only
        db.execute(
            "INSERT INTO api_tokens (name, token_hash, scope, created_at) VALUES (?, ?, ?, ?)",
            ["scraper", "h", "metrics", "2026-01-01T00:00:00Z"],
        )
    schema.ensure_schema(db)
    assert schema.schema_version(db) == schema.SCHEMA_VERSION
    kept = api_tokens.token_for(db, token)
    assert (kept["name"], kept["scope"], kept["revoked_at"]) == ("Acme PMS", "push", None)
    scraper = api_tokens.add_token(db, "prometheus", "metrics", NOW)
    assert api_tokens.token_for(db, scraper)["scope"] == "metrics"
    with pytest.raises(sqlite3.IntegrityError):  # still only the known scopes
        db.execute(
            "INSERT INTO api_tokens (name, token_hash, scope, created_at) VALUES (?, ?, ?, ?)",
            ["x", "h2", "admin", "2026-01-01T00:00:00Z"],
        )
