"""A real small filesystem for full-disk tests: a tmpfs mounted for the test.

CI runs as root (.ci/run), so the mount works there; anywhere it cannot, the test fails
saying why rather than skipping: a full SD card is a case that must be exercised.
"""

from __future__ import annotations

import subprocess
from contextlib import contextmanager

import pytest


@contextmanager
def small_tmpfs(path, size: str, mode: str = "0700"):
    """Mount a tmpfs of `size` (e.g. "160k") on the existing directory `path`."""
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode={mode}", "tmpfs", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode:
        pytest.fail(
            f"cannot mount a {size} tmpfs for the full-disk test (run as root): "
            f"{mounted.stderr.strip()}"
        )
    try:
        yield path
    finally:
        subprocess.run(["umount", str(path)], check=False)


def grow(path, size: str) -> None:
    """The card frees up: remount the tmpfs bigger."""
    subprocess.run(["mount", "-o", f"remount,size={size}", str(path)], check=True)
