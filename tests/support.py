"""Helpers for tests that run real processes: free ports, polling, the server as uvicorn.

Import as `from support import ...` (tests/ is on pytest's pythonpath).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"  # files the tests read, kept in the repository
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout: float = 10.0, interval: float = 0.05, what: str = "condition"):
    """Poll until predicate() is truthy; return its value or fail naming what was awaited."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def console_script(name: str) -> str:
    """Path of an installed console script in the running interpreter's environment."""
    candidate = Path(sys.executable).parent / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    assert found, f"console script {name!r} is not installed (pip install -e .[dev])"
    return found


def run_cli(
    *args: str, input: str | None = None, check: bool = True
) -> subprocess.CompletedProcess:
    """Run `staffconsole ARGS...` as a real process."""
    proc = subprocess.run(
        [console_script("staffconsole"), *args],
        input=input,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"staffconsole {' '.join(args)} exited {proc.returncode}\n"
            f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
        )
    return proc


def run_kiosk_doctor(tmp_path: Path, url: str, token: str, ca) -> subprocess.CompletedProcess:
    """`kiosk doctor` as a real process, with a kiosk.toml naming the server and its CA."""
    path = tmp_path / "kiosk.toml"
    path.write_text(f'[kiosk]\nserver_url = "{url}"\ntoken = "{token}"\nca_file = "{ca}"\n')
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SEEN_KIOSK")}
    return subprocess.run(
        [sys.executable, "-m", "kiosk", "doctor", "--config", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        env=environ,
        check=False,
    )


@dataclass
class LiveServer:
    url: str
    db: Path
    process: subprocess.Popen
    log: Path
    kiosk_tokens: dict = field(default_factory=dict)

    def cli(self, *args: str, input: str | None = None, check: bool = True):
        return run_cli(*args, "--db", str(self.db), input=input, check=check)

    def add_kiosk(self, name: str) -> str:
        token = self.cli("kiosk", "add", name).stdout.strip().splitlines()[-1]
        self.kiosk_tokens[name] = token
        return token

    def add_user(self, username: str, password: str) -> None:
        self.cli("user", "add", username, input=password + "\n")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def start_server(
    tmp_path: Path,
    db: Path | None = None,
    env: dict | None = None,
    port: int | None = None,
    journal: bool = False,
    open_files: int | None = None,
) -> LiveServer:
    """Start `staffconsole serve` as a real uvicorn process (on a free port unless given).

    journal: its log file stands for the journal, as systemd names it in JOURNAL_STREAM.
    open_files: run it under that RLIMIT_NOFILE, soft and hard, through `prlimit`, which
    sets it and then becomes the server (the same process id)."""
    db = db or tmp_path / "seen.db"
    port = port or free_port()
    log = tmp_path / f"server-{port}-{os.urandom(3).hex()}.log"
    proc_env = dict(os.environ)
    proc_env.pop("JOURNAL_STREAM", None)  # a test run from a systemd unit is no journal
    proc_env.update(env or {})
    limit = ["prlimit", f"--nofile={open_files}:{open_files}", "--"] if open_files else []
    with open(log, "wb") as out:
        if journal:
            stat = os.fstat(out.fileno())
            proc_env["JOURNAL_STREAM"] = f"{stat.st_dev}:{stat.st_ino}"
        process = subprocess.Popen(
            [
                *limit,
                console_script("staffconsole"),
                "serve",
                "--db",
                str(db),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=proc_env,
        )
    server = LiveServer(url=f"http://127.0.0.1:{port}", db=db, process=process, log=log)

    def up():
        if process.poll() is not None:
            raise AssertionError(f"server exited {process.returncode}:\n{log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            return False

    wait_for(up, timeout=20, what=f"server on port {port}")
    return server


def kivy_env(display: str, home: Path) -> dict:
    """Environment for a Kivy process under the test display: no argv parsing, no logs at home."""
    env = dict(os.environ)
    env.update(
        DISPLAY=display,
        KIVY_NO_ARGS="1",
        KIVY_HOME=str(home),
        KIVY_NO_CONSOLELOG="1",
        KIVY_NO_FILELOG="1",
        SDL_AUDIODRIVER="dummy",
    )
    return env
