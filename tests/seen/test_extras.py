"""A bare install (no extras) says which extra to install instead of printing a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest
from packaging.version import Version
from support import REPO

from seen import extras


@pytest.mark.e2e
@pytest.mark.parametrize(("command", "extra"), [("staffconsole", "console"), ("kiosk", "kiosk")])
def test_a_bare_install_names_the_missing_extra(command, extra):
    # -S: no site-packages, so only the standard library and this checkout can be imported,
    # as after `pip install seen-checkin` without [console] or [kiosk].
    proc = subprocess.run(
        [sys.executable, "-S", "-m", command, "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=REPO,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert f"pip install 'seen-checkin[{extra}]'" in proc.stderr, proc.stderr


@pytest.mark.e2e
@pytest.mark.parametrize("command", ["staffconsole", "kiosk"])
def test_with_the_extra_the_command_runs(command):
    proc = subprocess.run(
        [sys.executable, "-m", command, "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=REPO,
    )
    assert proc.returncode == 0, proc.stderr
    # Whatever this checkout's install says (tests/seen/test_version.py: from the tag).
    Version(proc.stdout.split()[-1])


def test_every_extra_is_declared_in_pyproject():
    text = (REPO / "pyproject.toml").read_text()
    for extra in extras.EXTRAS:
        assert f"\n{extra} = [" in text, extra


def test_missing_lists_only_what_cannot_be_found(monkeypatch):
    monkeypatch.setitem(extras.EXTRAS, "test", ("json", "no_such_module_here"))
    assert extras.missing("test") == ["no_such_module_here"]
