"""Fixtures shared by every test area: real processes, real displays, real browsers.

Fixtures of one package's tests live in the conftest.py of its folder; plain helpers in
tests/support.py and tests/helpers/. process_guard fails any test that starts a real
process without the e2e mark.
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers.postgres import Cluster
from support import CHROMIUM, CHROMIUM_ARGS, start_server

pytest_plugins = ["process_guard"]

# Both engines, for a fixture's params: SQLite, and PostgreSQL (a real server: e2e).
ENGINES = ["sqlite", pytest.param("postgresql", marks=[pytest.mark.e2e, pytest.mark.postgresql])]
_clusters: list[Cluster] = []


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    # The cluster starts here, for the first test that needs it, and not inside a fixture:
    # the process guard would count every fixture on the way (fresh_db) as a starter, and
    # fresh_db's SQLite tests start nothing.
    if item.get_closest_marker("postgresql") and not _clusters:
        _clusters.append(Cluster().start())


def pytest_sessionfinish(session) -> None:
    while _clusters:
        _clusters.pop().stop()


@pytest.fixture
def postgres_cluster(request):
    """This session's PostgreSQL cluster (tests marked `postgresql` only)."""
    if not _clusters:
        pytest.fail(f"{request.node.nodeid} uses PostgreSQL without the postgresql mark")
    return _clusters[0]


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
    # -displayfd: Xvfb picks a free display itself and writes its number to the pipe,
    # so test workers running side by side (pytest -n) never race for the same one.
    read_end, write_end = os.pipe()
    proc = subprocess.Popen(
        [
            "Xvfb",
            "-displayfd",
            str(write_end),
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
        pass_fds=(write_end,),
    )
    os.close(write_end)
    with os.fdopen(read_end) as announced:
        ready, _, _ = select.select([announced], [], [], 10)
        number = announced.readline().strip() if ready else ""  # "" if it died or hung
    if proc.poll() is not None or not number.isdigit():
        proc.kill()
        pytest.fail(f"Xvfb did not start (exit code {proc.poll()})")
    display = f":{number}"
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
