"""The console server feeds systemd's watchdog only while its database takes writes.

Real parts: `staffconsole serve` as a process with NOTIFY_SOCKET naming a real unix
datagram socket the test reads (as systemd would), and WATCHDOG_USEC asking for pings;
the write lock held by another real SQLite connection.
"""

from __future__ import annotations

import socket
import sqlite3
import tempfile
from pathlib import Path

import pytest
from support import start_server

from staffconsole.watch.ready_notify import messages


def test_messages_send_status_only_on_change_and_watchdog_only_when_ready():
    assert messages(None, "unknown") == ["STATUS=ready", "WATCHDOG=1"]
    assert messages(None, None) == ["WATCHDOG=1"]
    assert messages("database is locked", None) == ["STATUS=database is locked"]
    assert messages("database is locked", "database is locked") == []


@pytest.mark.e2e
def test_no_watchdog_ping_while_the_write_lock_is_held(tmp_path):
    # A short directory: unix socket paths are limited to about 100 bytes.
    with tempfile.TemporaryDirectory(dir="/tmp") as short:
        path = str(Path(short) / "notify")
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as listener:
            listener.bind(path)
            listener.settimeout(30)  # a bound on waiting for a datagram, not a timing claim
            env = {"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "400000"}
            server = start_server(tmp_path, env=env)
            try:
                received = lambda: listener.recv(4096).decode()

                def until(wanted: str) -> None:
                    while received() != wanted:
                        pass

                until("WATCHDOG=1")
                holder = sqlite3.connect(server.db, isolation_level=None)
                try:
                    holder.execute("BEGIN IMMEDIATE")
                    until("STATUS=database is locked")
                    # Probes go on every 0.2 s while the lock is still held: the
                    # status is not repeated and no ping is sent, so nothing arrives.
                    listener.settimeout(1.0)
                    with pytest.raises(TimeoutError):
                        received()
                    listener.settimeout(30)
                finally:
                    holder.execute("ROLLBACK")
                    holder.close()
                assert received() == "STATUS=ready"
                assert received() == "WATCHDOG=1"
            finally:
                server.stop()


def test_the_console_unit_asks_for_the_watchdog_and_accepts_the_servers_pings():
    unit = (Path(__file__).parents[2] / "deploy/raspberry-pi/seen-console.service").read_text()
    lines = set(unit.splitlines())
    assert "NotifyAccess=main" in lines  # Type=exec: without it systemd drops the pings
    assert any(line.startswith("WatchdogSec=") for line in lines)
