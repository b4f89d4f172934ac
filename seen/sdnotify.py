"""systemd's notify protocol, in a few lines, for kiosk and server. The kiosk: READY=1
once the screen is up, WATCHDOG=1 from the UI loop so a frozen kiosk is restarted
(WatchdogSec= in seen-kiosk.service). The server: WATCHDOG=1 only while its database
takes writes (staffconsole.watch.ready_notify, seen-console.service).

One datagram per message to the unix socket named by $NOTIFY_SOCKET ("@name" is in the
abstract namespace). Without that variable (not under systemd) every call does nothing.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping


def _address(environ: Mapping[str, str]) -> str | None:
    path = environ.get("NOTIFY_SOCKET", "")
    if not path or path[0] not in "/@":
        return None
    return "\0" + path[1:] if path[0] == "@" else path


def notify(message: str, environ: Mapping[str, str] = os.environ) -> bool:
    """Send one message; True when sent. Failure is not fatal: systemd will act on silence."""
    address = _address(environ)
    if address is None:
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            # Never wait: a full queue (Linux keeps only net.unix.max_dgram_qlen datagrams,
            # often 10, for a reader that is slow or gone) would freeze the UI loop that pings.
            sock.setblocking(False)
            sock.sendto(message.encode(), address)
    except OSError:
        return False
    return True


def watchdog_interval(environ: Mapping[str, str] = os.environ) -> float | None:
    """Seconds between WATCHDOG=1 pings (half of WatchdogSec), or None when not asked for."""
    try:
        usec = int(environ.get("WATCHDOG_USEC", ""))
    except ValueError:
        return None
    pid = environ.get("WATCHDOG_PID")
    if usec <= 0 or (pid and pid != str(os.getpid())):
        return None
    return usec / 1_000_000 / 2


def ready(environ: Mapping[str, str] = os.environ) -> bool:
    return notify("READY=1", environ)


def watchdog(environ: Mapping[str, str] = os.environ) -> bool:
    return notify("WATCHDOG=1", environ)


def stopping(environ: Mapping[str, str] = os.environ) -> bool:
    return notify("STOPPING=1", environ)
