"""One version, from the git tag: a wheel built from a tagged copy of this checkout says
the tag's version in its name, its metadata and both commands' --version; with no tag
(a fresh clone of an untagged repository) it is setuptools-scm's dev version with the
commit's hash. Built without build isolation and installed offline: nothing downloads."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from helpers.wheels import build_wheel, seen_wheel, source_copy

from seen import version

pytestmark = pytest.mark.e2e


def installed(tmp_path: Path, wheel: Path) -> Path:
    """A new venv with the wheel; its dependencies are found in this environment (a .pth
    line after the venv's own site-packages), so the venv's own copy is what runs."""
    env_dir = tmp_path / "venv"
    subprocess.run(
        [sys._base_executable, "-m", "venv", "--without-pip", str(env_dir)],
        check=True,
        timeout=120,
    )
    python = env_dir / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.strip()
    Path(site, "zz-test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        check=True,
        timeout=300,
        env=clean_env(),
    )
    return env_dir / "bin"


def clean_env() -> dict:
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {
        "PIP_CONFIG_FILE": os.devnull
    }


def said(bin_dir: Path, name: str) -> str:
    proc = subprocess.run(
        [str(bin_dir / name), "--version"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=clean_env(),
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_the_tag_is_the_version_everywhere(tmp_path):
    wheel = seen_wheel(tmp_path, "v7.8.9")
    assert wheel.name == "seen_checkin-7.8.9-py3-none-any.whl"
    bin_dir = installed(tmp_path, wheel)
    assert said(bin_dir, "staffconsole") == "staffconsole 7.8.9"
    assert said(bin_dir, "kiosk") == "7.8.9"
    heartbeat = subprocess.run(
        [
            str(bin_dir / "python"),
            "-c",
            "import kiosk.heartbeat as h, staffconsole as s; print(h.__version__, s.__version__)",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env=clean_env(),
        cwd=tmp_path,  # not the checkout: -c puts the working folder first on sys.path
    )
    assert heartbeat.stdout.split() == ["7.8.9", "7.8.9"]  # what heartbeats carry


def test_without_a_tag_the_version_names_the_commit(tmp_path):
    source = source_copy(tmp_path / "src")
    commit = subprocess.run(
        ["git", "-C", str(source), "rev-parse", "--short=7", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.strip()
    wheel = build_wheel(source, tmp_path / "dist")
    found = re.fullmatch(
        r"seen_checkin-(0\.0\.1\.dev1\+g([0-9a-f]+))-py3-none-any\.whl", wheel.name
    )
    assert found, wheel.name
    assert found.group(2).startswith(commit)


def test_a_source_tree_never_installed_says_so():
    assert version.installed_version("seen-checkin-never-installed") == version.SOURCE_TREE
    assert version.SOURCE_TREE == "0.0.0+source"
