"""`make demo`: a whole lobby on one machine, with synthetic patients only.

Seeds .demo/seen.db with today's appointments, a staff login and a kiosk, then
starts the server, a simulated receipt printer and the kiosk window, prints the
console URL and login, and stops everything on Ctrl-C.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEMO = Path(os.environ.get("SEEN_DEMO_DIR", REPO / ".demo"))
BIN = Path(sys.executable).parent
HOST, PORT = "127.0.0.1", int(os.environ.get("SEEN_DEMO_PORT", "8400"))
STAFF_USER, STAFF_PASSWORD = "demo", "lobby kiosk trial"

# Synthetic patients: names chosen to exercise accents, apostrophes, hyphens, length.
PATIENTS = [
    ("Maria", "Okafor", "1980-02-04", "Dr. Lee"),
    ("Zoë", "O'Brien-Núñez", "1957-11-30", "Dr. Lee"),
    ("Łukasz", "Kowalski", "1991-06-15", "Dr. Patel"),
    ("Jean-Luc", "Dupont", "1949-03-08", "Dr. Patel"),
    ("Aroha", "Te Rangi", "2001-12-24", "Nurse Kim"),
    ("Bartholomew", "Featherstonehaugh-Wolfeschlegel", "1968-07-19", "Dr. Lee"),
    ("Siobhán", "Ní Bhriain", "1975-05-05", "Nurse Kim"),
    ("Maria", "Okafor", "1962-09-01", "Dr. Patel"),
]


def write_schedule(path: Path, today: dt.date) -> None:
    start = dt.datetime.combine(today, dt.time(8, 30))
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["external_id", "first_name", "last_name", "dob", "start", "provider", "code"])
        for i, (first, last, dob, provider) in enumerate(PATIENTS):
            at = start + dt.timedelta(minutes=45 * i)
            w.writerow(
                [
                    f"demo-{today:%Y%m%d}-{i + 1}",
                    first,
                    last,
                    dob,
                    at.strftime("%Y-%m-%dT%H:%M"),
                    provider,
                    f"A{101 + i}",
                ]
            )


def cli(*args: str, input: str | None = None) -> str:
    proc = subprocess.run(
        [str(BIN / "staffconsole"), *args, "--db", str(DEMO / "seen.db")],
        input=input,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode not in (0,):
        sys.exit(f"demo: staffconsole {' '.join(args)} failed:\n{proc.stderr}")
    return proc.stdout


def seed() -> str:
    """Fresh demo database; returns the kiosk token."""
    if DEMO.exists():
        shutil.rmtree(DEMO)
    DEMO.mkdir()
    schedule = DEMO / "schedule.csv"
    write_schedule(schedule, dt.date.today())
    cli("import-schedule", str(schedule))
    cli("user", "add", STAFF_USER, "--role", "admin", input=STAFF_PASSWORD + "\n")
    return cli("kiosk", "add", "Lobby kiosk 1").strip().splitlines()[-1]


def start_display(children: list) -> dict:
    """The kiosk needs a screen: use ours, or a virtual one on a headless machine."""
    env = dict(os.environ)
    if env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"):
        return env
    if not shutil.which("Xvfb"):
        sys.exit("demo: no display and no Xvfb; install xvfb or run from a desktop session")
    display = ":77"
    children.append(
        subprocess.Popen(
            ["Xvfb", display, "-screen", "0", "1280x800x24", "-ac", "+extension", "GLX"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    )
    time.sleep(1)
    env["DISPLAY"] = display
    print(
        f"No screen here: the kiosk window runs on virtual display {display} "
        f"(look at it with: DISPLAY={display} xwd -root | convert xwd:- kiosk.png)."
    )
    return env


def main() -> int:
    # Started from a background shell job, Python inherits SIGINT ignored and Ctrl-C
    # (or a test's SIGINT) would never stop the demo: take it back.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    token = seed()
    children: list[subprocess.Popen] = []
    logs = contextlib.ExitStack()

    def log(name: str):
        return logs.enter_context(open(DEMO / name, "wb"))

    try:
        server = subprocess.Popen(
            [
                str(BIN / "staffconsole"),
                "serve",
                "--db",
                str(DEMO / "seen.db"),
                "--host",
                HOST,
                "--port",
                str(PORT),
            ],
            stdout=log("server.log"),
            stderr=subprocess.STDOUT,
        )
        children.append(server)

        # Faults are flipped from another terminal through this FIFO (see the banner).
        control = DEMO / "printer-control"
        printer = subprocess.Popen(
            [sys.executable, "-m", "hardware.simulator", "--control", str(control)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log("printer.log"),
            text=True,
        )
        children.append(printer)
        port = printer.stdout.readline().strip()
        if not port:
            sys.exit("demo: the simulated printer did not start; see .demo/printer.log")

        config = DEMO / "kiosk.toml"
        config.write_text(
            "[kiosk]\n"
            f'server_url = "http://{HOST}:{PORT}"\n'
            f'token = "{token}"\n'
            f'outbox_path = "{DEMO / "kiosk-outbox.db"}"\n'
            f'printer = "{port}"\n'
            'clinic_name = "Seen Demo Clinic"\n'
            "fullscreen = false\n",
            encoding="utf-8",
        )
        env = start_display(children)
        kiosk = subprocess.Popen(
            [str(BIN / "kiosk"), "run", "--config", str(config)],
            env=env,
            stdout=log("kiosk.log"),
            stderr=subprocess.STDOUT,
        )
        children.append(kiosk)

        print()
        print(f"  Staff console:  http://{HOST}:{PORT}/console")
        print(f"  Login:          {STAFF_USER} / {STAFF_PASSWORD}")
        print(f"  Kiosk config:   {config}")
        print(f"  Printer (sim):  {port}  (receipts in {DEMO / 'printer.log'})")
        print(f"  Printer faults: echo paper_out > {control}")
        print(
            "                  (or ok, paper_near_end, cover_open, offline, error, unplug, "
            "replug); the console shows it within a heartbeat"
        )
        print("  Try: last name 'Okafor', date of birth 02/04/1980 — or tap 'I need help'.")
        print("  Or the appointment code A101 (typed after 'I have an appointment code').")
        print("  Ctrl-C stops everything.")
        print()
        while all(c.poll() is None for c in children):
            time.sleep(0.5)
        for c in children:
            if c.poll() is not None:
                print(f"demo: {c.args[0]} exited with {c.returncode}; logs in .demo/")
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        for c in reversed(children):
            if c.poll() is None:
                c.send_signal(signal.SIGTERM)
        for c in children:
            try:
                c.wait(5)
            except subprocess.TimeoutExpired:
                c.kill()
                c.wait(5)  # reap it, so nothing is left behind
        logs.close()


if __name__ == "__main__":
    raise SystemExit(main())
