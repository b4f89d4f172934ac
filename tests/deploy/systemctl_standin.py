"""A stand-in for systemctl in the install sandbox: systemd is an edge a container cannot
give us, so install.sh --root calls this (through $SEEN_INSTALL_SYSTEMCTL) instead.

It does what the upgrade needs of systemd, for real processes: `start UNIT` runs the
unit's ExecStart from the sandbox's unit file, with its Environment= (a variable this
process already has wins: the test's display is not a KMS screen), and /opt/seen,
/etc/seen and /var/lib/seen moved under the sandbox root (SEEN_SANDBOX_ROOT) - so it
runs whatever venv the /opt/seen/venv symlink points at, as systemd would. For
Type=notify it returns, as systemd does, only once the process sent READY=1 on
NOTIFY_SOCKET, and fails if the process exits first. `stop` ends it with SIGTERM;
`restart`, `disable --now` and `is-active` follow. Every call is logged to
ROOT/systemctl.log; anything else (daemon-reload, enable) is only logged.
"""

from __future__ import annotations

import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(os.environ["SEEN_SANDBOX_ROOT"])
MOVED = ("/opt/seen", "/etc/seen", "/var/lib/seen")
STOP_WAIT_S = 30
START_WAIT_S = 120  # systemd's TimeoutStartSec is 90 s; a loaded test box is slower


def pid_file(unit: str) -> Path:
    return ROOT / "run" / f"{unit}.pid"


def running(unit: str) -> int | None:
    try:
        pid = int(pid_file(unit).read_text())
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, ValueError):
        return None
    return None if state in ("Z", "X") else pid


def moved(word: str) -> str:
    return str(ROOT) + word if word.startswith(MOVED) else word


def service(unit: str) -> list[tuple[str, str]]:
    """The unit's [Service] lines as (key, value), in order."""
    lines, inside = [], False
    for raw in (ROOT / "etc/systemd/system" / unit).read_text().splitlines():
        line = raw.strip()
        if line.startswith("["):
            inside = line == "[Service]"
        elif inside and "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            lines.append((key, value))
    return lines


def exec_start(unit: str) -> list[str]:
    line = next(v for k, v in service(unit) if k == "ExecStart")
    return [moved(w) for w in shlex.split(line)]


def environment(unit: str) -> dict[str, str]:
    env = {"SEEN_DB_PATH": str(ROOT / "var/lib/seen/seen.db")}
    for key, value in service(unit):
        if key == "Environment":
            for item in shlex.split(value):
                name, _, text = item.partition("=")
                env[name] = moved(text)
    return {**env, **os.environ}


def wait_ready(process: subprocess.Popen, sock: socket.socket) -> bool:
    deadline = time.monotonic() + START_WAIT_S
    sock.settimeout(0.5)
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if b"READY=1" in sock.recv(4096).split(b"\n"):
                return True
        except TimeoutError:
            continue
    return False


def start(unit: str) -> int:
    if running(unit):
        return 0
    pid_file(unit).parent.mkdir(exist_ok=True)
    env = environment(unit)
    notify = ("Type", "notify") in service(unit)
    if notify:
        path = ROOT / "run" / f"{unit}.notify"
        path.unlink(missing_ok=True)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(str(path))
        env["NOTIFY_SOCKET"] = str(path)
    with open(ROOT / f"{unit}.log", "ab") as log:
        process = subprocess.Popen(
            exec_start(unit),
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    pid_file(unit).write_text(str(process.pid))
    if not notify:
        return 0  # Type=exec: started once it runs
    with sock:
        if wait_ready(process, sock):
            return 0
    stop(unit)
    return 1  # systemd: "Job for UNIT failed"


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
