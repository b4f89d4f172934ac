"""The day's records turned into what bench.day.unseen measures (bench/day/timeline.py),
and the driver's arguments (bench/day/run.py), on records small enough to check by hand."""

from __future__ import annotations

import pytest

from bench.day.run import parse_args, server_settings
from bench.day.timeline import (
    AlertRecord,
    Clock,
    intersect,
    needs,
    on_spans,
    raised,
    sightings,
)
from bench.day.unseen import DEADLINE, HANDOFF, LOCK_COUNT, LONG_WAIT, VIEWPORT, Need

CLOCK = Clock(t0=1000.0, speed=60.0)  # one real second is a simulated minute


def test_clock_converts_both_ways():
    assert CLOCK.sim(1002.5) == 150.0
    assert CLOCK.real(150.0) == 1002.5


def test_on_spans_pairs_toggles_and_closes_the_last_at_the_end():
    toggles = [(1.0, True), (2.0, True), (3.0, False), (4.0, False), (5.0, True)]
    assert on_spans(toggles, end=9.0) == [(1.0, 3.0), (5.0, 9.0)]
    assert on_spans([(1.0, False)], end=9.0) == []


def test_intersect_keeps_only_the_overlaps():
    assert intersect([(0, 5), (8, 10)], [(4, 9)]) == [(4, 5), (8, 9)]
    assert intersect([(0, 1)], [(1, 2)]) == []


ALERTS = {
    "7": AlertRecord("7", "p0001", opened=1001.0, closed=1006.0),
    "8": AlertRecord("8", None, opened=1001.0, closed=None),
}


def test_a_card_counts_while_in_view_and_the_page_visible():
    log = [
        [1000.0, "visible", None, True],
        [1001.0, "card", "7", True],
        [1002.0, "visible", None, False],  # looked away
        [1003.0, "visible", None, True],
        [1004.0, "card", "7", False],
        [1001.5, "card", "8", True],  # nobody's alert: never a patient's sighting
    ]
    got = sightings(log, 1, ALERTS, CLOCK, end=1010.0)
    assert [(s.patient, s.desk, s.start_s, s.end_s, s.via) for s in got] == [
        ("p0001", 1, 60.0, 120.0, VIEWPORT),
        ("p0001", 1, 180.0, 240.0, VIEWPORT),
    ]


def test_the_lock_screen_count_stands_for_every_open_alert():
    log = [
        [1000.0, "visible", None, True],
        [1003.0, "lock", None, True],
        [1008.0, "lock", None, False],
    ]
    got = sightings(log, 0, ALERTS, CLOCK, end=1010.0)
    # Alert 7 was open 1001-1006: counted on the lock screen 1003-1006.
    assert [(s.patient, s.start_s, s.end_s, s.via) for s in got] == [
        ("p0001", 180.0, 360.0, LOCK_COUNT)
    ]


def test_a_hidden_lock_screen_shows_nothing():
    log = [[1000.0, "visible", None, False], [1003.0, "lock", None, True]]
    assert sightings(log, 0, ALERTS, CLOCK, end=1010.0) == []


def test_raised_keeps_nobodys_alerts_as_nobodys():
    assert [(r.alert, r.patient, r.at_s) for r in raised(ALERTS.values(), CLOCK)] == [
        ("7", "p0001", 60.0),
        ("8", None, 60.0),
    ]


def test_needs_from_the_journal_and_the_waits():
    journal = [
        {"e": "begin", "kiosk": "k0", "patient": "p0001", "t": 1001.0},
        {"e": "handoff", "kiosk": "k0", "patient": "p0001", "t": 1002.0},
        {"e": "welcome", "kiosk": "k0", "patient": "p0001", "t": 1003.0},
        {"e": "begin", "kiosk": "k0", "patient": "p0002", "t": 1004.0},
        {"e": "screen", "kiosk": "k0", "patient": "p0002", "t": 1005.0},
        {"e": "boot", "kiosk": "k0", "t": 1020.0},  # rebooted mid-session
        {"e": "begin", "kiosk": "k1", "patient": "p0003", "t": 1004.0},
        {"e": "done", "kiosk": "k1", "patient": "p0003", "t": 1006.0, "arrival": 3},
        {"e": "boot", "kiosk": "k1", "t": 1030.0},  # nobody on screen: no need
    ]
    waits = {
        "p0003": (1006.0, None),  # never called in
        "p0004": (1006.0, 1010.0),  # called in after 4 min: no long wait
        "p0005": (1006.0, 1030.0),  # called in after 24 min
    }
    got = needs(journal, CLOCK, deadline_s=120.0, long_wait_s=900.0, waits=waits)
    assert got == [
        Need("p0001", 120.0, HANDOFF),
        Need("p0002", 420.0, DEADLINE),
        Need("p0003", 1260.0, LONG_WAIT),
        Need("p0005", 1260.0, LONG_WAIT),
    ]


def test_run_arguments():
    full = parse_args([])
    assert (full.seed, full.small, full.speed, full.write_docs) == (20, False, 60.0, False)
    small = parse_args(["--small", "--seed", "3"])
    assert (small.seed, small.small, small.speed) == (3, True, 50.0)
    assert parse_args(["--speed", "10", "--write-docs"]).write_docs
    with pytest.raises(SystemExit):
        parse_args(["--speed", "0"])


def test_server_settings_scale_the_clinics_minutes():
    s = server_settings(60.0)
    assert s["long_wait_min"] == 0.25  # 15 simulated minutes: 15 real seconds
    assert s["console_idle_logoff_min"] == 0.25
    assert s["session_deadline_s"] == 2 and isinstance(s["session_deadline_s"], int)
    assert s["resound_s"] == 1.0
