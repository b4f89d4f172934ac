"""A real `staffconsole serve` scraped as Prometheus would: refused without a credential,
served to an API token and to a signed-in admin, and its figures move when a kiosk
hands a patient off, beats with its outbox depth, and a receptionist acknowledges."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families
from support import start_server

PASSWORD = "correct horse battery staple"


def figures(text: str) -> dict[tuple[str, tuple], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def figure(text: str, name: str, **labels) -> float:
    return figures(text)[(name, tuple(sorted(labels.items())))]


def signed_in(url: str, username: str) -> tuple[requests.Session, str]:
    """A browser-like session signed in through the form, and its CSRF token."""
    session = requests.Session()
    r = session.post(
        f"{url}/login",
        data={"username": username, "password": PASSWORD},
        allow_redirects=False,
        timeout=10,
    )
    assert r.status_code == 303, r.text
    page = session.get(f"{url}/console", timeout=10).text
    found = re.search(r'<meta name="csrf-token" content="([^"]+)">', page)
    assert found, "the console page has no CSRF token"
    return session, found.group(1)


@pytest.mark.e2e
def test_metrics_scraped_from_a_real_server(tmp_path):
    server = start_server(tmp_path)
    try:
        token = (
            server.cli("apitoken", "add", "prometheus", "--scope", "metrics")
            .stdout.strip()
            .splitlines()[-1]
        )
        kiosk = server.add_kiosk("Lobby kiosk 1")
        server.add_user("ana", PASSWORD)
        server.add_user("root", PASSWORD)
        server.cli("user", "set-role", "root", "admin")
        scraper = {"Authorization": f"Bearer {token}"}

        refused = requests.get(f"{server.url}/metrics", timeout=10)
        assert refused.status_code == 401 and "API token" in refused.json()["detail"]
        wrong = requests.get(f"{server.url}/metrics", headers={"Authorization": f"Bearer {kiosk}"})
        assert wrong.status_code == 401
        receptionist, _ = signed_in(server.url, "ana")
        assert receptionist.get(f"{server.url}/metrics", timeout=10).status_code == 403

        def scrape() -> str:
            r = requests.get(f"{server.url}/metrics", headers=scraper, timeout=10)
            assert r.status_code == 200, r.text
            assert r.headers["content-type"].startswith("text/plain")
            return r.text

        before = scrape()
        assert figure(before, "seen_alerts_open", kind="help", status="open") == 0
        assert figure(before, "seen_kiosks_online") == 0

        now = datetime.now(UTC).isoformat()
        kiosk_auth = {"Authorization": f"Bearer {kiosk}"}
        r = requests.post(
            f"{server.url}/api/v1/kiosk/heartbeat",
            headers=kiosk_auth,
            json={
                "at": now,
                "app_version": "0.1.0",
                "printer": {"state": "ok"},
                "outbox": {"held": 0, "unsaved": 0, "unsent": 3},
            },
            timeout=10,
        )
        assert r.status_code == 200, r.text
        r = requests.post(
            f"{server.url}/api/v1/kiosk/events",
            headers=kiosk_auth,
            json={
                "events": [
                    {
                        "id": "m-1",
                        "session": "m-s1",
                        "type": "session.handed_off",
                        "at": now,
                        "data": {"reason": "help", "step": "welcome", "entered": {}},
                    }
                ]
            },
            timeout=10,
        )
        assert r.status_code == 200, r.text

        raised = scrape()
        assert figure(raised, "seen_alerts_open", kind="help", status="open") == 1
        assert figure(raised, "seen_kiosks_online") == 1
        assert figure(raised, "seen_kiosk_outbox_unsent", kiosk="Lobby kiosk 1") == 3
        assert figure(raised, "seen_alert_time_to_acknowledge_seconds_count") == 0

        admin, csrf = signed_in(server.url, "root")
        snapshot = admin.get(f"{server.url}/api/v1/console/snapshot", timeout=10).json()
        [alert] = [a for a in snapshot["alerts"] if a["kind"] == "help"]
        r = admin.post(
            f"{server.url}/api/v1/console/alerts/{alert['id']}/acknowledge",
            headers={"X-CSRF-Token": csrf},
            timeout=10,
        )
        assert r.status_code == 200, r.text

        by_admin = admin.get(f"{server.url}/metrics", timeout=10)
        assert by_admin.status_code == 200
        acked = by_admin.text
        assert figure(acked, "seen_alerts_open", kind="help", status="open") == 0
        assert figure(acked, "seen_alerts_open", kind="help", status="acknowledged") == 1
        assert figure(acked, "seen_alert_time_to_acknowledge_seconds_count") == 1
        assert figure(acked, "seen_alert_time_to_acknowledge_seconds_sum") >= 0
        template = "/api/v1/console/alerts/{alert_id}/acknowledge"
        count = "seen_http_request_duration_seconds_count"
        assert figure(acked, count, method="POST", route=template, status="200") == 1
        assert f"/alerts/{alert['id']}/" not in acked
    finally:
        server.stop()
