"""Screenshots of every kiosk screen for docs/kiosk.md, taken from the real app under Xvfb.

    .venv/bin/python deploy/kiosk_screenshots.py [--out docs/img/kiosk]

The app is the real one, driven by touches through tests/helpers/kiosk_driver.py; the server
is a small stand-in that answers like the console's kiosk API but slowly, so the
"Looking for your appointment…" and "Checking you in…" screens stay up long enough
to be photographed. Receipts go to a simulated printer. Synthetic patients only.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from helpers.kiosk_harness import run_scenario, write_config
from support import free_port, wait_for

from hardware.simulator import SimulatedPrinter

DELAY_S = 1.5  # how long the stand-in takes to answer a look-up or a check-in
MARIA = {"appointment": 1, "display_name": "María O.", "time": "10:30", "provider": "Dr. Lee"}
LIN = {"appointment": 4, "display_name": "Lin N.", "time": "11:00", "provider": "Dr. Ng"}
ANA = [
    {"appointment": 2, "display_name": "Ana N.", "time": "09:00", "provider": "Dr. Lee"},
    {"appointment": 3, "display_name": "Ana N.", "time": "15:30", "provider": "Nurse Kim"},
]


class SlowConsole:
    """Answers /api/v1/kiosk/* after DELAY_S; `console_live` is what heartbeats say."""

    def __init__(self, console_live: bool = True) -> None:
        stand_in = self
        self.console_live = console_live

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
                status, answer = stand_in.answer(self.path.rsplit("/", 1)[-1], body)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, call: str, body: dict) -> tuple[int, dict]:
        if call == "lookup":
            time.sleep(DELAY_S)
            name = body.get("last_name", "").lower()
            if name == "ng":
                return 200, {"matches": [LIN]}
            return 200, {"matches": ANA if name.startswith("n") else [MARIA]}  # Núñez
        if call == "checkin":
            time.sleep(DELAY_S)
            if body.get("appointment") == LIN["appointment"]:
                return 500, {"detail": "database is locked"}  # the arrival's fate unknown
            return 200, {
                "arrival": {
                    **MARIA,
                    "id": 1,
                    "ticket": 12,
                    "arrived_at": "2026-11-22T15:20:00+00:00",
                }
            }
        if call == "events":
            return 200, {"accepted": [e["id"] for e in body["events"]], "duplicate": []}
        return 200, {"server_time": "2026-11-22T15:20:00+00:00", "console_live": self.console_live}

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def start_xvfb() -> tuple[subprocess.Popen, str]:
    for number in range(160, 200):
        if not Path(f"/tmp/.X11-unix/X{number}").exists():
            break
    proc = subprocess.Popen(
        [
            "Xvfb",
            f":{number}",
            "-screen",
            "0",
            "1280x800x24",
            "-ac",
            "+extension",
            "GLX",
            "-nolisten",
            "tcp",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for(lambda: Path(f"/tmp/.X11-unix/X{number}").exists(), timeout=10, what="Xvfb")
    return proc, f":{number}"


def shot(out: Path, name: str) -> dict:
    return {"screenshot": str(out / f"{name}.png")}


def tour(out: Path) -> list[dict]:
    """Every screen of a normal day in English; a check-in in larger text, in Spanish, and
    in Spanish with larger text."""
    s = lambda name: shot(out, name)
    return [
        {"wait_screen": "welcome"},
        s("welcome"),
        {"tap": "start"},
        {"type": "Okafor"},
        s("identify_name"),
        {"tap": "next"},
        {"keypad": "04021980"},
        s("identify_dob"),
        {"tap": "next"},
        {"wait_screen": "looking_up"},
        s("looking_up"),
        {"wait_screen": "confirm", "timeout": 10},
        s("confirm"),
        {"tap": "yes"},
        {"wait_screen": "checking_in"},
        s("checking_in"),
        {"wait_screen": "done", "timeout": 10},
        s("done"),
        {"tap": "report_problem"},
        {"wait_screen": "handoff"},
        s("handoff_reported_problem"),
        {"tap": "finish"},
        {"tap": "start"},
        {"type": "Núñez"},
        {"tap": "next"},
        {"keypad": "06151990"},
        {"tap": "next"},
        {"wait_screen": "choose", "timeout": 10},
        s("choose"),
        {"tap": "none"},
        {"wait_screen": "handoff"},
        s("handoff_not_me"),
        {"tap": "finish"},
        {"tap": "start"},
        {"tap": "use_code"},
        {"type": "QX7-42"},
        s("identify_code"),
        {"tap": "walk_in"},
        {"type": "Seán"},
        {"tap": "field_last_name"},
        {"type": "Ruiz"},
        {"tap": "field_phone"},
        {"keypad": "5550100"},
        s("walk_in"),
        {"tap": "send"},
        {"wait_screen": "handoff"},
        s("handoff_walk_in"),
        {"tap": "finish"},
        {"tap": "start"},
        {"type": "Ok"},  # something typed: a session left with nothing ends quietly
        {"wait_screen": "still_there", "timeout": 10},
        {"sleep": 2},
        s("still_there"),
        {"wait_screen": "handoff", "timeout": 10},
        s("handoff_timed_out"),
        {"tap": "finish"},
        *in_other_looks(s, "en", large=True),
        *in_other_looks(s, "es", large=False),
        {"tap": "lang_es"},
        {"tap": "large_text"},
        {"type": "Okafor"},
        s("identify_name_es_large"),
        {"tap": "next"},
        {"keypad": "02041980"},
        s("identify_dob_es_large"),
        {"tap": "next"},
        {"wait_screen": "confirm", "timeout": 10},
        s("confirm_es_large"),
        {"tap": "help"},
        {"wait_screen": "handoff"},
        s("handoff_help_es_large"),
        {"tap": "finish"},
        {"wait_screen": "welcome"},
    ]


def in_other_looks(s, language: str, large: bool) -> list[dict]:
    """A check-in from name to done in another language or text size."""
    suffix = ("_es" if language == "es" else "") + ("_large" if large else "")
    steps = [{"tap": "start" if language == "en" else "lang_es"}]
    if large:
        steps.append({"tap": "large_text"})
    return [
        *steps,
        {"type": "Okafor"},
        s(f"identify_name{suffix}"),
        {"tap": "next"},
        {"keypad": "04021980" if language == "en" else "02041980"},  # Spanish: day first
        s(f"identify_dob{suffix}"),
        {"tap": "next"},
        {"wait_screen": "confirm", "timeout": 10},
        s(f"confirm{suffix}"),
        {"tap": "yes"},
        {"wait_screen": "done", "timeout": 10},
        s(f"done{suffix}"),
        {"tap": "finish"},
        {"wait_screen": "welcome"},
    ]


def checked(steps: list[dict]) -> list[dict]:
    """Each screenshot followed by the check that no text is clipped on that screen."""
    out = []
    for step in steps:
        out.append(step)
        if "screenshot" in step:
            out.append({"check_fit": True})
    return out


def faults(out: Path) -> list[dict]:
    """No paper, nobody watching the console, and a check-in the server did not confirm."""
    s = lambda name: shot(out, name)
    return [
        {"tap": "start"},
        {"type": "Okafor"},
        {"tap": "next"},
        {"keypad": "04021980"},
        {"tap": "next"},
        {"wait_screen": "confirm", "timeout": 10},
        {"tap": "yes"},
        {"wait_screen": "done", "timeout": 10},
        {"expect_text": "could not print", "timeout": 10},
        s("done_no_receipt"),
        {"tap": "help"},
        {"wait_screen": "handoff"},
        s("handoff_help_no_console"),
        {"tap": "finish"},
        {"tap": "start"},
        {"type": "Ng"},
        {"tap": "next"},
        {"keypad": "01011990"},
        {"tap": "next"},
        {"wait_screen": "confirm", "timeout": 10},
        {"tap": "yes"},
        {"wait_screen": "handoff", "timeout": 15},
        s("handoff_checkin_unconfirmed"),
        {"tap": "finish"},
    ]


def no_status(out: Path) -> list[dict]:
    """A printer that cannot report paper-out: done promises nothing and offers a button."""
    s = lambda name: shot(out, name)
    return [
        {"tap": "start"},
        {"type": "Okafor"},
        {"tap": "next"},
        {"keypad": "04021980"},
        {"tap": "next"},
        {"wait_screen": "confirm", "timeout": 10},
        {"tap": "yes"},
        {"wait_screen": "done", "timeout": 10},
        {"expect_text": "Your slip is printing", "timeout": 10},
        s("done_no_status"),
        {"tap": "slip_not_printed"},
        {"wait_screen": "handoff"},
        s("handoff_slip_not_printed"),
        {"tap": "finish"},
    ]


def offline(out: Path) -> list[dict]:
    return [
        {"tap": "start"},
        {"type": "Okafor"},
        {"tap": "next"},
        {"keypad": "04021980"},
        {"tap": "next"},
        {"wait_screen": "handoff", "timeout": 15},
        shot(out, "handoff_offline"),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(REPO / "docs" / "img" / "kiosk"))
    out = Path(parser.parse_args(argv).out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    xvfb, display = start_xvfb()
    try:
        with tempfile.TemporaryDirectory() as tmp, SimulatedPrinter() as printer:
            work = Path(tmp)
            runs = [
                ("tour", True, "ok", tour, "auto"),
                ("faults", False, "paper_out", faults, "auto"),
                ("no_status", True, "ok", no_status, "none"),
            ]
            for name, live, paper, steps, status in runs:
                console = SlowConsole(console_live=live)
                printer.set_state(paper)
                folder = work / name
                folder.mkdir()
                config = write_config(
                    folder / "kiosk.toml",
                    console.url,
                    "docs",
                    printer=printer.port,
                    printer_status=status,
                    heartbeat_s=1,
                    inactivity_prompt_s=8,
                    countdown_s=4,
                    clinic_name="Riverside Clinic",
                )
                try:
                    run_scenario(display, config, checked(steps(out)), folder)
                finally:
                    console.close()
            folder = work / "offline"
            folder.mkdir()
            config = write_config(
                folder / "kiosk.toml",
                f"http://127.0.0.1:{free_port()}",
                "docs",
                clinic_name="Riverside Clinic",
            )
            run_scenario(display, config, checked(offline(out)), folder)
    finally:
        xvfb.terminate()
        xvfb.wait(10)
    print(f"screenshots in {out}: {', '.join(sorted(p.stem for p in out.glob('*.png')))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
