"""One client address trying many usernames waits longer and longer; others do not."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise

from fastapi.testclient import TestClient

from staffconsole.auth.staff_sessions import ADDRESS_THROTTLE, throttle_wait
from staffconsole.clock import iso
from staffconsole.store.audit import list_audit

PASSWORD = "correct horse battery staple"


ADDRESS_FREE_FAILURES = ADDRESS_THROTTLE.free
ADDRESS_MAX_WAIT = ADDRESS_THROTTLE.cap


def address_wait(attempts, now):
    return throttle_wait(attempts, now, ADDRESS_THROTTLE)


def at(clock, seconds_ago: float) -> str:
    return iso(clock() - timedelta(seconds=seconds_ago))


def test_waits_double_past_the_free_failures_and_stop_at_the_cap(clock):
    now = clock()
    free = [(at(clock, 100 + i), False) for i in range(ADDRESS_FREE_FAILURES - 1)]
    assert address_wait(free, now) is None
    waits = []
    for extra in range(12):
        failures = free + [(at(clock, 0), False)] * (extra + 1)
        waits.append(address_wait(failures, now))
    assert waits[:4] == [timedelta(seconds=s) for s in (1, 2, 4, 8)]
    assert all(b >= a for a, b in pairwise(waits))
    assert waits[-1] == ADDRESS_MAX_WAIT


def test_a_success_or_time_clears_an_address(clock):
    now = clock()
    many = [(at(clock, 1), False)] * (ADDRESS_FREE_FAILURES + 3)
    assert address_wait(many, now) is not None
    assert address_wait([*many, (at(clock, 0.5), True)], now) is None
    old = [(at(clock, 16 * 60), False)] * (ADDRESS_FREE_FAILURES + 3)
    assert address_wait(old, now) is None


def test_one_address_guessing_many_usernames_is_slowed_and_another_desk_is_not(
    app, staff, db, clock
):
    attacker = TestClient(app, follow_redirects=False, client=("198.51.100.9", 40000))
    desk = TestClient(app, follow_redirects=False, client=("192.0.2.10", 50123))
    for n in range(ADDRESS_FREE_FAILURES):
        r = attacker.post("/login", data={"username": f"user{n}", "password": "guess"})
        assert r.status_code == 401, n
    r = attacker.post("/login", data={"username": "user99", "password": "guess"})
    assert r.status_code == 429
    assert "from this computer" in r.text and "in 1 second." in r.text
    # Even the right password waits: the throttle comes before any password check.
    assert (
        attacker.post("/login", data={"username": staff, "password": PASSWORD}).status_code == 429
    )
    # The receptionist at another desk signs in at once.
    assert desk.post("/login", data={"username": staff, "password": PASSWORD}).status_code == 303
    assert "login.throttled" in [e["action"] for e in list_audit(db)]
    # After the wait, one more real try; then the next wait is twice as long.
    clock.advance(seconds=1.5)
    r = attacker.post("/login", data={"username": "user100", "password": "guess"})
    assert r.status_code == 401
    r = attacker.post("/login", data={"username": "user101", "password": "guess"})
    assert r.status_code == 429 and "in 2 seconds." in r.text
