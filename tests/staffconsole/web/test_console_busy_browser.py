"""A busy morning at the desk, in Chromium against a real server.

A receptionist who only scrolls and clicks stays in; one who looks away gets a warning,
then the lock screen (not the sign-in page) that still counts and sounds; a hand-off
during the lock is there on unlock. With 200 escalated alerts open, a new urgent one is
first; acknowledging leaves the card under the pointer; resolving needs an outcome and
moves the keyboard on; a frozen server shows "Not live" within 10 s.
"""

from __future__ import annotations

import os
import signal
import time
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import urlparse

import pytest
import requests
from helpers.console_page import PASSWORD, hand_off, sign_in
from support import start_server

from staffconsole.auth.kiosks import list_kiosks
from staffconsole.rules import alerting
from staffconsole.store.alerts import apply_step, open_or_update_alert
from staffconsole.store.schema import open_db

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

IDLE_S = 24
LOCKING = {
    "SEEN_CONSOLE_IDLE_LOGOFF_MIN": str(IDLE_S / 60),
    "SEEN_WATCHDOG_INTERVAL_S": "0.5",
}


@pytest.fixture
def server(tmp_path):
    server = start_server(tmp_path)
    server.add_user("ana", PASSWORD)
    yield server
    server.stop()


@pytest.fixture
def locking(tmp_path):
    """A server whose console locks after IDLE_S seconds without activity."""
    server = start_server(tmp_path, env=LOCKING)
    server.add_user("ana", PASSWORD)
    yield server
    server.stop()


def kiosk_id(server, name):
    db = open_db(server.db)
    try:
        return next(k["id"] for k in list_kiosks(db) if k["name"] == name)
    finally:
        db.close()


def escalated_alerts(server, kiosk_name, count, reason="no_match"):
    """`count` open, escalated hand-offs written straight into the server's database."""
    kid = kiosk_id(server, kiosk_name)
    db = open_db(server.db)
    try:
        start = datetime.now(UTC) - timedelta(hours=2)
        for i in range(count):
            at = start + timedelta(seconds=20 * i)
            session = {"id": f"old-{i}-{uuid.uuid4().hex[:6]}", "kiosk_id": kid, "step": "identify"}
            entered = {"first_name": "Zoë", "last_name": f"Παπαδοπούλου {i}"}
            fields = alerting.handoff_alert(reason, session, kiosk_name, entered, at)
            alert, _ = open_or_update_alert(db, fields)
            apply_step(db, alert["id"], "escalate", at + timedelta(minutes=4))
    finally:
        db.close()


def heartbeat(server, token):
    r = requests.post(
        f"{server.url}/api/v1/kiosk/heartbeat",
        json={
            "at": datetime.now(UTC).isoformat(),
            "app_version": "test",
            "printer": {"state": "ok", "detail": ""},
        },
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )
    assert r.status_code == 200, r.text
    return r.json()


def test_an_active_receptionist_stays_in_an_idle_one_is_locked_not_signed_out(locking, browser):
    server = locking
    token = server.add_kiosk("Front door")
    hand_off(server, token, "help", {"first_name": "Łukasz", "last_name": "Wałęsa"})
    context, page = sign_in(browser, server)
    try:
        page.locator("li.alert", has_text="Patient asked for help").wait_for()
        # Only scrolling and clicking on the page (no server calls of its own) for
        # longer than the idle limit.
        started = time.monotonic()
        while time.monotonic() - started < IDLE_S * 1.6:
            page.mouse.move(300, 400)
            page.mouse.wheel(0, 120)
            page.mouse.click(700, 740)  # an empty spot
            page.wait_for_timeout(2_000)
            assert page.locator("#lock").is_hidden()
        assert page.url == f"{server.url}/console"
        assert page.locator("#lock-warning").is_hidden()

        # Now the receptionist looks away: a warning first, then the lock.
        page.locator("#lock-warning").wait_for(state="visible", timeout=IDLE_S * 1000)
        assert page.locator("#lock").is_hidden()
        page.locator("#lock").wait_for(state="visible", timeout=IDLE_S * 1000)
        assert page.url == f"{server.url}/console"  # not the sign-in page
        assert page.locator("#live").text_content() == "Live"
        assert "1 alert needs attention" in page.locator("#lock-summary").text_content()
        html = page.content()
        assert "Wałęsa" not in html and "Łukasz" not in html  # no patient details left

        # Still a watching console for kiosks: no patient is sent to the desk for it.
        assert heartbeat(server, token)["console_live"] is True

        # A hand-off during the lock is counted, sounded and announced.
        requested = page.evaluate("seenSound.requested")
        hand_off(server, token, "no_match", {"first_name": "Siobhán", "last_name": "Ní Bhriain"})
        page.wait_for_function(
            "() => document.getElementById('lock-summary').textContent.startsWith('2 alerts')",
            timeout=10_000,
        )
        assert "Kiosk could not find the appointment" in page.locator("#lock-kinds").text_content()
        page.wait_for_function(f"() => seenSound.requested > {requested}", timeout=5_000)
        page.wait_for_function(
            "() => document.getElementById('announce').textContent.includes('New while locked')"
        )
        assert "Ní Bhriain" not in page.content()

        # A wrong password is a plain message; the right one shows everything again.
        page.locator("#unlock-secret").fill("not my password")
        page.get_by_role("button", name="Unlock").click()
        page.wait_for_function(
            "() => document.getElementById('unlock-error').textContent.includes('does not match')"
        )
        page.locator("#unlock-secret").fill(PASSWORD)
        page.get_by_role("button", name="Unlock").click()
        page.locator("li.alert", has_text="Ní Bhriain").wait_for(timeout=10_000)
        assert page.locator("#lock").is_hidden()
        assert page.locator("li.alert").count() == 2
    finally:
        context.close()


def test_a_pin_set_on_the_page_unlocks_it(locking, browser):
    server = locking
    context, page = sign_in(browser, server)
    try:
        page.get_by_role("button", name="Set PIN").click()
        page.get_by_label("Your password").fill(PASSWORD)
        page.get_by_label("New PIN").fill("4071")
        page.get_by_label("The same PIN again").fill("4071")
        page.get_by_role("button", name="Save PIN").click()
        page.locator("#pin-dialog").wait_for(state="hidden")
        page.get_by_role("button", name="Lock").click()
        page.locator("#lock").wait_for(state="visible")
        page.locator("#unlock-secret").fill("4071")
        page.keyboard.press("Enter")
        page.locator("#lock").wait_for(state="hidden", timeout=10_000)
        assert page.locator("#console-main").is_visible()
    finally:
        context.close()


def test_a_new_urgent_alert_is_first_with_200_escalated_ones_open(server, browser):
    token = server.add_kiosk("Front door")
    escalated_alerts(server, "Front door", 200)
    context, page = sign_in(browser, server)
    try:
        page.wait_for_function("() => document.querySelectorAll('li.alert').length === 200")
        hand_off(server, token, "help", {"first_name": "Amara", "last_name": "Okafor"})
        page.wait_for_function("() => document.querySelectorAll('li.alert').length === 201")
        first = page.locator("li.alert").first
        assert "Patient asked for help" in first.locator(".kind").text_content()
        assert first.is_visible() and first.bounding_box()["y"] < 768
        # Escalated is a badge on each old card, not a jump over the new one.
        assert page.locator("li.alert.escalated").count() == 200
        page.wait_for_function(
            "() => document.getElementById('announce').textContent.includes('Patient asked for help')"
        )
    finally:
        context.close()


def test_acknowledging_leaves_the_card_under_the_pointer(server, browser):
    token = server.add_kiosk("Front door")
    for i in range(12):
        hand_off(server, token, "no_match", {"last_name": f"Nguyễn {i}"})
    context, page = sign_in(browser, server)
    try:
        page.wait_for_function("() => document.querySelectorAll('li.alert.open').length === 12")
        card = page.locator("li.alert").nth(3)
        card_id = card.get_attribute("data-alert-id")
        ack = card.get_by_role("button", name="Acknowledge")
        ack.scroll_into_view_if_needed()
        before = card.bounding_box()
        box = ack.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.down()
        page.mouse.up()
        page.wait_for_function(
            f"() => document.querySelector('li.alert[data-alert-id=\"{card_id}\"]')"
            ".classList.contains('acknowledged')",
            timeout=10_000,
        )
        page.wait_for_timeout(500)
        after = page.locator(f'li.alert[data-alert-id="{card_id}"]').bounding_box()
        assert abs(after["y"] - before["y"]) < 2
        under = page.evaluate(
            f"document.elementFromPoint({box['x'] + 5}, {box['y'] + 5})"
            ".closest('li.alert').dataset.alertId"
        )
        assert under == card_id
        # The keyboard is still on the card, ready to resolve.
        assert page.evaluate("document.activeElement.textContent") == "Resolve"

        # Once the person moves away, it settles below the unacknowledged ones.
        page.mouse.move(5, 5)
        page.locator("h2#arrivals-heading").click()
        page.wait_for_function(
            f"() => [...document.querySelectorAll('li.alert')].pop().dataset.alertId === '{card_id}'"
        )
    finally:
        context.close()


def test_resolving_needs_an_outcome_and_moves_the_keyboard_on(server, browser):
    token = server.add_kiosk("Front door")
    for name in ("Ōtsuka", "O'Brien-Núñez", "Иванова"):
        hand_off(server, token, "help", {"last_name": name})
    context, page = sign_in(browser, server)
    try:
        page.wait_for_function("() => document.querySelectorAll('li.alert').length === 3")
        card = page.locator("li.alert").first
        card_id = card.get_attribute("data-alert-id")
        card.get_by_role("button", name="Resolve").click()
        assert card.locator("input[name=outcome]:checked").count() == 0
        card.get_by_label("Note (optional)").fill("spoke to them")
        page.keyboard.press("Enter")  # no outcome chosen: nothing is resolved by accident
        page.wait_for_timeout(1_000)
        assert page.locator(f'li.alert[data-alert-id="{card_id}"]').count() == 1
        card.locator("input[name=outcome]").nth(1).check()
        card.get_by_role("button", name="Resolve alert").click()
        page.wait_for_function(
            f"() => !document.querySelector('li.alert[data-alert-id=\"{card_id}\"]')",
            timeout=10_000,
        )
        page.wait_for_function("() => document.activeElement.closest('li.alert') !== null")
        assert page.evaluate("document.activeElement.tagName") == "BUTTON"
    finally:
        context.close()


def test_a_frozen_server_is_not_live_within_10_s_and_errors_clear_when_back(
    tmp_path, server, browser
):
    token = server.add_kiosk("Front door")
    hand_off(server, token, "help", {})
    context, page = sign_in(browser, server)
    try:
        page.locator("li.alert").first.wait_for()
        os.kill(server.process.pid, signal.SIGSTOP)
        try:
            stopped = time.monotonic()
            page.locator("#not-live").wait_for(state="visible", timeout=10_000)
            assert time.monotonic() - stopped < 10
            assert page.locator("#live").text_content() == "Not live"
        finally:
            os.kill(server.process.pid, signal.SIGCONT)
        page.locator("#not-live").wait_for(state="hidden", timeout=15_000)

        # An action while the server is gone fails plainly; the message goes once live.
        server.stop()
        page.locator("#not-live").wait_for(state="visible", timeout=10_000)
        page.locator("li.alert").first.get_by_role("button", name="Acknowledge").click()
        error = page.locator("li.alert .error").first
        page.wait_for_function(
            "() => document.querySelector('li.alert .error').textContent.includes('Could not reach')"
        )
        again = start_server(tmp_path, server.db, port=urlparse(server.url).port)
        try:
            page.locator("#not-live").wait_for(state="hidden", timeout=20_000)
            page.wait_for_function(
                "() => document.querySelector('li.alert .error').textContent === ''"
            )
            assert error.text_content() == ""
        finally:
            again.stop()
    finally:
        context.close()
