"""tests/process_guard.py fails a test that starts a real process without the e2e mark."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from support import REPO

pytestmark = pytest.mark.e2e  # runs pytest itself as a process

INI = "[pytest]\nmarkers =\n    e2e: starts a real process\n"


def run_pytest(tmp_path, source: str) -> subprocess.CompletedProcess:
    """Run a small test file under the guard in a pytest of its own; its report."""
    (tmp_path / "pytest.ini").write_text(INI)
    (tmp_path / "test_sample.py").write_text(source)
    env = dict(os.environ, PYTHONPATH=str(REPO / "tests"))
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "process_guard", "-p", "no:cacheprovider"]
        + ["-q", "-rA", "-c", str(tmp_path / "pytest.ini"), str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_process_without_the_mark_fails_the_test_and_says_why(tmp_path):
    done = run_pytest(
        tmp_path,
        "import subprocess\n"
        "import pytest\n\n"
        "def test_unmarked():\n"
        "    subprocess.run(['true'], check=True)\n\n"
        "@pytest.mark.e2e\n"
        "def test_marked():\n"
        "    subprocess.run(['true'], check=True)\n\n"
        "def test_in_process():\n"
        "    assert 1 + 1 == 2\n",
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 failed, 2 passed" in done.stdout, done.stdout
    assert (
        "test_sample.py::test_unmarked starts a real process (true) without the e2e mark"
        in done.stdout
    ), done.stdout


def test_a_fixture_that_started_a_process_counts_for_every_test_that_requests_it(tmp_path):
    # The session fixture starts its process during the first (marked) test; the second
    # test starts nothing itself but relies on that process, so it needs the mark too.
    done = run_pytest(
        tmp_path,
        "import subprocess\n"
        "import pytest\n\n"
        "@pytest.fixture(scope='session')\n"
        "def helper_process():\n"
        "    proc = subprocess.Popen(['sleep', '30'])\n"
        "    yield proc\n"
        "    proc.kill()\n"
        "    proc.wait()\n\n"
        "@pytest.mark.e2e\n"
        "def test_first(helper_process):\n"
        "    assert helper_process.poll() is None\n\n"
        "def test_second(helper_process):\n"
        "    assert helper_process.poll() is None\n",
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 failed, 1 passed" in done.stdout, done.stdout
    assert (
        "test_sample.py::test_second starts a real process (through the fixture "
        "'helper_process') without the e2e mark" in done.stdout
    ), done.stdout


def test_a_process_started_from_a_thread_that_swallows_the_failure_still_fails(tmp_path):
    done = run_pytest(
        tmp_path,
        "import subprocess\n"
        "import threading\n\n"
        "def quietly():\n"
        "    try:\n"
        "        subprocess.run(['true'], check=True)\n"
        "    except BaseException:\n"
        "        pass\n\n"
        "def test_threaded():\n"
        "    worker = threading.Thread(target=quietly)\n"
        "    worker.start()\n"
        "    worker.join()\n",
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 passed, 1 error" in done.stdout, done.stdout
    assert (
        "test_sample.py::test_threaded starts a real process (true) without the e2e mark"
        in done.stdout
    ), done.stdout
