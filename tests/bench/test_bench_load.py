"""The capacity bench's load split and the Pi budget's arithmetic: which cgroup files a
quota is written to, for which cgroup layout, and the calibration's share of a core."""

from __future__ import annotations

import pytest

from bench import pi_budget
from bench.capacity import KIOSKS_PER_PROCESS, deal, processes_for
from bench.common import BenchError


def test_kiosks_are_spread_so_no_process_has_more_than_its_share():
    assert processes_for(1) == 1
    assert processes_for(KIOSKS_PER_PROCESS) == 1
    assert processes_for(KIOSKS_PER_PROCESS + 1) == 2
    assert processes_for(1000) == -(-1000 // KIOSKS_PER_PROCESS)


def test_dealing_keeps_every_kiosk_once():
    hands = deal(list(range(10)), 3)
    assert hands == [[0, 3, 6, 9], [1, 4, 7], [2, 5, 8]]
    assert sorted(k for hand in hands for k in hand) == list(range(10))


def test_quota_files_for_each_cgroup_version():
    assert pi_budget.quota_files("v1", 0.25, 10_000) == {
        "cpu.cfs_period_us": "10000",
        "cpu.cfs_quota_us": "2500",
    }
    assert pi_budget.quota_files("v2", 0.25, 10_000) == {"cpu.max": "2500 10000"}
    # The kernel refuses a quota under 1 ms.
    assert pi_budget.quota_files("v2", 0.01, 10_000) == {"cpu.max": "1000 10000"}
    with pytest.raises(BenchError):
        pi_budget.quota_files("v3", 0.5)


def test_cgroup_layout_is_detected(tmp_path):
    assert pi_budget.cgroup_layout(tmp_path) is None
    (tmp_path / "cgroup.controllers").write_text("cpuset io memory pids\n")
    assert pi_budget.cgroup_layout(tmp_path) is None  # v2 without the cpu controller
    (tmp_path / "cgroup.controllers").write_text("cpuset cpu io memory pids\n")
    assert pi_budget.cgroup_layout(tmp_path) == ("v2", tmp_path)
    (tmp_path / "cpu").mkdir()
    (tmp_path / "cpu" / "cpu.cfs_quota_us").write_text("-1\n")
    assert pi_budget.cgroup_layout(tmp_path) == ("v1", tmp_path / "cpu")


def test_pi_fraction_is_the_pi_rate_over_this_machines_capped_at_a_core():
    pi_rate = pi_budget.PI4_NBODY_STEPS_PER_S * pi_budget.PYTHON_311_GAIN
    assert pi_budget.pi_fraction(pi_rate * 4) == pytest.approx(0.25)
    assert pi_budget.pi_fraction(pi_rate / 2) == 1.0
    with pytest.raises(BenchError):
        pi_budget.pi_fraction(0)


def test_nbody_is_deterministic_and_does_work():
    assert pi_budget.nbody(100) == pi_budget.nbody(100)
    assert pi_budget.nbody(100) != pi_budget.nbody(200)
