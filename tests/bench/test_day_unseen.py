"""Unseen seconds (bench/day/unseen.py) on timelines small enough to work out by hand."""

from __future__ import annotations

import math

import pytest

from bench.day.plan import AWAY, BEHAVIOURS, LUNCH, Interval, make_plan
from bench.day.unseen import (
    DEADLINE,
    HANDOFF,
    LOCK_COUNT,
    LONG_WAIT,
    Ack,
    Need,
    Raised,
    Sighting,
    answered,
    baseline,
    measure,
    minus,
    percentile,
    ratio,
    union_length,
)

DAY = 1000.0
NOBODY_AWAY = {0: [], 1: []}


def test_seen_thirty_seconds_after_the_hand_off():
    got = measure([Need("a", 100, HANDOFF)], [Sighting("a", 0, 130, 400)], NOBODY_AWAY, DAY)
    assert got.unseen_s == {"a": 30}
    assert (got.max_s, got.p95_s, got.sum_s, got.never_seen, got.needs) == (30, 30, 30, (), 1)


def test_an_alert_already_showing_is_seen_at_once_but_one_gone_before_is_not():
    already = measure([Need("a", 100, LONG_WAIT)], [Sighting("a", 0, 50, 400)], NOBODY_AWAY, DAY)
    assert already.unseen_s == {"a": 0}
    gone = [Sighting("a", 0, 10, 90), Sighting("a", 1, 100, 100), Sighting("a", 1, 250, 260)]
    assert measure([Need("a", 100, LONG_WAIT)], gone, NOBODY_AWAY, DAY).unseen_s == {"a": 150}


def test_a_patient_nobody_sees_counts_until_the_day_ends():
    got = measure(
        [Need("a", 100, HANDOFF), Need("b", 200, DEADLINE)],
        [Sighting("b", 0, 260, DAY), Sighting("c", 0, 100, DAY)],  # c's alert is not a's
        NOBODY_AWAY,
        DAY,
    )
    assert got.unseen_s == {"a": 900, "b": 60}
    assert got.never_seen == ("a",)
    assert (got.max_s, got.sum_s) == (900, 960)


def test_overlapping_needs_of_one_patient_count_their_unseen_time_once():
    needs = [Need("a", 100, HANDOFF), Need("a", 150, LONG_WAIT), Need("b", 500, HANDOFF)]
    sightings = [Sighting("a", 0, 300, 320), Sighting("b", 1, 510, 600)]
    got = measure(needs, sightings, NOBODY_AWAY, DAY)
    assert got.unseen_s == {"a": 200, "b": 10}  # [100, 300) once, not 200 + 150
    assert (got.max_s, got.sum_s, got.needs) == (200, 210, 3)
    # a need after the alert was gone is a new wait, added to the first
    later = measure(needs + [Need("a", 700, LONG_WAIT)], sightings, NOBODY_AWAY, DAY)
    assert later.unseen_s["a"] == 200 + 300 and later.never_seen == ("a",)


def test_a_page_at_a_desk_at_lunch_is_seen_by_nobody_until_another_desk_shows_it():
    at_lunch = {0: [(0, 600)], 1: []}
    only_desk0 = [Sighting("a", 0, 100, DAY)]
    assert measure([Need("a", 100, HANDOFF)], only_desk0, at_lunch, DAY).unseen_s == {"a": 500}
    both = only_desk0 + [Sighting("a", 1, 400, DAY)]
    assert measure([Need("a", 100, HANDOFF)], both, at_lunch, DAY).unseen_s == {"a": 300}
    all_day = {0: [(0, DAY)]}
    got = measure([Need("a", 100, HANDOFF)], only_desk0, all_day, DAY)
    assert got.never_seen == ("a",) and got.unseen_s == {"a": 900}


def test_a_locked_page_whose_count_shows_the_alert_is_seen():
    lock = [Sighting("a", 0, 160, DAY, via=LOCK_COUNT)]
    assert measure([Need("a", 100, HANDOFF)], lock, NOBODY_AWAY, DAY).unseen_s == {"a": 60}


def test_a_sighting_whose_sound_the_rules_wanted_counts_only_if_it_played():
    silent = Sighting("a", 0, 110, 300, sound_due=True)
    sounded = Sighting("a", 1, 140, 300, sound_due=True, sound_played=True)
    assert measure([Need("a", 100, HANDOFF)], [silent], NOBODY_AWAY, DAY).never_seen == ("a",)
    got = measure([Need("a", 100, HANDOFF)], [silent, sounded], NOBODY_AWAY, DAY)
    assert got.unseen_s == {"a": 40}


def test_time_to_acknowledge_chimes_and_false_alerts():
    needs = [Need("a", 100, HANDOFF), Need("b", 500, HANDOFF), Need("c", 800, LONG_WAIT)]
    acks = [Ack("a", 0, 90), Ack("a", 0, 130), Ack("b", 1, 560), Ack("b", 1, 900)]
    raised = [Raised("1", "a", 100), Raised("2", "z", 300), Raised("3", None, 400)]
    got = measure(
        needs,
        [],
        NOBODY_AWAY,
        7200.0,
        acks=acks,
        chimes_s=[1, 2, 3, 4, 5, 6],
        raised=raised,
    )
    assert (got.ack_p50_s, got.ack_p95_s, got.ack_max_s) == (30, 60, 60)
    assert got.unacknowledged == 1  # c
    assert got.chimes_per_hour == 3.0
    assert got.false_alerts == 2  # z needed nobody; 3 names nobody
    none = measure(needs, [], NOBODY_AWAY, DAY)
    assert (none.ack_p50_s, none.ack_max_s, none.unacknowledged, none.false_alerts) == (
        None,
        None,
        3,
        0,
    )


def test_a_chime_calls_a_receptionist_back_from_looking_away_but_not_from_lunch():
    absences = [Interval(AWAY, 100, 700), Interval(LUNCH, 800, 2000), Interval(AWAY, 2100, 2200)]
    got = answered(absences, chimes_s=[50, 300, 400, 900], turn_s=5)
    assert got == [(100, 305), (800, 2000), (2100, 2200)]


def test_the_baseline_desk_sees_at_the_next_refresh_when_someone_is_there():
    needs = [Need("a", 45, HANDOFF)]
    assert baseline(needs, NOBODY_AWAY, DAY).unseen_s == {"a": 15}  # the board refreshes at 60
    assert baseline([Need("a", 60, HANDOFF)], NOBODY_AWAY, DAY).unseen_s == {"a": 0}
    one_away = {0: [(50, 200)], 1: [(0, 100)]}
    assert baseline(needs, one_away, DAY).unseen_s == {"a": 55}  # desk 1 is back at 100
    nobody = {0: [(0, DAY)], 1: [(40, DAY)]}
    assert baseline(needs, nobody, DAY).never_seen == ("a",)
    assert baseline(needs, NOBODY_AWAY, DAY, poll_s=60).unseen_s == {"a": 15}


def test_percentile_is_the_nearest_rank():
    assert percentile(list(range(1, 21)), 95) == 19
    assert percentile([7, 1, 5], 50) == 5
    assert percentile([5.0], 95) == 5.0
    assert percentile([], 95) == 0.0


def test_spans_cut_and_joined():
    assert minus((0, 100), [(10, 20), (50, 150)]) == [(0, 10), (20, 50)]
    assert minus((0, 100), [(0, 100)]) == []
    assert union_length([(0, 10), (5, 15), (20, 30), (22, 25)]) == 25


def test_ratio():
    assert ratio(10, 40) == 4
    assert ratio(0, 0) == 1
    assert ratio(0, 5) == math.inf


def test_the_baseline_on_a_planned_day_sees_each_need_within_a_refresh_and_an_absence():
    plan = make_plan(3)
    needs = [
        Need(p.key, p.arrival_s + 90, HANDOFF)
        for p in plan.patients
        if BEHAVIOURS[p.behaviour].handoff and p.arrival_s + 90 < plan.day_s
    ]
    assert len(needs) >= 40
    absent = plan.absences()
    got = baseline(needs, absent, plan.day_s)
    longest = max(e - s for spans in absent.values() for s, e in spans)
    assert got.never_seen == ()
    assert 0 < got.max_s <= 20 + longest
    assert got.sum_s == pytest.approx(sum(got.unseen_s.values()))
