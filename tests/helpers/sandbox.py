"""The install.sh --root sandbox as the upgrade tests run it: offline, with the systemctl
stand-in (tests/deploy/systemctl_standin.py) starting the units' real commands."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from support import REPO

SCRIPT = REPO / "deploy" / "raspberry-pi" / "install.sh"
STANDIN = REPO / "tests" / "deploy" / "systemctl_standin.py"


def sandbox_env(**extra: str) -> dict:
    """This environment without PYTHONPATH: the sandbox's venvs import only what they hold."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | extra


def run_install(
    root: Path, *args: str, role: str = "server", env: dict | None = None, check: bool = True
) -> subprocess.CompletedProcess:
    standin = root.parent / f"{root.name}-systemctl"
    standin.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{STANDIN}" "$@"\n')
    standin.chmod(0o755)
    full_env = sandbox_env(
        # The interpreter the repacked wheels were built for makes the venvs.
        PATH=f"{Path(sys._base_executable).parent}:{os.environ['PATH']}",
        PIP_CONFIG_FILE=os.devnull,  # this machine's pip settings are not the Pi's
        PIP_INDEX_URL="http://127.0.0.1:9/simple",  # an index would fail: none is asked
        SEEN_INSTALL_SYSTEMCTL=str(standin),
        SEEN_SANDBOX_ROOT=str(root),
        **(env or {}),
    )
    proc = subprocess.run(
        ["bash", str(SCRIPT), "--root", str(root), "--role", role, *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env=full_env,
    )
    if check:
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def systemctl(root: Path, *args: str, env: dict | None = None) -> None:
    """The stand-in, as the machine's boot or clinic IT would call systemctl."""
    full_env = sandbox_env(SEEN_SANDBOX_ROOT=str(root), **(env or {}))
    subprocess.run([sys.executable, str(STANDIN), *args], env=full_env, check=True, timeout=300)


def venv(root: Path) -> Path:
    return root / "opt/seen/venv"


def make_unversioned(root: Path) -> None:
    """Lay the sandbox's install out as before versioned venvs: PREFIX/venv a plain folder.
    Its scripts are rewritten to name that folder, as pip wrote them in such an install."""
    link = venv(root)
    target = link.parent / os.readlink(link)
    link.unlink()
    target.rename(link)
    (link.parent / "venvs").rmdir()
    old, new = str(target).encode(), str(link).encode()
    for script in (link / "bin").iterdir():
        if script.is_file() and not script.is_symlink():
            text = script.read_bytes()
            if old in text:
                script.write_bytes(text.replace(old, new))
