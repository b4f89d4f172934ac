"""The pictures in docs/console.md, taken from a real busy morning in Chromium.

300 arrivals (250 seen, 20 called in, 30 waiting), 40 alerts of every kind and state.
Each picture is written to test-artifacts/ (copied into docs/img/ by hand when the page
changes) after the checks that say it shows what its caption claims.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from helpers.console_page import PASSWORD, hand_off, kiosk_post, sign_in
from helpers.lobby import clinic_at_midday, seed_lobby
from support import REPO, start_server

from staffconsole.clock import ClinicZone
from staffconsole.rules import alerting
from staffconsole.store.alerts import acknowledge_alert, apply_step, open_or_update_alert
from staffconsole.store.schema import open_db

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

ARTIFACTS = REPO / "test-artifacts"
WAITING = [(92 - 3 * i, 95 - 3 * i) for i in range(30)]  # tickets in arrival order
REASONS = ("no_match", "timed_out", "not_me", "walk_in", "offline", "reported_problem")


@pytest.fixture
def morning(tmp_path):
    zone = clinic_at_midday()
    db = tmp_path / "seen.db"
    lobby = seed_lobby(
        db, ClinicZone(zone), datetime.now(UTC), waiting=WAITING, seen=250, called_in=20
    )
    server = start_server(tmp_path, db=db, env={"SEEN_CLINIC_TIMEZONE": zone})
    server.add_user("ana", PASSWORD)
    token = server.add_kiosk("Accueil Nord")
    conn = open_db(db)
    try:
        kiosk_id = conn.execute("select id from kiosks where name = 'Accueil Nord'").fetchone()[0]
        start = datetime.now(UTC) - timedelta(minutes=90)
        for i in range(36):
            at = start + timedelta(minutes=2 * i)
            session = {"id": uuid.uuid4().hex, "kiosk_id": kiosk_id, "step": "identify"}
            entered = {"first_name": "Zoë", "last_name": f"Kowalczyk-{i}"}
            reason = REASONS[i % len(REASONS)]
            fields = alerting.handoff_alert(reason, session, "Accueil Nord", entered, at)
            alert, _ = open_or_update_alert(conn, fields)
            if i % 3 == 0:
                apply_step(conn, alert["id"], "escalate", at + timedelta(minutes=3))
            elif i % 3 == 1:
                acknowledge_alert(conn, alert["id"], "maria", at + timedelta(minutes=1))
    finally:
        conn.close()
    yield server, token, lobby, ClinicZone(zone)
    server.stop()


def test_pictures_of_a_busy_morning_the_board_and_the_lock(morning, browser):
    server, token, lobby, zone = morning
    kiosk_post(
        server,
        token,
        "heartbeat",
        {"at": datetime.now(UTC).isoformat(), "app_version": "0.1.0", "printer": {"state": "ok"}},
    )
    # A desk PC whose own clock is on another zone still shows the clinic's times.
    context = browser.new_context(
        viewport={"width": 1366, "height": 768}, timezone_id="America/Anchorage"
    )
    context, page = sign_in(browser, server, context=context)
    try:
        page.wait_for_function("() => document.querySelectorAll('li.alert').length >= 36")
        page.locator(".kiosk-item.online").wait_for()
        hand_off(
            server, token, "checkin_unconfirmed", {"first_name": "Amara", "last_name": "Okafor"}
        )
        first = page.locator("li.alert").first
        page.wait_for_function(
            "() => document.querySelector('li.alert .kind').textContent"
            " === 'Check-in not confirmed'"
            " && document.querySelector('li.alert').textContent.includes('Okafor')"
        )
        assert first.bounding_box()["y"] < 400
        assert page.locator("#arrival-count").text_content() == "30"
        longest = min(lobby.having("waiting"), key=lambda p: p.arrived)
        row = page.locator("#board-waiting tr").first
        assert row.locator("td").first.text_content().strip() == str(longest.ticket)
        assert zone.local(longest.arrived).strftime("%H:%M") in row.text_content()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "console-busy.png"))

        # The board alone, the fold closed: the waiting first, the rest behind a count.
        board = page.locator("section", has=page.locator("#arrivals-heading"))
        page.set_viewport_size({"width": 1366, "height": 2200})
        box = board.bounding_box()
        fold = page.locator("#board-fold")
        assert "Seen 250" in fold.text_content()
        bottom = fold.bounding_box()["y"] + fold.bounding_box()["height"] + 12
        clip = {"x": box["x"], "y": box["y"], "width": box["width"], "height": bottom - box["y"]}
        page.screenshot(path=str(ARTIFACTS / "console-board.png"), clip=clip)
        page.set_viewport_size({"width": 1366, "height": 768})

        page.get_by_role("button", name="Lock").click()
        page.wait_for_function(
            "() => /^[0-9]+ alerts need/.test(document.getElementById('lock-summary').textContent)"
        )
        assert "Okafor" not in page.content()
        page.screenshot(path=str(ARTIFACTS / "console-locked.png"))
        for name in ("console-busy.png", "console-board.png", "console-locked.png"):
            assert (ARTIFACTS / name).stat().st_size > 15_000, name
    finally:
        context.close()
