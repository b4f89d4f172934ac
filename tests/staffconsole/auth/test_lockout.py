"""Failed sign-ins slow a username down with growing waits, without saying whether it exists."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise

from staffconsole.auth.staff_sessions import USERNAME_THROTTLE, throttle_wait
from staffconsole.clock import iso

PASSWORD = "correct horse battery staple"
FREE = USERNAME_THROTTLE.free


def fail(client, username, times):
    for _ in range(times):
        r = client.post("/login", data={"username": username, "password": "wrong"})
        assert r.status_code == 401


def sign_in(client, username, password=PASSWORD):
    return client.post("/login", data={"username": username, "password": password})


def test_the_try_after_the_free_failures_waits_even_with_the_right_password(client, staff):
    fail(client, staff, FREE)
    r = sign_in(client, staff)
    assert r.status_code == 429
    assert f"paused after {FREE} failed tries" in r.text
    assert "Try again in 30 seconds, or ask a manager to unlock it." in r.text


def test_the_owner_gets_in_after_the_wait_not_after_an_hour(client, staff, clock):
    fail(client, staff, FREE)
    clock.advance(seconds=29)
    assert sign_in(client, staff).status_code == 429
    clock.advance(seconds=2)
    assert sign_in(client, staff).status_code == 303


def test_each_further_failure_doubles_the_wait(client, staff, clock):
    fail(client, staff, FREE)
    for wait in (30, 60, 120):
        clock.advance(seconds=wait + 1)
        assert sign_in(client, staff, "wrong").status_code == 401
        r = sign_in(client, staff)
        assert r.status_code == 429
        expected = f"{wait * 2} seconds" if wait * 2 < 120 else f"{wait * 2 // 60} minutes"
        assert f"Try again in {expected}" in r.text


def test_tries_during_a_wait_do_not_lengthen_it(client, staff, clock):
    fail(client, staff, FREE)
    for _ in range(20):
        assert sign_in(client, staff, "wrong").status_code == 429
    clock.advance(seconds=31)
    assert sign_in(client, staff).status_code == 303


def test_unknown_usernames_pause_the_same_way(client, staff):
    fail(client, "ghost", FREE)
    r = sign_in(client, "ghost", "x")
    real = sign_in(client, staff, "wrong")
    assert r.status_code == 429 and "paused after" in r.text
    assert real.status_code == 401  # other usernames are not affected


def test_case_and_spaces_do_not_dodge_the_count(client, staff):
    fail(client, "ANA", 3)
    fail(client, " ana ", 2)
    assert sign_in(client, staff).status_code == 429


def test_failures_then_success_resets_the_count(client, staff):
    fail(client, staff, FREE - 1)
    assert sign_in(client, staff).status_code == 303
    fail(client, staff, FREE - 1)
    assert sign_in(client, staff).status_code == 303


def test_waits_grow_to_the_cap_and_old_or_reset_failures_stop_counting(clock):
    now = clock()
    old = [(iso(now - USERNAME_THROTTLE.window - timedelta(seconds=1)), False)] * 10
    recent = [(iso(now - timedelta(minutes=40 - m)), False) for m in range(FREE - 1)]
    assert throttle_wait(old + recent, now, USERNAME_THROTTLE) is None
    waits = []
    for extra in range(10):
        latest = [(iso(now), False)] * (extra + 1)
        waits.append(throttle_wait(recent + latest, now, USERNAME_THROTTLE))
    assert waits[:3] == [timedelta(seconds=s) for s in (30, 60, 120)]
    assert all(b >= a for a, b in pairwise(waits))
    assert waits[-1] == USERNAME_THROTTLE.cap
    reset = [(iso(now), True)]
    assert throttle_wait(recent + latest + reset, now, USERNAME_THROTTLE) is None
