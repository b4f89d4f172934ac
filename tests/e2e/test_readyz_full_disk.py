"""A full disk fails /readyz on a real server; /healthz stays liveness (issue 16).

Real parts: `staffconsole serve` as a process with its database on a small tmpfs mounted
for the test (CI runs as root; elsewhere the test fails saying why), filled by a real
file until the kernel answers ENOSPC, then emptied again.
"""

from __future__ import annotations

import errno
import subprocess

import httpx
import pytest
from helpers.full_disk import small_tmpfs
from support import start_server, wait_for

from staffconsole.store.readiness import probe
from staffconsole.store.schema import ensure_schema, open_db

pytestmark = pytest.mark.e2e


def fill(directory) -> None:
    """Write a file until the filesystem is full."""
    with open(directory / "filler", "wb") as out:
        try:
            while True:
                out.write(b"\0" * 65536)
                out.flush()
        except OSError as e:
            assert e.errno == errno.ENOSPC, e


def answer(server, status: int):
    response = httpx.get(f"{server.url}/readyz", timeout=10)
    return response if response.status_code == status else None


def test_full_disk_fails_readyz_but_not_healthz_and_recovers(tmp_path):
    sd = tmp_path / "sd"
    sd.mkdir()
    with small_tmpfs(sd, "8m"):
        server = start_server(tmp_path, db=sd / "seen.db")
        try:
            ready = httpx.get(f"{server.url}/readyz", timeout=10)
            assert (ready.status_code, ready.text) == (200, "ready")
            fill(sd)
            # /readyz probes at most once a second: the full disk shows within that.
            full = wait_for(lambda: answer(server, 503), what="/readyz to see the full disk")
            assert full.text == "database disk is full"
            alive = httpx.get(f"{server.url}/healthz", timeout=10)
            assert (alive.status_code, alive.json()["ok"]) == (200, True)
            (sd / "filler").unlink()
            freed = wait_for(lambda: answer(server, 200), what="/readyz to see the room")
            assert freed.text == "ready"
        finally:
            server.stop()


def test_a_read_only_mount_is_read_only(tmp_path):
    """The SD card remounted read-only (as the kernel does after I/O errors)."""
    sd = tmp_path / "sd"
    sd.mkdir()
    with small_tmpfs(sd, "4m"):
        db = open_db(sd / "seen.db")
        ensure_schema(db)
        db.close()
        assert probe(sd / "seen.db") is None
        subprocess.run(["mount", "-o", "remount,ro", str(sd)], check=True)
        assert probe(sd / "seen.db") == "database is read-only"
