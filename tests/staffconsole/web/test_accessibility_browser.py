"""axe-core on every console page in Chromium, in busy states, with zero violations.

The console with every kind of card (new, seen, escalated, returned and escalated, an
open resolve form), the board with its fold open, the kiosks and the history; the
lock screen and its warning; the PIN dialog; the sign-in page with a message. At
1366 px and at 320 px (reflow). The report page is checked in its own browser test.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from helpers.accessibility import fits_width, violations
from helpers.console_page import PASSWORD, hand_off, sign_in
from helpers.lobby import clinic_at_midday, seed_lobby
from support import start_server

from staffconsole.clock import ClinicZone
from staffconsole.rules import alerting
from staffconsole.store.alerts import acknowledge_alert, apply_step, open_or_update_alert
from staffconsole.store.schema import open_db

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


@pytest.fixture
def busy(tmp_path):
    zone = clinic_at_midday()
    db = tmp_path / "seen.db"
    seed_lobby(
        db,
        ClinicZone(zone),
        datetime.now(UTC),
        waiting=[(50, 55), (12, 20), (3, -5)],
        seen=4,
        called_in=2,
    )
    server = start_server(tmp_path, db=db, env={"SEEN_CLINIC_TIMEZONE": zone})
    server.add_user("ana", PASSWORD)
    token = server.add_kiosk("Accueil Nord")
    conn = open_db(db)
    try:
        now = datetime.now(UTC) - timedelta(minutes=20)
        kiosk_id = conn.execute("select id from kiosks where name = 'Accueil Nord'").fetchone()[0]
        for i, (reason, steps) in enumerate(
            [("no_match", ["escalate"]), ("help", ["ack", "return", "escalate"]), ("not_me", [])]
        ):
            session = {"id": f"a11y-{i}", "kiosk_id": kiosk_id, "step": "identify"}
            entered = {"first_name": "Zoë", "last_name": "Παπαδοπούλου"}
            fields = alerting.handoff_alert(reason, session, "Accueil Nord", entered, now)
            alert, _ = open_or_update_alert(conn, fields)
            for step in steps:
                if step == "ack":
                    acknowledge_alert(conn, alert["id"], "ana", now + timedelta(minutes=1))
                else:
                    apply_step(conn, alert["id"], step, now + timedelta(minutes=5))
    finally:
        conn.close()
    yield server, token
    server.stop()


def card(page, kind):
    """The alert card of that kind (the hidden forms' words are in every card)."""
    return page.locator("li.alert").filter(has=page.locator(".kind", has_text=kind))


def busy_console(browser, server, token, width, height):
    hand_off(server, token, "walk_in", {"first_name": "Aroha", "last_name": "Te Rangi"})
    hand_off(server, token, "timed_out", {"last_name": "Nguyễn"})
    context, page = sign_in(browser, server, width=width, height=height)
    card(page, "Patient stopped partway").wait_for()
    walk_in = card(page, "Walk-in patient")
    walk_in.get_by_role("button", name="Acknowledge").click()
    page.wait_for_function("() => document.querySelectorAll('li.alert.acknowledged').length >= 1")
    timed_out = card(page, "Patient stopped partway")
    timed_out.get_by_role("button", name="Resolve").click()
    timed_out.locator("input[name=outcome]").first.check()
    timed_out.get_by_role("button", name="Resolve alert").click()
    timed_out.wait_for(state="detached")
    page.locator("#history-box summary").click()
    page.locator("#board-fold").click()
    page.locator("li.alert").first.get_by_role("button", name="Resolve").click()
    page.mouse.move(5, 5)
    return context, page


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (320, 640)])
def test_the_busy_console_has_no_violations(busy, browser, width, height):
    server, token = busy
    context, page = busy_console(browser, server, token, width, height)
    try:
        assert page.locator("li.alert.returned.escalated").count() == 1
        # A long-wait card says how long the patient has waited (50 min), not "just now".
        assert re.fullmatch(
            r"waiting 5\d min", card(page, "Long wait").locator(".ago").text_content()
        )
        assert page.locator("#kiosk-strip").is_visible()
        assert violations(page) == []
        assert fits_width(page)
    finally:
        context.close()


@pytest.mark.parametrize("width", [1366, 320])
def test_the_lock_screen_and_the_pin_dialog_have_no_violations(busy, browser, width):
    server, _ = busy
    context, page = sign_in(browser, server, width=width, height=700)
    try:
        page.locator("li.alert").first.wait_for()
        page.get_by_role("button", name="Set PIN").click()
        page.locator("#pin-dialog").wait_for(state="visible")
        assert violations(page) == []
        page.get_by_role("button", name="Cancel").click()
        page.get_by_role("button", name="Lock").click()
        page.locator("#lock-summary").wait_for(state="visible")
        page.wait_for_function(
            "() => /^[0-9]+ alerts/.test(document.getElementById('lock-summary').textContent)"
        )
        assert violations(page) == []
        assert fits_width(page)
    finally:
        context.close()


@pytest.mark.parametrize("width", [1366, 320])
def test_the_sign_in_page_has_no_violations(busy, browser, width):
    server, _ = busy
    context = browser.new_context(viewport={"width": width, "height": 640})
    page = context.new_page()
    try:
        page.goto(f"{server.url}/login")
        page.get_by_label("Username").fill("ana")
        page.get_by_label("Password").fill("wrong")
        page.get_by_role("button", name="Sign in").click()
        page.locator("#login-message").wait_for()
        assert violations(page) == []
        assert fits_width(page)
    finally:
        context.close()
