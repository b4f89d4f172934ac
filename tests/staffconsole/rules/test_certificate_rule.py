"""The server's own certificate nearing its end (issue 17, part 6): the pure rule, the shared
day arithmetic, and the watchdog pass that raises, re-raises daily after a person resolves
it, and clears it by itself once the server serves a renewed certificate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from seen.cert_expiry import WARN_DAYS, days_left, expires_soon, expiry_words
from seen.vocabulary import ALERT_KINDS, SELF_CLEARING, SERVER_KINDS, alarm_priority
from staffconsole.clock import ClinicClock, ClinicZone, iso
from staffconsole.config import load_settings
from staffconsole.rules.alerting import cleared_note
from staffconsole.rules.certificate import (
    CERTIFICATE_CAUSE,
    certificate_alert,
    certificate_banner,
)
from staffconsole.store.alerts import list_alerts, resolve_alert
from staffconsole.watch.watchdog import run_rules

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
SETTINGS = load_settings(
    environ={}, overrides={"resound_s": 10**6, "escalate_after_s": 10**6, "ack_timeout_s": 10**6}
)


@pytest.mark.parametrize(
    ("ends", "left", "words"),
    [
        (NOW + timedelta(days=12), 12, "expires on 2026-12-15 (in 12 days)"),
        (NOW + timedelta(days=11, hours=1), 12, "expires on 2026-12-14 (in 12 days)"),
        (NOW + timedelta(hours=3), 1, "expires on 2026-12-03 (within a day)"),
        (NOW - timedelta(days=2), -2, "expired on 2026-12-01"),
    ],
)
def test_days_left_and_the_words(ends, left, words):
    assert days_left(ends, NOW) == left
    assert (
        expiry_words("the server's certificate", ends, NOW) == f"the server's certificate {words}"
    )


def test_the_warning_starts_thirty_days_ahead():
    assert WARN_DAYS == 30
    assert expires_soon(NOW + timedelta(days=30), NOW)
    assert not expires_soon(NOW + timedelta(days=30, minutes=1), NOW)
    assert certificate_alert(NOW + timedelta(days=31), NOW) is None
    assert certificate_alert(None, NOW) is None  # plain HTTP: nothing to expire


def test_the_alert_says_when_and_what_follows():
    fields = certificate_alert(NOW + timedelta(days=12), NOW)
    assert fields == {
        "kind": "certificate_expiry",
        "cause": CERTIFICATE_CAUSE,
        "severity": ALERT_KINDS["certificate_expiry"].severity,
        "summary": (
            "The server's HTTPS certificate expires on 2026-12-15 (in 12 days): from then "
            "every kiosk refuses the server and patients cannot check in. Tell clinic IT to "
            "renew it"
        ),
        "data": {"not_after": iso(NOW + timedelta(days=12))},
        "at": iso(NOW),
    }


def test_the_kind_is_the_servers_own_and_clears_itself():
    kind = ALERT_KINDS["certificate_expiry"]
    assert "certificate_expiry" in SERVER_KINDS and "certificate_expiry" in SELF_CLEARING
    assert kind.label == "Server certificate expires soon" and not kind.handoff
    assert alarm_priority(kind.severity) == "low"  # housekeeping, with a month to act
    assert cleared_note("certificate_expiry", None) == (
        "Cleared by itself: the server now serves a certificate valid for longer"
    )


def test_the_admin_banner_names_the_folder_to_renew():
    assert certificate_banner(NOW + timedelta(days=40), NOW, "/etc/seen/tls") is None
    assert certificate_banner(None, NOW, "") is None
    assert certificate_banner(NOW + timedelta(days=3), NOW, "/etc/seen/tls") == (
        "The server's HTTPS certificate expires on 2026-12-06 (in 3 days): on that day every "
        "kiosk refuses the server. Renew it on the server with staffconsole tls renew --dir "
        "/etc/seen/tls, then restart the server (kiosks need nothing)."
    )


def at(moment: datetime) -> ClinicClock:
    return ClinicClock(ClinicZone("UTC"), lambda: moment)


def test_the_watchdog_raises_reminds_daily_and_clears_after_renewal(fresh_db):
    ends = NOW + timedelta(days=20)
    assert run_rules(fresh_db, at(NOW - timedelta(days=11)), SETTINGS, None, None, None, ends) == 0
    assert run_rules(fresh_db, at(NOW), SETTINGS, None, None, None, ends) == 1
    [alert] = list_alerts(fresh_db)
    assert alert["kind"] == "certificate_expiry" and "(in 20 days)" in alert["summary"]
    assert (
        run_rules(fresh_db, at(NOW + timedelta(minutes=5)), SETTINGS, None, None, None, ends) == 0
    )

    # Resolved by a person: not raised again the same day, but the next.
    resolve_alert(fresh_db, alert["id"], "rosa", "other", "IT told", NOW + timedelta(hours=1))
    later = NOW + timedelta(hours=2)
    assert run_rules(fresh_db, at(later), SETTINGS, None, None, None, ends) == 0
    assert list_alerts(fresh_db) == []
    tomorrow = NOW + timedelta(days=1)
    assert run_rules(fresh_db, at(tomorrow), SETTINGS, None, None, None, ends) == 1
    [again] = list_alerts(fresh_db)
    assert "(in 19 days)" in again["summary"] and again["id"] != alert["id"]

    # Restarted with a renewed certificate: it ends by itself.
    renewed = tomorrow + timedelta(days=825)
    assert run_rules(fresh_db, at(tomorrow), SETTINGS, None, None, None, renewed) == 1
    assert list_alerts(fresh_db) == []
    [cleared] = [a for a in list_alerts(fresh_db, include_resolved=True) if a["id"] == again["id"]]
    assert cleared["outcome"] == "cleared"
