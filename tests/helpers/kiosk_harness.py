"""Run a kiosk UI scenario in its own process (one Kivy App per process) and read its result.

`run_scenario(display, config_path, steps, tmp_path) -> dict` is for any test file,
including the end-to-end tests: it raises AssertionError with the driver's report
when a step fails.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from support import REPO, kivy_env

DRIVER = Path(__file__).resolve().parent / "kiosk_driver.py"
ARTIFACTS = REPO / "test-artifacts" / "kiosk"


def write_config(
    path: Path, server_url: str, token: str, printer: str = "none", **settings
) -> Path:
    """A kiosk TOML for tests: a 1280x800 window, the outbox beside the file."""
    values = {
        "server_url": server_url,
        "token": token,
        "printer": printer,
        "fullscreen": False,
        "window_size": "1280x800",
        "outbox_path": str(path.parent / "outbox.db"),
        **settings,
    }
    lines = ["[kiosk]"] + [f"{key} = {json.dumps(value)}" for key, value in values.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


def run_scenario(
    display: str,
    config_path: Path,
    steps: list[dict],
    tmp_path: Path,
    timeout: float = 150,
    check: bool = True,
) -> dict:
    """Play steps against the real app under display; the driver's JSON result."""
    steps_file = tmp_path / "steps.json"
    result_file = tmp_path / "result.json"
    result_file.unlink(missing_ok=True)
    steps_file.write_text(json.dumps(steps))
    home = tmp_path / "kivy-home"
    home.mkdir(exist_ok=True)
    proc = subprocess.run(
        [sys.executable, str(DRIVER), str(config_path), str(steps_file), str(result_file)],
        env=kivy_env(display, home),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if not result_file.exists():
        raise AssertionError(
            f"kiosk driver exited {proc.returncode} without a result\n"
            f"stderr:\n{proc.stderr[-4000:]}"
        )
    result = json.loads(result_file.read_text())
    result["returncode"] = proc.returncode
    result["stderr"] = proc.stderr
    if check and not result["ok"]:
        raise AssertionError(
            f"kiosk scenario failed at step {result['steps_done']} "
            f"{result['failed_step']}: {result['error']}\n"
            f"screen {result['screen']!r} showed {result['texts']}\n"
            f"stderr:\n{proc.stderr[-3000:]}"
        )
    return result


def open_alerts(server, kind):
    """The server's open alerts of one kind, through its own command line."""
    lines = server.cli("alerts", "--json").stdout.splitlines()
    alerts = [json.loads(line) for line in lines if line.strip()]
    return [a for a in alerts if a.get("kind") == kind]


def handoffs(server) -> list[dict]:
    """The data of every session.handed_off event the server received, in order."""
    db = sqlite3.connect(server.db)
    try:
        rows = db.execute(
            "SELECT data FROM events WHERE type = 'session.handed_off' ORDER BY received_at, rowid"
        ).fetchall()
    finally:
        db.close()
    return [json.loads(data) for (data,) in rows]
