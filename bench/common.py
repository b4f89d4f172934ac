"""What every benchmark shares: a result row, percentiles, a real server process."""

from __future__ import annotations

import json
import math
import os
import platform
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
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
STAFF_USER, STAFF_PASSWORD = "bench", "not for real use, this run only"


class BenchError(Exception):
    """A benchmark could not run; the message says what failed."""


@dataclass
class Row:
    """One line of the table: a figure, its baseline, and the target it is held to."""

    bench: str
    measure: str
    value: str
    baseline: str = ""
    ratio: str = ""
    target: str = ""
    met: bool | None = None


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    if not values:
        raise BenchError("no samples")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(p / 100 * len(ordered))))
    return ordered[rank - 1]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 10 else f"{seconds:.2f} s"


def machine() -> str:
    """One line about the machine the figures came from."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.1f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    load = ", load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    return (
        f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} "
        f"cores ({cpu}){mem}{load}"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def script(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def wait_until(predicate, timeout: float, what: str, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise BenchError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


class Server:
    """`staffconsole serve` as a real uvicorn process on a temp database."""

    def __init__(self, workdir: Path, open_files: int | None = None, **settings) -> None:
        self.db = workdir / "seen.db"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ)
        # Simulated kiosks look up far faster than patients type: the per-kiosk look-up
        # limit (docs/security.md) would turn the measured sessions into hand-offs.
        # Hundreds of them also come from one address, past the connection limits.
        settings = {
            "lookup_rate_max": 1_000_000,
            "max_connections_per_client": 0,
            "limit_concurrency": 1_000_000,
            **settings,
        }
        env.update({f"SEEN_{k.upper()}": str(v) for k, v in settings.items()})
        self.log_path = workdir / "server.log"
        # prlimit sets RLIMIT_NOFILE, then becomes the server (the same process id).
        limit = ["prlimit", f"--nofile={open_files}:{open_files}", "--"] if open_files else []
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [
                    *limit,
                    script("staffconsole"),
                    "serve",
                    "--db",
                    str(self.db),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
            )
        wait_until(self._up, 30, f"the server on port {self.port}")

    def _up(self) -> bool:
        if self.process.poll() is not None:
            raise BenchError(
                f"server exited {self.process.returncode}: {self.log_path.read_text()[-2000:]}"
            )
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                return True
        except OSError:
            return False

    def cpu_seconds(self) -> float:
        """User + system CPU the server process has used so far (Linux /proc)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def cli(self, *args: str, input: str | None = None) -> str:
        proc = subprocess.run(
            [script("staffconsole"), *args, "--db", str(self.db)],
            input=input,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if proc.returncode != 0:
            raise BenchError(f"staffconsole {' '.join(args)}: {proc.stderr[-1000:]}")
        return proc.stdout

    def add_kiosk(self, name: str) -> str:
        return self.cli("kiosk", "add", name).strip().splitlines()[-1]

    def add_user(self) -> None:
        self.cli("user", "add", STAFF_USER, input=STAFF_PASSWORD + "\n")

    def import_schedule(self, rows: list[tuple], workdir: Path) -> None:
        """rows: (external_id, first, last, dob, start ISO, provider)."""
        lines = ["external_id,first_name,last_name,dob,start,provider"]
        lines += [",".join(row) for row in rows]
        csv = workdir / "schedule.csv"
        csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
        self.cli("import-schedule", str(csv))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def launch_browser(playwright):
    if not Path(CHROMIUM).exists():
        raise BenchError(f"{CHROMIUM} is missing: run `make system-packages`")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def sign_in(page, url: str) -> None:
    page.goto(f"{url}/login")
    page.fill("#username", STAFF_USER)
    page.fill("#password", STAFF_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/console")


class Xvfb:
    """A private X display for Kivy windows (as the tests and Kivy's own CI use)."""

    def __init__(self) -> None:
        for number in range(150, 200):
            if not (
                Path(f"/tmp/.X{number}-lock").exists() or Path(f"/tmp/.X11-unix/X{number}").exists()
            ):
                break
        self.display = f":{number}"
        self.process = subprocess.Popen(
            [
                "Xvfb",
                self.display,
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
        wait_until(
            lambda: Path(f"/tmp/.X11-unix/X{number}").exists() or self.process.poll() is not None,
            10,
            "the Xvfb socket",
        )
        if self.process.poll() is not None:
            raise BenchError(f"Xvfb {self.display} exited with {self.process.returncode}")

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(10)


def write_kiosk_config(
    path: Path, server_url: str, token: str, printer: str = "none", **settings
) -> Path:
    values = {
        "server_url": server_url,
        "token": token,
        "printer": printer,
        "fullscreen": False,
        "window_size": "1280x800",
        "outbox_path": str(path.parent / "outbox.db"),
        **settings,
    }
    lines = ["[kiosk]"] + [f"{key} = {json.dumps(value)}" for key, value in values.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


@dataclass
class ProbeRun:
    started: float  # wall time before the process was spawned
    result: dict
    peak_rss_mib: float


def run_probe(
    display: str,
    workdir: Path,
    mode: str,
    config: Path | None = None,
    rounds: int = 0,
    prefix: tuple[str, ...] = (),
) -> ProbeRun:
    """Run bench.kiosk_probe in its own process (one Kivy app per process); `prefix`
    goes before the command (e.g. bench.pi_budget.CpuQuota.prefix)."""
    home = workdir / "kivy-home"
    home.mkdir(exist_ok=True)
    result_path = workdir / f"probe-{mode}.json"
    result_path.unlink(missing_ok=True)
    env = dict(
        os.environ,
        DISPLAY=display,
        KIVY_NO_ARGS="1",
        KIVY_HOME=str(home),
        KIVY_NO_CONSOLELOG="1",
        KIVY_NO_FILELOG="1",
        SDL_AUDIODRIVER="dummy",
    )
    started = time.time()
    proc = subprocess.Popen(
        [
            *prefix,
            sys.executable,
            "-m",
            "bench.kiosk_probe",
            mode,
            str(config or "-"),
            str(result_path),
            str(rounds),
        ],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    # wait4 gives the child's own peak RSS (ru_maxrss, KiB on Linux).
    deadline = time.monotonic() + 120 + 30 * rounds
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            proc.kill()
            proc.wait()
            raise BenchError(f"kiosk probe {mode} hung")
        time.sleep(0.05)
    proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if not result_path.exists():
        raise BenchError(
            f"kiosk probe {mode} exited {proc.returncode} without a result: {stderr[-1500:]}"
        )
    result = json.loads(result_path.read_text())
    if result.get("error") or result.get("first_frame") is None:
        raise BenchError(
            f"kiosk probe {mode}: {result.get('error') or 'no first frame'}; {stderr[-1500:]}"
        )
    return ProbeRun(started, result, usage.ru_maxrss / 1024)


def checkin_patient(server: Server, workdir: Path) -> None:
    """Today's appointment for the probe's patient (synthetic): María Okafor, 2 Apr 1980."""
    today = date.today().isoformat()
    server.import_schedule(
        [("probe-1", "María", "Okafor", "1980-04-02", f"{today}T10:30", "Dr. Lee")], workdir
    )
