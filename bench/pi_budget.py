"""A Raspberry Pi 4's CPU on this machine: a cgroup CPU quota on one core, calibrated
by a pure-Python n-body run here against a published Pi 4 time (docs/performance.md).

cgroup v1's cpu controller (`cpu.cfs_quota_us`) or v2's `cpu.max`, whichever is
mounted; making the group needs root (CI runs as root). Without one, `CpuQuota` says
why and the kiosk bench reports the Pi rows as not run, never as met.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from bench.common import BenchError

CGROUP_ROOT = Path("/sys/fs/cgroup")
# Published: the n-body benchmark in Python, 5,000,000 steps, on a Raspberry Pi 4
# Model B (1.5 GHz Cortex-A72, performance governor): 158.26 s (C. Mehta, "Performance
# Analysis of Languages on Raspberry Pi"). That is 31,600 steps a second.
PI4_NBODY_STEPS_PER_S = 5_000_000 / 158.26
# That run's Python is not named (Raspberry Pi OS of 2020-21 shipped 3.7); the kiosk runs
# 3.11, which its release notes put 1.25x faster on average, more on loops like this one.
# Assumed 1.5x (uncertain by about a third either way: docs/performance.md).
PYTHON_311_GAIN = 1.5
PERIOD_US = 10_000  # a short period: the quota's pauses stay under a frame or two
SOLAR_MASS = 39.47841760435743  # 4 pi^2
DAYS_PER_YEAR = 365.24


def nbody(steps: int) -> float:
    """The classic five-body simulation (Sun and the four giants); returns the energy."""
    bodies = [
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, SOLAR_MASS],
        [4.84, -1.16, -0.10, 0.606, 2.81, -0.02, 0.0377],
        [8.34, 4.12, -0.40, -1.01, 1.82, 0.008, 0.0113],
        [12.89, -15.11, -0.22, 1.08, 0.868, -0.01, 0.0017],
        [15.37, -25.91, 0.17, 0.979, 0.594, -0.034, 0.0020],
    ]
    for body in bodies[1:]:
        for k in (3, 4, 5):
            body[k] *= DAYS_PER_YEAR
    pairs = [(bodies[i], bodies[j]) for i in range(5) for j in range(i + 1, 5)]
    dt = 0.01
    for _ in range(steps):
        for b1, b2 in pairs:
            dx, dy, dz = b1[0] - b2[0], b1[1] - b2[1], b1[2] - b2[2]
            mag = dt * (dx * dx + dy * dy + dz * dz) ** -1.5
            m1, m2 = b1[6] * mag, b2[6] * mag
            b1[3] -= dx * m2
            b1[4] -= dy * m2
            b1[5] -= dz * m2
            b2[3] += dx * m1
            b2[4] += dy * m1
            b2[5] += dz * m1
        for b in bodies:
            b[0] += dt * b[3]
            b[1] += dt * b[4]
            b[2] += dt * b[5]
    return sum(0.5 * b[6] * (b[3] ** 2 + b[4] ** 2 + b[5] ** 2) for b in bodies)


def steps_per_cpu_second(steps: int = 100_000, repeats: int = 3) -> float:
    """This machine's n-body rate, best of a few runs, in CPU time (the machine is shared)."""
    best = float("inf")
    for _ in range(repeats):
        t0 = time.thread_time()
        nbody(steps)
        best = min(best, time.thread_time() - t0)
    return steps / best


def pi_fraction(here_steps_per_s: float) -> float:
    """The share of one core here that does a Pi 4 core's work (at most one core)."""
    if here_steps_per_s <= 0:
        raise BenchError("the calibration run measured no work")
    return min(1.0, PI4_NBODY_STEPS_PER_S * PYTHON_311_GAIN / here_steps_per_s)


def cgroup_layout(root: Path = CGROUP_ROOT) -> tuple[str, Path] | None:
    """("v1", the cpu controller's directory) or ("v2", the unified root), or None."""
    for v1 in (root / "cpu", root / "cpu,cpuacct"):
        if (v1 / "cpu.cfs_quota_us").exists():
            return "v1", v1
    controllers = root / "cgroup.controllers"
    if controllers.exists() and "cpu" in controllers.read_text().split():
        return "v2", root
    return None


def quota_files(version: str, fraction: float, period_us: int = PERIOD_US) -> dict[str, str]:
    """What to write in the group's files for `fraction` of one core."""
    quota = max(1000, round(fraction * period_us))  # the kernel's minimum is 1 ms
    if version == "v1":
        return {"cpu.cfs_period_us": str(period_us), "cpu.cfs_quota_us": str(quota)}
    if version == "v2":
        return {"cpu.max": f"{quota} {period_us}"}
    raise BenchError(f"unknown cgroup version {version!r}")


class CpuQuota:
    """A cgroup limited to `fraction` of one core; `preexec` puts a child in it, on one CPU.

    Raises BenchError (saying why) when the group cannot be made here.
    """

    def __init__(self, fraction: float, root: Path = CGROUP_ROOT) -> None:
        layout = cgroup_layout(root)
        if layout is None:
            raise BenchError(f"no cgroup cpu controller under {root}")
        self.version, base = layout
        self.fraction = fraction
        self.path = base / f"seen-bench-{os.getpid()}"
        try:
            self.path.mkdir()
            for name, value in quota_files(self.version, fraction).items():
                (self.path / name).write_text(value)
        except OSError as e:
            self.close()
            raise BenchError(
                f"cannot make a cgroup at {self.path} (uid {os.getuid()}): {e}"
            ) from None
        self.cpu = min(os.sched_getaffinity(0))

    def prefix(self) -> tuple[str, ...]:
        """A command prefix: the shell joins the group, then becomes the command on one
        CPU (a Pi core), so the command's first instruction already runs under quota."""
        procs = self.path / "cgroup.procs"
        join = 'echo $$ > "$0" && exec taskset -c "$1" "${@:2}"'
        return ("bash", "-c", join, str(procs), str(self.cpu))

    def throttled_s(self) -> float:
        """CPU time the group was held back so far (its cpu.stat)."""
        stat = dict(
            line.split() for line in (self.path / "cpu.stat").read_text().splitlines() if line
        )
        if "throttled_time" in stat:  # v1: nanoseconds
            return int(stat["throttled_time"]) / 1e9
        return int(stat.get("throttled_usec", 0)) / 1e6

    def close(self) -> None:
        try:
            self.path.rmdir()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()
