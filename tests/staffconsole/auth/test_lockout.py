"""Ten failed sign-ins within an hour pause a username, without saying whether it exists."""

from __future__ import annotations

from datetime import timedelta

from staffconsole.auth.staff_sessions import LOCKOUT_WINDOW, lockout_until
from staffconsole.clock import iso

PASSWORD = "correct horse battery staple"


def fail(client, username, times):
    for _ in range(times):
        r = client.post("/login", data={"username": username, "password": "wrong"})
        assert r.status_code == 401


def test_eleventh_try_is_refused_even_with_the_right_password(client, staff, clock):
    fail(client, staff, 10)
    r = client.post("/login", data={"username": staff, "password": PASSWORD})
    assert r.status_code == 429
    assert "paused for this username after 10 failed tries" in r.text
    assert "Try again in 60 minutes" in r.text


def test_unknown_usernames_lock_the_same_way(client, staff):
    fail(client, "ghost", 10)
    r = client.post("/login", data={"username": "ghost", "password": "x"})
    real = client.post("/login", data={"username": staff, "password": "wrong"})
    assert r.status_code == 429 and "paused for this username" in r.text
    assert real.status_code == 401  # other usernames are not affected


def test_case_and_spaces_do_not_dodge_the_count(client, staff):
    fail(client, "ANA", 5)
    fail(client, " ana ", 5)
    assert client.post("/login", data={"username": staff, "password": PASSWORD}).status_code == 429


def test_lockout_lifts_when_failures_leave_the_hour(client, staff, clock):
    fail(client, staff, 10)
    clock.advance(minutes=59)
    assert client.post("/login", data={"username": staff, "password": PASSWORD}).status_code == 429
    clock.advance(minutes=1, seconds=1)
    assert client.post("/login", data={"username": staff, "password": PASSWORD}).status_code == 303


def test_nine_failures_then_success_resets_the_count(client, staff):
    fail(client, staff, 9)
    assert client.post("/login", data={"username": staff, "password": PASSWORD}).status_code == 303
    fail(client, staff, 9)
    assert client.post("/login", data={"username": staff, "password": PASSWORD}).status_code == 303


def test_lockout_until_counts_only_recent_failures_after_the_last_success(clock):
    now = clock()
    old = [(iso(now - LOCKOUT_WINDOW - timedelta(seconds=1)), False)] * 5
    recent = [(iso(now - timedelta(minutes=m)), False) for m in range(9)]
    assert lockout_until(old + recent, now) is None
    tenth = (iso(now - timedelta(minutes=30)), False)
    assert lockout_until(recent + [tenth], now) == now - timedelta(minutes=30) + LOCKOUT_WINDOW
    reset = [(iso(now - timedelta(minutes=20)), True)]
    assert lockout_until(recent + [tenth] + reset, now) is None
