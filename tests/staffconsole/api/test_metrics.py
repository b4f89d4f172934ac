"""`/metrics`: figures read from the tables at the app's clock, latency by route template,
outbox depth from heartbeats, one registry per app, and the loopback-only port."""

from __future__ import annotations

import socket
import urllib.request
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from helpers.seed import PATIENTS
from prometheus_client.parser import text_string_to_metric_families
from support import free_port

from staffconsole.app import create_app
from staffconsole.auth import api_tokens
from staffconsole.auth.kiosks import add_kiosk, kiosk_for_token
from staffconsole.clock import ClinicClock, ClinicZone, iso
from staffconsole.config import load_settings
from staffconsole.rules import alerting
from staffconsole.store.alerts import acknowledge_alert, open_or_update_alert
from staffconsole.store.schema import open_db


def samples(text: str) -> dict[tuple[str, tuple], float]:
    """{(sample name, sorted labels): value} of a scrape, through the official parser."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(text: str, name: str, **labels) -> float:
    return samples(text)[(name, tuple(sorted(labels.items())))]


@pytest.fixture
def token(app, settings, clock):
    db = open_db(settings.db_path)
    try:
        return api_tokens.add_token(db, "prometheus", "metrics", clock())
    finally:
        db.close()


def scrape(client: TestClient, token: str) -> str:
    r = client.get("/metrics", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.text
    return r.text


def handoff(db, kiosk, session_id: str, reason: str, at) -> dict:
    session = {"id": session_id, "kiosk_id": kiosk["id"], "step": "identify_name"}
    fields = alerting.handoff_alert(
        reason, session, kiosk["name"], {"last_name": PATIENTS[0][1]}, at
    )
    alert, _ = open_or_update_alert(db, fields)
    return alert


def test_alerts_by_kind_and_time_to_acknowledge_follow_the_tables(
    app, client, settings, clock, token
):
    db = open_db(settings.db_path)
    kiosk = kiosk_for_token(db, add_kiosk(db, "Lobby kiosk 1", clock()))
    before = scrape(client, token)
    assert value(before, "seen_alerts_open", kind="help", status="open") == 0
    assert value(before, "seen_alert_time_to_acknowledge_seconds_count") == 0
    first = handoff(db, kiosk, "s1", "help", clock())
    handoff(db, kiosk, "s2", "help", clock())
    handoff(db, kiosk, "s3", "no_match", clock())
    raised = scrape(client, token)
    assert value(raised, "seen_alerts_open", kind="help", status="open") == 2
    assert value(raised, "seen_alerts_open", kind="no_match", status="open") == 1
    acknowledge_alert(db, first["id"], "ana", clock() + timedelta(seconds=45))
    acked = scrape(client, token)
    assert value(acked, "seen_alerts_open", kind="help", status="open") == 1
    assert value(acked, "seen_alerts_open", kind="help", status="acknowledged") == 1
    assert value(acked, "seen_alert_time_to_acknowledge_seconds_count") == 1
    assert value(acked, "seen_alert_time_to_acknowledge_seconds_sum") == pytest.approx(45, abs=0.01)
    assert value(acked, "seen_alert_time_to_acknowledge_seconds_bucket", le="30.0") == 0
    assert value(acked, "seen_alert_time_to_acknowledge_seconds_bucket", le="60.0") == 1
    # The alerts' summaries name the patient; the figures never do.
    assert PATIENTS[0][1] not in acked and "Lobby kiosk 1" not in acked  # no heartbeat yet
    db.close()


def test_kiosks_online_and_outbox_depth_come_from_heartbeats(app, client, settings, clock, token):
    db = open_db(settings.db_path)
    kiosk_token = add_kiosk(db, "Lobby kiosk 1", clock())
    add_kiosk(db, "Lobby kiosk 2", clock())
    db.close()
    assert value(scrape(client, token), "seen_kiosks_online") == 0
    r = client.post(
        "/api/v1/kiosk/heartbeat",
        headers={"Authorization": f"Bearer {kiosk_token}"},
        json={
            "at": iso(clock()),
            "app_version": "0.1.0",
            "printer": {"state": "ok"},
            "outbox": {"held": 0, "unsaved": 0, "unsent": 4},
        },
    )
    assert r.status_code == 200, r.text
    text = scrape(client, token)
    assert value(text, "seen_kiosks") == 2 and value(text, "seen_kiosks_online") == 1
    assert value(text, "seen_kiosk_outbox_unsent", kiosk="Lobby kiosk 1") == 4
    # Offline after the missed heartbeats, at the app's clock.
    clock.advance(seconds=settings.heartbeat_interval_s * settings.heartbeats_missed_offline + 1)
    gone = scrape(client, token)
    assert value(gone, "seen_kiosks_online") == 0
    assert "seen_kiosk_outbox_unsent{" not in gone  # a stale figure is not shown


def test_request_latency_is_labelled_by_route_template_not_path(app, client, token):
    name = PATIENTS[1][1]
    client.get("/api/v1/console/alerts/987654/acknowledge")  # 405 or 401: a route matched
    client.post("/api/v1/console/alerts/987654/acknowledge")
    client.get(f"/no/such/{name}")
    client.get(f"/healthz?last_name={name}")
    text = scrape(client, token)
    count = "seen_http_request_duration_seconds_count"
    template = "/api/v1/console/alerts/{alert_id}/acknowledge"
    assert value(text, count, method="POST", route=template, status="401") == 1
    assert value(text, count, method="GET", route="unmatched", status="404") == 1
    assert value(text, count, method="GET", route="/healthz", status="200") == 1
    assert "987654" not in text and name not in text


def test_each_app_has_its_own_registry(tmp_path):
    apps = []
    for n in (1, 2):
        settings = load_settings(environ={}, overrides={"db_path": str(tmp_path / f"{n}.db")})
        apps.append(create_app(settings, staff=False))
    TestClient(apps[0]).get("/healthz")
    first, second = (app.state.metrics.text().decode() for app in apps)
    assert 'route="/healthz"' in first and 'route="/healthz"' not in second


def test_metrics_port_serves_on_loopback_only_while_the_app_runs(tmp_path):
    port = free_port()
    settings = load_settings(
        environ={}, overrides={"db_path": str(tmp_path / "m.db"), "metrics_port": port}
    )
    app = create_app(settings, staff=False, clock=ClinicClock(ClinicZone("UTC")))
    with TestClient(app):
        assert app.state.metrics.local_address == ("127.0.0.1", port)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as r:
            text = r.read().decode()
        assert value(text, "seen_kiosks") == 0
    assert app.state.metrics.local_address is None
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5)


def test_a_metrics_port_in_use_is_logged_and_the_server_still_serves(tmp_path, caplog):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        settings = load_settings(
            environ={}, overrides={"db_path": str(tmp_path / "m.db"), "metrics_port": port}
        )
        app = create_app(settings, staff=False)
        with TestClient(app) as client:
            assert client.get("/healthz").status_code == 200
            assert app.state.metrics.local_address is None
    assert f"metrics_port = {port}: cannot listen on 127.0.0.1" in caplog.text
