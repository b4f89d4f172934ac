"""The two engines behind one store: embedded SQLite (a path) or PostgreSQL (a URL).

Store modules write SQL once, with `?` placeholders, and run it through `Database`;
this module is the dialect seam. The connection is in autocommit and `write`
(store/schema.py) opens the transaction by hand, so a read never waits for a writer
and SQLite's `BEGIN IMMEDIATE` stays the way a writer takes the lock up front.
Driver errors are raised as the driver's own exceptions (sqlite3 or psycopg).
"""

from __future__ import annotations

import functools
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Self

import psycopg
from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

BUSY_TIMEOUT_MS = 10_000
SQLITE = "sqlite"
POSTGRESQL = "postgresql"
# What a caller catches for "the database is unreachable or busy", on either engine.
OPERATIONAL_ERRORS = (sqlite3.OperationalError, psycopg.OperationalError)
DRIVER_ERRORS = (sqlite3.Error, psycopg.Error)


class DatabaseError(Exception):
    """The database could not be opened or is from a newer version of Seen."""


def is_url(target: str | Path) -> bool:
    return "://" in str(target)


def sqlite_path(target: str | Path) -> Path | None:
    """The file of an SQLite target (a path or sqlite:///PATH); None for PostgreSQL."""
    text = str(target)
    if text.startswith("sqlite:///"):
        return Path(text[len("sqlite:///") :])
    return None if is_url(text) else Path(text)


def engine_name(target: str | Path) -> str:
    text = str(target)
    if text.startswith(("postgresql://", "postgresql+psycopg://", "postgres://")):
        return POSTGRESQL
    if is_url(text) and not text.startswith("sqlite:///"):
        raise DatabaseError(
            f"unknown database URL {text.split('://')[0]}://… (use a path or postgresql://)"
        )
    return SQLITE


def _sqlite_engine(path: str) -> Engine:
    engine = create_engine(
        f"sqlite:///{path}",
        poolclass=NullPool,  # one connection per request, closed after it, as before
        isolation_level="AUTOCOMMIT",
        # check_same_thread=False: FastAPI may run a request's dependency and handler in
        # different worker threads; each connection still serves one request at a time.
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record) -> None:
        dbapi_conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if path != ":memory:":
            dbapi_conn.execute("PRAGMA journal_mode = WAL")
        dbapi_conn.execute("PRAGMA synchronous = FULL")
        dbapi_conn.execute("PRAGMA foreign_keys = ON")

    return engine


def _postgresql_engine(url: str) -> Engine:
    url = re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", url)
    return create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")


@functools.lru_cache(maxsize=64)
def _engine(target: str) -> Engine:
    if engine_name(target) == POSTGRESQL:
        return _postgresql_engine(target)
    return _sqlite_engine(str(sqlite_path(target)))


class Database:
    """One connection to the store, for one request or one thread."""

    def __init__(self, conn: Connection, dialect: str) -> None:
        self.core = conn  # SQLAlchemy Core, for code that builds statements
        self.dialect = dialect
        self.conn = conn.connection.dbapi_connection  # the driver's (sqlite3 or psycopg)

    @property
    def in_transaction(self) -> bool:
        if self.dialect == SQLITE:
            return self.conn.in_transaction
        return self.conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE

    def execute(self, sql: str, params=()):
        """Run one statement; the result has fetchone/fetchall/rowcount (use RETURNING for ids)."""
        if self.dialect == POSTGRESQL:
            sql = _to_format_style(sql)
        try:
            return self.core.exec_driver_sql(sql, tuple(params))
        except DBAPIError as e:
            raise e.orig from None

    def query(self, sql: str, params=()) -> Iterator[dict]:
        """The rows of a query as dicts."""
        for row in self.execute(sql, params).mappings():
            yield dict(row)

    def table_names(self) -> list[str]:
        return inspect(self.core).get_table_names()

    def column_names(self, table: str) -> set[str]:
        return {column["name"] for column in inspect(self.core).get_columns(table)}

    def begin(self, *, write: bool) -> None:
        lock = " IMMEDIATE" if write and self.dialect == SQLITE else ""
        self.execute(f"BEGIN{lock}")

    def commit(self) -> None:
        self.execute("COMMIT")

    def rollback(self) -> None:
        if self.in_transaction:
            self.execute("ROLLBACK")

    def close(self) -> None:
        self.core.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


def open_db(target: str | Path) -> Database:
    """A connection for one request or one thread: a path or sqlite:/// URL, or postgresql://."""
    name = engine_name(target)
    try:
        conn = _engine(str(target)).connect()
    except DBAPIError as e:
        shown = str(target).split("@")[-1]  # never the password of a URL
        raise DatabaseError(f"cannot open database {shown}: {e.orig}") from None
    return Database(conn, name)


def _to_format_style(sql: str) -> str:
    """`?` placeholders to psycopg's `%s` (and a literal % doubled)."""
    return sql.replace("%", "%%").replace("?", "%s")


# The dialect seam: the few expressions the two engines spell differently.


def json_field(db: Database, column: str, key: str) -> str:
    """SQL for one top-level field of a JSON text column, as text (NULL if absent)."""
    if db.dialect == POSTGRESQL:
        return f"({column}::jsonb ->> '{key}')"
    return f"CAST(json_extract({column}, '$.{key}') AS TEXT)"


def seconds_between(db: Database, later: str, earlier: str) -> str:
    """SQL for the seconds from one ISO timestamp column to another."""
    if db.dialect == POSTGRESQL:
        return f"EXTRACT(EPOCH FROM ({later}::timestamptz - {earlier}::timestamptz))"
    return f"(julianday({later}) - julianday({earlier})) * 86400.0"
