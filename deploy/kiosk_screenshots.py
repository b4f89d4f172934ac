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
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib
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
            if name == "xu":
                return 200, {"matches": []}  # "please check what you typed"
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


# The gallery of every screen in Spanish with larger text: written at half size.
GALLERY: set[str] = set()


def gallery_shot(out: Path, name: str) -> dict:
    GALLERY.add(name)
    return shot(out, name)


def es_large() -> list[dict]:
    return [{"wait_screen": "welcome"}, {"tap": "lang_es"}, {"tap": "large_text"}]


def gallery(out: Path) -> list[dict]:
    """Beyond the check-in path: every other screen in Spanish with larger text."""
    g = lambda name: gallery_shot(out, f"{name}_es_large")
    return [
        *es_large(),
        {"tap": "use_code"},
        {"type": "QX7-42"},
        g("identify_code"),
        {"tap": "walk_in"},
        {"type": "Seán"},
        {"tap": "field_last_name"},
        {"type": "Ruiz"},
        {"tap": "field_phone"},
        {"keypad": "5550100"},
        g("walk_in"),
        {"tap": "send"},
        {"wait_screen": "handoff"},
        g("handoff_walk_in"),
        {"tap": "finish"},
        *es_large(),
        {"type": "Núñez"},
        {"tap": "next"},
        {"keypad": "15061990"},
        {"tap": "next"},
        {"wait_screen": "looking_up"},
        g("looking_up"),
        {"wait_screen": "choose", "timeout": 10},
        g("choose"),
        {"tap": "none"},
        {"wait_screen": "handoff"},
        g("handoff_not_me"),
        {"tap": "finish"},
        *es_large(),
        {"type": "Xu"},
        {"tap": "next"},
        {"keypad": "02041980"},
        {"tap": "next"},
        {"wait_screen": "check_typed", "timeout": 10},
        g("check_typed"),
        {"tap": "get_help"},
        {"wait_screen": "handoff"},
        {"tap": "finish"},
        *es_large(),
        {"type": "Okafor"},
        {"tap": "next"},
        {"keypad": "02041980"},
        {"tap": "next"},
        {"wait_screen": "confirm", "timeout": 10},
        {"tap": "yes"},
        {"wait_screen": "checking_in"},
        g("checking_in"),
        {"wait_screen": "done", "timeout": 10},
        g("done"),
        {"tap": "report_problem"},
        {"wait_screen": "handoff"},
        g("handoff_reported_problem"),
        {"tap": "finish"},
        *es_large(),
        {"type": "Ok"},
        {"wait_screen": "still_there", "timeout": 15},
        {"sleep": 2},
        g("still_there"),
        {"wait_screen": "handoff", "timeout": 10},
        g("handoff_timed_out"),
        {"tap": "finish"},
        {"wait_screen": "welcome"},
    ]


def read_png(path: Path) -> tuple[int, int, int, bytes]:
    """(width, height, channels, raw pixel rows) of an 8-bit RGB or RGBA PNG, unfiltered."""
    data = path.read_bytes()
    pos, idat, header = 8, b"", None
    while pos < len(data):
        (size,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + size]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + size
    width, height, depth, colour, _c, _f, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace:
        raise ValueError(f"{path}: not an 8-bit RGB(A) PNG without interlacing")
    channels = 4 if colour == 6 else 3
    stride = width * channels
    raw, out, prior = zlib.decompress(idat), bytearray(), bytearray(stride)
    for row in range(height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):  # the five PNG filters
            left = line[i - channels] if i >= channels else 0
            up = prior[i]
            corner = prior[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                pred = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + pred) & 255
        out += line
        prior = line
    return width, height, channels, bytes(out)


def halve(path: Path) -> None:
    """Rewrite a screenshot at half its width and height (an RGB PNG): a gallery picture
    needs no more, and the repository stays small."""
    width, height, channels, pixels = read_png(path)
    w, h, stride = width // 2, height // 2, width * channels
    rows = bytearray()
    for y in range(h):
        rows.append(0)  # filter: none
        top, bottom = 2 * y * stride, (2 * y + 1) * stride
        for x in range(w):
            a, b = top + 2 * x * channels, bottom + 2 * x * channels
            for c in range(3):
                total = pixels[a + c] + pixels[a + channels + c]
                total += pixels[b + c] + pixels[b + channels + c]
                rows.append((total + 2) // 4)

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + chunk(b"IEND", b"")
    )


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
        *gallery(out),
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


def check_in_es_large() -> list[dict]:
    return [
        *es_large(),
        {"type": "Okafor"},
        {"tap": "next"},
        {"keypad": "02041980"},
        {"tap": "next"},
        {"wait_screen": "confirm", "timeout": 10},
        {"tap": "yes"},
        {"wait_screen": "done", "timeout": 10},
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
        *check_in_es_large(),
        {"expect_text": "no se pudo imprimir", "timeout": 10},
        gallery_shot(out, "done_no_receipt_es_large"),
        {"tap": "finish"},
        *es_large(),
        {"type": "Ng"},
        {"tap": "next"},
        {"keypad": "01011990"},
        {"tap": "next"},
        {"wait_screen": "confirm", "timeout": 10},
        {"tap": "yes"},
        {"wait_screen": "handoff", "timeout": 15},
        gallery_shot(out, "handoff_checkin_unconfirmed_es_large"),
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
        *check_in_es_large(),
        {"expect_text": "se está imprimiendo", "timeout": 10},
        gallery_shot(out, "done_no_status_es_large"),
        {"tap": "slip_not_printed"},
        {"wait_screen": "handoff"},
        gallery_shot(out, "handoff_slip_not_printed_es_large"),
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
        {"tap": "finish"},
        *es_large(),
        {"type": "Okafor"},
        {"tap": "next"},
        {"keypad": "02041980"},
        {"tap": "next"},
        {"wait_screen": "handoff", "timeout": 15},
        gallery_shot(out, "handoff_offline_es_large"),
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
    for name in sorted(GALLERY):
        halve(out / f"{name}.png")
    print(f"screenshots in {out}: {', '.join(sorted(p.stem for p in out.glob('*.png')))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
