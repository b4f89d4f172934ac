"""The display's expected wait: from today's real call-ins only, silent without enough."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from staffconsole.rules.lobby_wait import MIN_CALLS, SILENT, CallIn, WaitEstimate, estimate

NOW = datetime(2026, 3, 2, 11, 0, tzinfo=UTC)


def calls(*waits, last_ago=5, step=10):
    """Call-ins waiting these minutes each, the last one `last_ago` minutes before NOW."""
    out = []
    for i, wait in enumerate(reversed(waits)):
        called = NOW - timedelta(minutes=last_ago + i * step)
        out.append(CallIn(called - timedelta(minutes=wait), called))
    return list(reversed(out))


CASES = [
    ("no calls yet", [], SILENT),
    ("two calls are too few", calls(20, 20), SILENT),
    ("three on time", calls(1, 2, 0), WaitEstimate(0, False, "On time")),
    ("a short wait", calls(6, 8, 7), WaitEstimate(5, False, "About 5 minutes")),
    ("twenty late", calls(18, 22, 21), WaitEstimate(20, True, "Running about 20 minutes late")),
    (
        "exactly the late limit",
        calls(10, 10, 10),
        WaitEstimate(10, True, "Running about 10 minutes late"),
    ),
    (
        "the median, not one long visit",
        calls(5, 6, 60, 7, 6),
        WaitEstimate(5, False, "About 5 minutes"),
    ),
    (
        "only the last five count",
        calls(60, 60, 60, 2, 3, 2, 1, 2),
        WaitEstimate(0, False, "On time"),
    ),
    ("behind, then caught up", calls(40, 35, 2, 1, 3), WaitEstimate(0, False, "On time")),
    (
        "even count: the mean of the middle two",
        calls(20, 30, 30, 40),
        WaitEstimate(30, True, "Running about 30 minutes late"),
    ),
    ("no call for two hours: old news", calls(25, 25, 25, last_ago=120), SILENT),
    (
        "called before the booked time counts as no wait",
        calls(-10, -5, -3),
        WaitEstimate(0, False, "On time"),
    ),
]


@pytest.mark.parametrize(("case", "given", "expected"), CASES, ids=[c[0] for c in CASES])
def test_the_estimate_follows_the_days_call_ins(case, given, expected):
    assert estimate(given, NOW) == expected


def test_order_does_not_matter_and_future_calls_are_ignored():
    given = calls(18, 22, 21)
    future = CallIn(NOW, NOW + timedelta(minutes=30))
    assert estimate(list(reversed(given)) + [future], NOW) == estimate(given, NOW)
    assert estimate(given[: MIN_CALLS - 1] + [future], NOW) == SILENT
