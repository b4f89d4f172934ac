"""The clinic day's plan (bench/day/plan.py): the mix, the clock, the names, the faults and
the desks, all the same for the same seed."""

from __future__ import annotations

import statistics
import unicodedata
from collections import Counter
from itertools import pairwise

import pytest

from bench.day.plan import AWAY, BEHAVIOURS, FAULTS, LOCKED, LUNCH, make_plan
from seen.vocabulary import HANDOFF_REASONS

SEEDS = (1, 2, 3, 20)


def test_the_same_seed_gives_the_same_plan_and_another_seed_another():
    assert make_plan(7) == make_plan(7)
    first = make_plan(7)
    other = make_plan(8)
    assert [p.arrival_s for p in first.patients] != [p.arrival_s for p in other.patients]
    assert first.faults != other.faults
    desk = first.desks[0]
    assert list(zip(range(5), desk.reactions())) == list(
        zip(range(5), make_plan(7).desks[0].reactions())
    )


def test_the_mix_adds_up_and_every_plan_follows_it():
    assert sum(b.share for b in BEHAVIOURS.values()) == pytest.approx(1.0)
    for seed in SEEDS:
        plan = make_plan(seed, patients=300)
        counts = Counter(p.behaviour for p in plan.patients)
        assert len(plan.patients) == 300
        for name, behaviour in BEHAVIOURS.items():
            assert abs(counts[name] - behaviour.share * 300) <= 1, (seed, name, counts[name])


def test_a_small_day_still_has_every_patient_once():
    plan = make_plan(5, patients=37)
    assert sorted(p.index for p in plan.patients) == list(range(37))
    assert len({p.key for p in plan.patients}) == 37


@pytest.mark.parametrize("seed", SEEDS)
def test_every_time_is_inside_the_day_and_fits_the_behaviour(seed):
    plan = make_plan(seed)
    assert plan.day_s == 9 * 3600
    arrivals = [p.arrival_s for p in plan.patients]
    assert arrivals == sorted(arrivals)
    assert arrivals[-1] - arrivals[0] > 6 * 3600  # spread over the day, not bunched
    for p in plan.patients:
        assert 0 <= p.arrival_s < plan.day_s
        assert 0 < p.typing_s <= 2.0
        if p.behaviour == "walk_in":
            assert p.appointment_s is None
            continue
        assert 15 * 60 <= p.appointment_s <= plan.day_s - 30 * 60
        assert p.appointment_s % 300 == 0
        if p.behaviour == "late":
            assert p.appointment_s + 600 <= p.arrival_s <= p.appointment_s + 2400
        else:
            assert p.appointment_s - 1200 <= p.arrival_s <= p.appointment_s
        assert (p.typed_dob != p.dob) == (p.behaviour == "wrong_dob")
        assert (p.abandons_on is not None) == (p.behaviour == "abandons")
        assert p.kiosk in range(plan.kiosks)
    assert max(p.typing_s for p in plan.patients if p.behaviour == "slow_typist") == 2.0
    assert max(p.typing_s for p in plan.patients if p.behaviour == "on_time") < 1.0


def test_names_carry_every_script_and_mark_and_no_two_patients_are_the_same_person():
    plan = make_plan(1)
    names = [f"{p.first} {p.last}" for p in plan.patients]
    letters = {unicodedata.name(ch, "").split()[0] for name in names for ch in name}
    assert {"CYRILLIC", "GREEK", "CJK", "HANGUL"} <= letters
    assert any("'" in n for n in names) and any("-" in n for n in names)
    assert any(not ch.isascii() and "LATIN" in unicodedata.name(ch, "") for n in names for ch in n)
    assert max(len(n) for n in names) > 40
    people = [(p.first, p.last, p.dob) for p in plan.patients]
    assert len(set(people)) == len(people)


def test_faults_strike_at_realistic_rates_within_the_day():
    per_day = {kind: [] for kind in FAULTS}
    for seed in range(60):
        plan = make_plan(seed, patients=20)
        kinds = Counter(f.kind for f in plan.faults)
        assert kinds["server_restart"] == 1
        for kind in FAULTS:
            per_day[kind].append(kinds[kind])
        for f in plan.faults:
            assert 0 <= f.start_s and f.start_s + f.duration_s <= plan.day_s and f.duration_s > 0
            per_kiosk = FAULTS[f.kind][1] if f.kind in FAULTS else False
            assert (f.kiosk is not None) == per_kiosk
            if per_kiosk:
                assert f.kiosk in range(plan.kiosks)
    # rate x 9 hours (x 3 kiosks where per kiosk): about 3 reboots, 3 paper-outs, 4.5 blips
    for kind, (per_hour, per_kiosk, _) in FAULTS.items():
        expected = per_hour * 9 * (3 if per_kiosk else 1)
        assert statistics.mean(per_day[kind]) == pytest.approx(expected, rel=0.3), kind


@pytest.mark.parametrize("seed", SEEDS)
def test_desks_look_away_lock_and_take_lunch_one_at_a_time(seed):
    plan = make_plan(seed, desks=3)
    lunches = []
    for desk in plan.desks:
        kinds = Counter(i.kind for i in desk.intervals)
        assert kinds[LUNCH] == 1
        assert 10 <= kinds[AWAY] <= 70  # about four glances away an hour
        absences = desk.absences()
        for a, b in pairwise(absences):
            assert a.end_s <= b.start_s  # never away and at lunch at once
        for a in absences:
            assert 0 <= a.start_s < a.end_s <= plan.day_s
            assert a.kind == LUNCH or a.end_s - a.start_s <= 25 * 60
        locks = [i for i in desk.intervals if i.kind == LOCKED]
        expected = [
            (a.start_s + plan.idle_lock_s, a.end_s)
            for a in absences
            if a.end_s - a.start_s > plan.idle_lock_s
        ]
        assert [(i.start_s, i.end_s) for i in locks] == expected
        lunch = next(i for i in desk.intervals if i.kind == LUNCH)
        assert lunch.end_s - lunch.start_s == 40 * 60
        lunches.append(lunch)
        for ack, resolve in [r for _, r in zip(range(50), desk.reactions())]:
            assert 0 < ack < 600 and 0 < resolve < 7200
    assert LOCKED in {i.kind for d in plan.desks for i in d.intervals}  # lunch locks at least
    for a, b in pairwise(sorted(lunches, key=lambda i: i.start_s)):
        assert a.end_s <= b.start_s  # while one desk lunches, the others watch
    assert plan.absences()[0] == [(a.start_s, a.end_s) for a in plan.desks[0].absences()]


def test_every_expected_hand_off_is_one_the_kiosk_can_make():
    expected = {b.handoff for b in BEHAVIOURS.values()} - {None}
    assert expected <= set(HANDOFF_REASONS)
    assert expected == {"no_match", "not_me", "help", "walk_in", "timed_out"}
