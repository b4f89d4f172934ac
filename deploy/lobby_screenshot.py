"""A screenshot of the lobby display in a busy hour for docs/console.md.

    .venv/bin/python deploy/lobby_screenshot.py [--out docs/img/lobby-display.png]

A real server (uvicorn) on a seeded day: a morning of patients seen, 28 arrivals in the
last 70 minutes of whom 16 were called in to three rooms, 20 to 30 minutes after they
arrived (so each provider runs late), 12 still waiting. The display is a 1920×1080
Chromium page set up from its token, as on the wall. Synthetic patients only.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from helpers.lobby import clinic_at_midday, seed_lobby
from support import CHROMIUM, CHROMIUM_ARGS, start_server

from staffconsole.clock import ClinicZone
from staffconsole.store.calls import call_in
from staffconsole.store.schema import open_db

ROOMS = ("Room 1", "Room 3", "Desk A")
WAITING = [(70 - 2 * i, 75 - 2 * i) for i in range(28)]
CALLED = 16


def seed(db: Path, zone_name: str) -> None:
    now = datetime.now(UTC)
    lobby = seed_lobby(db, ClinicZone(zone_name), now, waiting=WAITING, seen=40, called_in=6)
    conn = open_db(db)
    try:
        for i, patient in enumerate(lobby.having("waiting")[:CALLED]):
            at = min(patient.arrived + timedelta(minutes=20 + 5 * (i % 3)), now)
            call_in(conn, patient.arrival, ROOMS[i % 3], "ana", at, ROOMS)
    finally:
        conn.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=str(REPO / "docs" / "img" / "lobby-display.png"))
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="lobby-shot-") as tmp:
        work = Path(tmp)
        zone_name = clinic_at_midday()
        seed(work / "seen.db", zone_name)
        env = {
            "SEEN_CLINIC_TIMEZONE": zone_name,
            "SEEN_LOBBY_ROOMS": ", ".join(ROOMS),
            "SEEN_LONG_WAIT_MIN": "1000",
        }
        server = start_server(work, db=work / "seen.db", env=env)
        try:
            token = server.cli("display", "add", "Waiting room").stdout.strip().splitlines()[-1]
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1920, "height": 1080})
                page.goto(f"{server.url}/lobby/default#token={token}")
                page.locator("body.live").wait_for()
                page.locator("#waits tr").first.wait_for()
                page.evaluate("document.getElementById('sound-on').hidden = true")
                page.screenshot(path=args.out)
                browser.close()
        finally:
            server.stop()
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
