"""A kiosk's upgrade in the --root sandbox, offline, with the real kiosk: seen-kiosk is
Type=notify, so the systemctl stand-in's restart returns only once the new `kiosk run`
(a real Kivy window under Xvfb) said READY=1, and fails if it exits first. A new
version that cannot start is rolled back to the previous venv and restarted; a good
one is kept. What each runs is what its heartbeats tell a real server (the version
`staffconsole kiosk list` and the console's kiosk strip show)."""

from __future__ import annotations

import json
import os
import shutil

import pytest
from helpers.sandbox import run_install, systemctl, venv
from helpers.wheels import local_wheelhouse, seen_wheel
from support import run_cli, start_server, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.ui]

KIOSK = "seen-kiosk.service"


@pytest.fixture(scope="module")
def wheels(tmp_path_factory):
    made = {tag: seen_wheel(tmp_path_factory.mktemp(tag), tag) for tag in ("v0.1.0", "v0.2.0")}
    made["broken"] = seen_wheel(
        tmp_path_factory.mktemp("broken"),
        "v0.3.0",
        patches={"kiosk/app.py": ("        sdnotify.ready()\n", "        raise SystemExit(3)\n")},
    )
    return made


@pytest.fixture(scope="module")
def wheelhouse(tmp_path_factory, wheels):
    house = local_wheelhouse(tmp_path_factory.mktemp("kiosk-wheelhouse"), "kiosk", "kiosk")
    shutil.copy(wheels["v0.1.0"], house)
    return house


@pytest.fixture
def server(tmp_path):
    live = start_server(tmp_path)
    yield live
    live.stop()


def reported(server) -> dict:
    """What the server knows of the kiosk "Lobby": its row in `kiosk list --json`."""
    out = run_cli("kiosk", "list", "--json", "--db", str(server.db)).stdout
    return next(r for r in map(json.loads, out.splitlines()) if r["name"] == "Lobby")


def test_a_kiosk_that_does_not_start_is_rolled_back_and_a_good_upgrade_is_kept(
    tmp_path, server, wheels, wheelhouse, xvfb_display
):
    display = {
        "DISPLAY": xvfb_display,
        "SDL_VIDEODRIVER": "x11",  # the unit's kmsdrm needs a real screen
        "KIVY_NO_CONSOLELOG": "1",
    }
    root = tmp_path / "pi"
    run_install(root, "--wheelhouse", str(wheelhouse), role="kiosk", env=display)
    token = server.add_kiosk("Lobby")
    (root / "etc/seen/kiosk.toml").write_text(
        "[kiosk]\n"
        f'server_url = "{server.url}"\n'
        f'token = "{token}"\n'
        f'outbox_path = "{root}/var/lib/seen/kiosk-outbox.db"\n'
        'printer = "none"\n'
        "heartbeat_s = 1\n"
        "fullscreen = false\n"
        'window_size = "800x600"\n'
    )
    systemctl(root, "start", KIOSK, env=display)  # as at boot: returns once READY=1
    try:
        wait_for(lambda: reported(server)["app_version"] == "0.1.0", timeout=60, what="0.1.0")
        first = os.readlink(venv(root))
        pid_before = (root / "run" / f"{KIOSK}.pid").read_text()

        failed = run_install(
            root,
            "--upgrade",
            "--wheelhouse",
            str(wheelhouse),
            "--source",
            str(wheels["broken"]),
            role="kiosk",
            env=display,
            check=False,
        )
        assert failed.returncode == 1, failed.stdout + failed.stderr
        assert f"upgrade failed (seen-kiosk did not start); rolled back to {first}" in (
            failed.stderr
        )
        assert os.readlink(venv(root)) == first
        assert [p.name for p in (root / "opt/seen/venvs").iterdir()] == [first.split("/")[1]]
        # Restarted on the previous venv: a new process, beating as 0.1.0 again.
        assert (root / "run" / f"{KIOSK}.pid").read_text() != pid_before
        seen_before = reported(server)["last_seen_at"]
        wait_for(
            lambda: reported(server)["last_seen_at"] != seen_before,
            timeout=60,
            what="a heartbeat after the rollback",
        )
        assert reported(server)["app_version"] == "0.1.0"

        run_install(
            root,
            "--upgrade",
            "--wheelhouse",
            str(wheelhouse),
            "--source",
            str(wheels["v0.2.0"]),
            role="kiosk",
            env=display,
        )
        assert os.readlink(venv(root)).endswith("-0.2.0")
        wait_for(lambda: reported(server)["app_version"] == "0.2.0", timeout=60, what="0.2.0")
    finally:
        systemctl(root, "stop", KIOSK)
