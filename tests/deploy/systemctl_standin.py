"""A stand-in for systemctl in the install sandbox: systemd is an edge a container cannot
give us, so install.sh --root calls this (through $SEEN_INSTALL_SYSTEMCTL) instead.

It does what the upgrade needs of systemd, for real processes: `start UNIT` runs the
unit's ExecStart from the sandbox's unit file with /opt/seen, /etc/seen and /var/lib/seen
moved under the sandbox root (SEEN_SANDBOX_ROOT) - so it runs whatever venv the
/opt/seen/venv symlink points at, as systemd would; `stop` ends it with SIGTERM, as
systemd does; `restart`, `disable --now` and `is-active` follow. Every call is logged
to ROOT/systemctl.log. Anything else (daemon-reload, enable) is only logged.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(os.environ["SEEN_SANDBOX_ROOT"])
MOVED = ("/opt/seen", "/etc/seen", "/var/lib/seen")
STOP_WAIT_S = 30


def pid_file(unit: str) -> Path:
    return ROOT / "run" / f"{unit}.pid"


def running(unit: str) -> int | None:
    try:
        pid = int(pid_file(unit).read_text())
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, ValueError):
        return None
    return None if state in ("Z", "X") else pid


def exec_start(unit: str) -> list[str]:
    text = (ROOT / "etc/systemd/system" / unit).read_text()
    line = next(v for v in text.splitlines() if v.startswith("ExecStart="))
    words = shlex.split(line.removeprefix("ExecStart="))
    return [str(ROOT) + w if w.startswith(MOVED) else w for w in words]


def start(unit: str) -> int:
    if running(unit):
        return 0
    pid_file(unit).parent.mkdir(exist_ok=True)
    env = {**os.environ, "SEEN_DB_PATH": str(ROOT / "var/lib/seen/seen.db")}
    with open(ROOT / f"{unit}.log", "ab") as log:
        process = subprocess.Popen(
            exec_start(unit),
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    pid_file(unit).write_text(str(process.pid))
    return 0  # Type=exec: started once it runs


def stop(unit: str) -> int:
    pid = running(unit)
    if pid:
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_WAIT_S
        while running(unit) and time.monotonic() < deadline:
            time.sleep(0.1)
        if running(unit):
            os.kill(pid, signal.SIGKILL)
    pid_file(unit).unlink(missing_ok=True)
    return 0


def main(args: list[str]) -> int:
    with open(ROOT / "systemctl.log", "a") as log:
        log.write(" ".join(args) + "\n")
    verb, units = args[0], [a for a in args[1:] if not a.startswith("-")]
    if verb == "start":
        return max(start(u) for u in units)
    if verb == "stop" or (verb == "disable" and "--now" in args):
        return max(stop(u) for u in units)
    if verb == "restart":
        return max(stop(u) or start(u) for u in units)
    if verb == "is-active":
        return 0 if all(running(u) for u in units) else 3
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
