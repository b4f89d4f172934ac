"""Every benchmark runs at a tiny size, so the harness cannot rot. The figures are not
checked (speed is for `make bench`); only that each benchmark ran and reported."""

from __future__ import annotations

import subprocess
import sys

import pytest
from support import REPO

from bench.__main__ import BENCHMARKS

pytestmark = [pytest.mark.ui, pytest.mark.browser, pytest.mark.e2e]


def test_every_benchmark_runs_tiny():
    proc = subprocess.run(
        [sys.executable, "-m", "bench", "--tiny", "--no-write"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr[-4000:]}"
    lines = proc.stdout.splitlines()
    for name in BENCHMARKS:
        assert any(line.startswith(name + " ") for line in lines), f"no {name} row:\n{proc.stdout}"
    assert "FAILED" not in proc.stdout


def test_one_benchmark_alone_and_unknown_names():
    bad = subprocess.run(
        [sys.executable, "-m", "bench", "no_such_bench"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 2 and "unknown benchmark no_such_bench" in bad.stderr
    one = subprocess.run(
        [sys.executable, "-m", "bench", "capacity", "--tiny", "--no-write"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert one.returncode == 0, one.stderr[-3000:]
    rows = [
        line
        for line in one.stdout.splitlines()
        if line.startswith(("alert", "kiosk", "receipt", "capacity"))
    ]
    assert rows and all(row.startswith("capacity") for row in rows)
