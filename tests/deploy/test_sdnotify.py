"""sd_notify over a real unix datagram socket, as systemd listens for it."""

from __future__ import annotations

import os
import socket

import pytest

from kiosk import sdnotify


@pytest.fixture(params=["path", "abstract"])
def listener(request, tmp_path):
    """(NOTIFY_SOCKET value, bound socket)."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    if request.param == "path":
        name = str(tmp_path / "notify")
        sock.bind(name)
    else:
        name = f"@seen-test-{os.getpid()}-{id(sock)}"
        sock.bind("\0" + name[1:])
    sock.settimeout(5)
    yield name, sock
    sock.close()


def test_ready_watchdog_stopping_arrive(listener):
    name, sock = listener
    environ = {"NOTIFY_SOCKET": name}
    assert sdnotify.ready(environ) and sdnotify.watchdog(environ) and sdnotify.stopping(environ)
    assert [sock.recv(100) for _ in range(3)] == [b"READY=1", b"WATCHDOG=1", b"STOPPING=1"]


def test_not_under_systemd_nothing_is_sent():
    assert sdnotify.notify("READY=1", {}) is False
    assert sdnotify.notify("READY=1", {"NOTIFY_SOCKET": "relative/path"}) is False


def test_a_vanished_socket_is_not_fatal(tmp_path):
    assert sdnotify.watchdog({"NOTIFY_SOCKET": str(tmp_path / "gone")}) is False


@pytest.mark.parametrize(
    ("environ", "interval"),
    [
        ({"WATCHDOG_USEC": "30000000"}, 15.0),
        ({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": str(os.getpid())}, 15.0),
        ({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"}, None),  # meant for another process
        ({"WATCHDOG_USEC": "soon"}, None),
        ({}, None),
    ],
)
def test_watchdog_interval_is_half_of_watchdogsec(environ, interval):
    assert sdnotify.watchdog_interval(environ) == interval


def test_a_reader_that_does_not_read_never_blocks_the_sender(listener):
    # Linux queues only a few datagrams per unix socket (net.unix.max_dgram_qlen);
    # a blocking send past that would freeze the kiosk's UI loop.
    name, _sock = listener
    sent = [sdnotify.watchdog({"NOTIFY_SOCKET": name}) for _ in range(200)]
    assert sent[0] is True
    assert sent[-1] is False  # dropped, not waited for
