"""Look-ups per kiosk are limited (30 per 10 min by default): 429 with a reason, one alert."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from security.helpers import bearer

from kiosk import flow as f
from seen import vocabulary
from staffconsole.auth.kiosks import add_kiosk
from staffconsole.config import load_settings
from staffconsole.rules.lookup_limits import LookupLimiter
from staffconsole.store.alerts import list_alerts, resolve_alert

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
OKAFOR = {"last_name": "Okafor", "dob": "1980-02-04"}


def test_the_defaults_are_thirty_per_ten_minutes():
    settings = load_settings(environ={})
    assert (settings.lookup_rate_max, settings.lookup_rate_window_s) == (30, 600)


def test_limiter_counts_a_sliding_window_per_kiosk():
    limiter = LookupLimiter(3, 600)
    assert [limiter.allow(1, T0 + timedelta(seconds=i)) for i in range(4)] == [
        True,
        True,
        True,
        False,
    ]
    assert limiter.allow(2, T0)  # another kiosk has its own count
    assert limiter.retry_after_s(1, T0 + timedelta(seconds=10)) == 591
    assert not limiter.allow(1, T0 + timedelta(seconds=599))
    assert limiter.allow(1, T0 + timedelta(seconds=600))  # the first one left the window
    assert not limiter.allow(1, T0 + timedelta(seconds=600))


@pytest.fixture
def overrides():
    return {"lookup_rate_max": 5, "lookup_rate_window_s": 600}


def lookups(client, token, n, body=OKAFOR, prefix="s"):
    return [
        client.post(
            "/api/v1/kiosk/lookup", headers=bearer(token), json={"session": f"{prefix}{i}", **body}
        )
        for i in range(n)
    ]


def test_over_the_limit_is_429_with_a_reason_and_one_alert(client, creds, booked, db, clock):
    answers = lookups(client, creds["kiosk"], 5)
    clock.advance(seconds=30)  # the app's clock: the first look-up leaves the window in 570 s
    answers += lookups(client, creds["kiosk"], 3)
    assert [r.status_code for r in answers] == [200] * 5 + [429] * 3
    assert answers[0].json()["matches"][0]["display_name"] == "Maria O."
    refused = answers[5]
    assert "at most 5 in 10 min" in refused.json()["detail"]
    assert int(refused.headers["retry-after"]) == 571  # rounded up (lookup_limits)
    raised = [a for a in list_alerts(db) if a["kind"] == "lookup_rate"]
    assert len(raised) == 1  # one per cause, however many are refused
    (alert,) = raised
    assert alert["cause"] == f"kiosk:{alert['kiosk_id']}:lookup_rate"
    assert alert["kiosk"] == "Lobby kiosk 1" and "more than 5 look-ups" in alert["summary"]
    assert "Okafor" not in alert["summary"] + str(alert["data"])  # nothing a patient typed


def test_code_lookups_count_too_and_other_kiosks_are_not_affected(client, creds, booked, db, clock):
    lookups(client, creds["kiosk"], 5, {"code": "t-0"})
    assert lookups(client, creds["kiosk"], 1)[0].status_code == 429
    other = add_kiosk(db, "Lobby kiosk 2", clock())
    # (Sessions are the kiosk's own: another kiosk naming s0 would be refused, 403.)
    assert lookups(client, other, 1, prefix="other-s")[0].status_code == 200
    # Check-ins and events are not look-ups: a patient already found can still check in.
    r = client.post(
        "/api/v1/kiosk/checkin",
        headers=bearer(creds["kiosk"]),
        json={"session": "s0", "appointment": booked["Okafor"]},
    )
    assert r.status_code == 200


def test_a_resolved_alert_comes_back_if_the_kiosk_keeps_going(client, creds, booked, db):
    lookups(client, creds["kiosk"], 6)
    (alert,) = [a for a in list_alerts(db) if a["kind"] == "lookup_rate"]
    resolve_alert(db, alert["id"], "ana", "false_alarm", "a test", datetime.now(UTC))
    lookups(client, creds["kiosk"], 2)
    kinds = [a["kind"] for a in list_alerts(db)]
    assert kinds.count("lookup_rate") == 1


def test_the_kiosk_hands_a_refused_lookup_to_a_person_as_no_match():
    flow = f.Flow()
    flow.handle(f.Start("s1"))
    flow.handle(f.EnterName("Okafor"))
    flow.handle(f.EnterDob("1980-02-04"))
    effects = flow.handle(f.LookupFailed("rejected", "s1"))
    (handoff,) = [e for e in effects if isinstance(e, f.Emit) and e.type == "session.handed_off"]
    assert handoff.data["reason"] == "no_match"
    assert handoff.data["entered"]["last_name"] == "Okafor"
    assert flow.state == vocabulary.HANDOFF


def test_the_clients_errors_map_to_the_patients_path():
    from kiosk.client import NotAuthorised, Rejected

    assert Rejected(429, "too many look-ups").kind == "rejected"  # -> no_match hand-off
    # A revoked token: nothing reaches the desk, so the patient is told to go there.
    assert NotAuthorised(401, "this kiosk's token was revoked").kind == "offline"
    flow = f.Flow()
    flow.handle(f.Start("s1"))
    flow.handle(f.EnterName("Okafor"))
    flow.handle(f.EnterDob("1980-02-04"))
    flow.handle(f.LookupFailed(NotAuthorised(401, "revoked").kind, "s1"))
    assert flow.reason == "offline"
