"""The console page in Chromium, with the escalation ladder on short configured times.

A real server (uvicorn) with SEEN_* times of a few seconds: an alert appears without a
reload, sounds, escalates (and sounds again) when left alone, comes back after the
acknowledgement times out, and is resolved with an outcome; the audit log has each step. Then the server is
stopped and started again on the same port and database: the banner comes and goes
and the page resyncs from a snapshot.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import urlparse

import pytest
from helpers.console_page import PASSWORD, hand_off, sign_in
from support import start_server

from staffconsole.auth.kiosks import list_kiosks
from staffconsole.rules import alerting
from staffconsole.store.alerts import open_or_update_alert
from staffconsole.store.schema import open_db

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

QUICK = {
    "SEEN_WATCHDOG_INTERVAL_S": "0.2",
    "SEEN_ESCALATE_AFTER_S": "4",
    "SEEN_ACK_TIMEOUT_S": "4",
}


@pytest.fixture
def quick_server(tmp_path):
    server = start_server(tmp_path, env=QUICK)
    server.add_user("ana", PASSWORD)
    yield server
    server.stop()


def sounds(page) -> dict:
    return page.evaluate("({requested: seenSound.requested, played: seenSound.played})")


def test_alert_sounds_escalates_returns_and_is_resolved(quick_server, browser):
    server = quick_server
    token = server.add_kiosk("Accueil Nord")
    context, page = sign_in(browser, server)
    # The operating system's notifications are an edge we do not own: record them instead,
    # and say the page is behind another window.
    page.add_init_script("""
        window.__notes = [];
        window.Notification = class {
            constructor(title, options) { window.__notes.push([title, options.body]); }
            static requestPermission() { return Promise.resolve("granted"); }
        };
        window.Notification.permission = "granted";
        document.hasFocus = () => false;
    """)
    page.reload()
    page.locator("#live.on").wait_for()
    try:
        page.get_by_role("button", name="Turn on sound").click()
        assert page.locator("#sound-state").text_content() == "Sound on"
        page.evaluate("window.__sameDocument = true")

        hand_off(server, token, "help", {"last_name": "Nguyễn-O'Hara"})
        card = page.locator("li.alert", has_text="Patient asked for help")
        card.wait_for(timeout=10_000)
        assert card.locator(".status").text_content() == "New"
        # A function, not an expression: the page's CSP refuses the eval Playwright
        # polls an expression with.
        page.wait_for_function("() => seenSound.requested >= 1 && seenSound.played >= 1")

        # Left alone: it escalates, and the escalation sounds at once (sound.js's
        # reminders are 30 s or more apart; test_console_sound_browser.py has those).
        before = sounds(page)["requested"]
        card.locator(".status", has_text="Escalated").wait_for(timeout=10_000)
        page.wait_for_function(f"() => seenSound.requested > {before}", timeout=2_000)
        assert page.evaluate("seenSound.log.at(-1).pattern") == "new"
        assert "escalated" in card.get_attribute("class")
        notes = page.evaluate("window.__notes")
        assert notes[:2] == [
            ["Patient asked for help", "Seen — Accueil Nord"],
            ["Escalated: Patient asked for help", "Seen — Accueil Nord"],
        ]
        assert "Nguyễn" not in str(notes)

        # Pausing silences the sound only: the card stays and its return still counts.
        page.get_by_role("button", name="Pause sound 2 min").click()
        assert "Sound paused" in page.locator("#sound-state").text_content()
        paused = sounds(page)

        card.get_by_role("button", name="Acknowledge").click()
        card.locator(".status", has_text="Seen").wait_for()
        assert "escalated" not in card.get_attribute("class")
        # Acknowledged but not resolved: back as new after the (4 s) timeout.
        card.locator(".status", has_text="Back — not resolved").wait_for(timeout=10_000)
        assert "seen by ana but not resolved" in card.locator(".meta").text_content()
        page.wait_for_function(f"() => seenSound.requested > {paused['requested']}", timeout=2_000)
        assert sounds(page)["played"] == paused["played"]
        assert card.is_visible()

        card.get_by_role("button", name="Acknowledge").click()
        card.get_by_role("button", name="Resolve").click()
        card.get_by_label("Patient left").check()
        card.get_by_label("Note (optional)").fill("Left before we could help")
        card.get_by_role("button", name="Resolve alert").click()
        card.wait_for(state="detached", timeout=10_000)
        page.locator("#history-box summary").click()
        history = page.locator("#history li").first
        assert "Patient left" in history.text_content()
        assert "Left before we could help" in history.text_content()
        assert page.evaluate("window.__sameDocument") is True
    finally:
        context.close()

    audit = [
        json.loads(line) for line in server.cli("audit", "--changes", "--json").stdout.splitlines()
    ]
    actions = [entry["action"] for entry in audit]
    assert actions[:2] == ["user.add", "kiosk.add"]
    assert actions[2:] == ["login.ok", "alert.acknowledge", "alert.acknowledge", "alert.resolve"]
    assert audit[-1]["detail"] == {"outcome": "patient_left"}
    # The page's view of the patient lists was a read, audited apart from the changes.
    everything = server.cli("audit", "--json").stdout
    assert '"action": "read.console.stream"' in everything or "read.console.stream" in everything


def test_banner_comes_and_goes_with_the_server_and_the_page_resyncs(tmp_path, browser):
    server = start_server(tmp_path)
    server.add_user("ana", PASSWORD)
    token = server.add_kiosk("Lobby kiosk 1")
    context, page = sign_in(browser, server, width=820, height=1180)  # a tablet, upright
    try:
        banner = page.locator("#not-live")
        server.stop()
        banner.wait_for(state="visible", timeout=15_000)
        assert banner.text_content() == "Not live — reconnecting"

        # While it is down, something changes in the database (as the restarted server's
        # watchdog would find): the page must show it from the snapshot on reconnect.
        db = open_db(server.db)
        try:
            kiosk = list_kiosks(db)[0]
            fields = alerting.handoff_alert(
                "walk_in",
                {"id": "while-down", "kiosk_id": kiosk["id"], "step": "welcome"},
                kiosk["name"],
                {"first_name": "Aroha"},
                datetime.now(UTC),
            )
            open_or_update_alert(db, fields)
        finally:
            db.close()

        again = start_server(tmp_path, server.db, port=urlparse(server.url).port)
        try:
            banner.wait_for(state="hidden", timeout=20_000)
            assert page.locator("#live").text_content() == "Live"
            page.locator("li.alert", has_text="Walk-in patient").wait_for(timeout=5_000)
            hand_off(again, token, "help", {})
            page.locator("li.alert", has_text="Patient asked for help").wait_for(timeout=10_000)
            # Tablet width: one column, nothing wider than the screen.
            assert page.evaluate("document.documentElement.scrollWidth") <= 820
        finally:
            again.stop()
    finally:
        context.close()


def test_a_session_ended_elsewhere_sends_the_page_to_sign_in(quick_server, browser):
    """The stream's `signed_out` takes the page to the sign-in form with the reason
    (idle logoff itself, 15 min, is driven with a fake clock in test_stream.py)."""
    server = quick_server
    token = server.add_kiosk("Lobby kiosk 1")
    context, page = sign_in(browser, server)
    try:
        db = open_db(server.db)
        try:
            db.execute("DELETE FROM staff_sessions")
            db.conn.commit()
        finally:
            db.close()
        hand_off(server, token, "help", {})  # a change makes the stream re-check the session
        page.wait_for_url(f"{server.url}/login?reason=expired", timeout=10_000)
        assert "Your session has ended" in page.locator("#login-message").text_content()
    finally:
        context.close()
