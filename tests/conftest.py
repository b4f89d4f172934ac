"""Fixtures shared by every test area: real processes, real displays, real browsers.

Fixtures of one package's tests live in the conftest.py of its folder; plain helpers in
tests/support.py and tests/helpers/. process_guard fails any test that starts a real
process without the e2e mark.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from support import CHROMIUM, CHROMIUM_ARGS, start_server, wait_for

pytest_plugins = ["process_guard"]


@pytest.fixture
def live_server(tmp_path):
    server = start_server(tmp_path)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def xvfb_display():
    """A private Xvfb display for Kivy windows; yields the DISPLAY value."""
    if not shutil.which("Xvfb"):
        pytest.fail("Xvfb is not installed: run `make test` (it installs the system packages)")
    for number in range(90, 140):
        if (
            not Path(f"/tmp/.X{number}-lock").exists()
            and not Path(f"/tmp/.X11-unix/X{number}").exists()
        ):
            break
    display = f":{number}"
    proc = subprocess.Popen(
        [
            "Xvfb",
            display,
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
    wait_for(
        lambda: Path(f"/tmp/.X11-unix/X{number}").exists() or proc.poll() is not None,
        timeout=10,
        what="Xvfb socket",
    )
    if proc.poll() is not None:
        pytest.fail(f"Xvfb {display} exited with {proc.returncode}")
    yield display
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="session")
def browser():
    """The system Chromium under Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test` (it installs the system packages)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
