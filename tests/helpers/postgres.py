"""A throwaway PostgreSQL cluster for tests: Debian's server, a tmp dir, a unix socket.

One cluster per test session (per xdist worker); each test gets its own database,
copied from a template that already holds the schema (a file copy, fast). fsync is off:
these clusters hold nothing that must survive the machine. PostgreSQL refuses to run
as root, so as root (CI) the server runs as the `postgres` user.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg

SUPERUSER = "postgres"
TEMPLATE = "seen_template"
FAST = (
    "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
    "-c listen_addresses='' -c max_connections=200 -c shared_buffers=32MB"
)


class PostgresMissing(Exception):
    """Debian's postgresql package is not installed (make test installs it)."""


def server_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise PostgresMissing(
            "PostgreSQL is not installed: run `make test` (it installs the system packages)"
        )
    return Path(found[-1]).parent


class Cluster:
    """A running cluster in `root`, reached through the socket in that same folder."""

    def __init__(self) -> None:
        self.bin = server_bin()
        self.root = Path(tempfile.mkdtemp(prefix="seen-pg-"))
        self.data = self.root / "data"
        self.as_root = os.getuid() == 0
        self.numbers = itertools.count(1)
        self.templated = False
        if self.as_root:
            shutil.chown(self.root, SUPERUSER, SUPERUSER)

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if self.as_root:
            command = ["runuser", "-u", SUPERUSER, "--", *command]
        done = subprocess.run(command, check=False, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{program} failed ({done.returncode}): {done.stderr[-2000:]}")

    def start(self) -> Cluster:
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        options = f"{FAST} -c unix_socket_directories='{self.root}' -k {self.root}"
        log = self.root / "server.log"
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(log), "-w", "-t", "60", "-o", options, "start"
        )
        return self

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql://{SUPERUSER}@/{database}?host={self.root}"

    def admin(self) -> psycopg.Connection:
        return psycopg.connect(
            host=str(self.root), user=SUPERUSER, dbname="postgres", autocommit=True
        )

    def has_template(self) -> bool:
        return self.templated

    def make_template(self, fill) -> None:
        """The template database, filled once by fill(url) (the schema's migrations)."""
        with self.admin() as conn:
            conn.execute(f"CREATE DATABASE {TEMPLATE}")
        fill(self.url(TEMPLATE))
        self.templated = True

    def new_database(self, *, empty: bool = False) -> str:
        """A database of its own for one test: a copy of the template, or empty."""
        name = f"test_{next(self.numbers)}"
        template = "template0" if empty else TEMPLATE
        with self.admin() as conn:
            conn.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
        return name

    def drop(self, name: str) -> None:
        with self.admin() as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
