"""The console page in Chromium against a real server: live alerts, actions, not-live banner."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from helpers.console_page import hand_off, kiosk_post
from support import REPO

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

PASSWORD = "Sécurité d'abord-42"
ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture
def console(live_server, browser):
    """A signed-in console page at 1366×768; yields (page, kiosk token)."""
    live_server.add_user("ana", PASSWORD)
    token = live_server.add_kiosk("Front door")
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.goto(f"{live_server.url}/console")
    assert page.url.endswith("/login")
    page.get_by_label("Username").fill("ana")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/console")
    page.locator("#live.on").wait_for()
    assert page.locator("#not-live").is_hidden()
    yield page, token
    context.close()


def test_wrong_password_shows_a_plain_message(live_server, browser):
    live_server.add_user("ana", PASSWORD)
    page = browser.new_page()
    try:
        page.goto(f"{live_server.url}/login")
        page.get_by_label("Username").fill("ana")
        page.get_by_label("Password").fill("not it")
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("alert").wait_for()
        assert "do not match" in page.get_by_role("alert").text_content()
        assert page.url.endswith("/login")
    finally:
        page.close()


def test_hand_off_appears_live_and_is_handled(console, live_server):
    page, token = console
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    page.evaluate("window.__sameDocument = true")

    hand_off(live_server, token, "help", {"last_name": "O'Brien-Núñez <b>x</b>"})
    card = page.locator("li.alert", has_text="Patient asked for help")
    card.wait_for(timeout=10_000)
    assert "O'Brien-Núñez <b>x</b>" in card.locator(".summary").text_content()  # text, not HTML
    assert card.locator(".kiosk").text_content() == "Front door"
    assert card.locator(".status").text_content() == "New"
    # A function, not an expression: the page's CSP refuses the eval Playwright
    # polls an expression with.
    page.wait_for_function("() => document.title.startsWith('(1) ')")

    card.get_by_role("button", name="Acknowledge").click()
    card.locator(".status", has_text="Seen").wait_for()
    assert "seen by ana" in card.locator(".meta").text_content()
    page.wait_for_function("() => !document.title.startsWith('(')")

    card.get_by_role("button", name="Resolve").click()
    assert card.get_by_role("button", name="Acknowledge").is_hidden()
    assert card.get_by_role("button", name="Resolve", exact=True).is_hidden()
    card.get_by_label("Checked in at the desk").check()
    card.get_by_label("Note (optional)").fill("Came to the desk")
    card.get_by_role("button", name="Resolve alert").click()
    card.wait_for(state="detached", timeout=10_000)

    assert page.evaluate("window.__sameDocument") is True
    assert navigations == []
    lines = live_server.cli("alerts", "--all", "--json").stdout
    assert "checked_in_at_desk" in lines and "ana" in lines


def test_screenshot_with_alerts_and_arrivals(console, live_server, tmp_path):
    """The page docs/console.md shows, built through the real API; a walk-in is checked in
    at the desk and a patient called in on the way."""
    page, token = console
    today = datetime.now().date().isoformat()
    csv = tmp_path / "schedule.csv"
    csv.write_text(
        "external_id,first_name,last_name,dob,start,provider\n"
        f"A1,María José,Okafor,1980-02-04,{today}T00:30,Dr. Lee\n"
        f"A2,Seán,O'Neill,1975-07-19,{today}T23:50,Dr. N'Diaye\n",
        encoding="utf-8",
    )
    live_server.cli("import-schedule", str(csv))
    for last, dob in (("Okafor", "1980-02-04"), ("O'Neill", "1975-07-19")):
        session = uuid.uuid4().hex
        match = kiosk_post(
            live_server, token, "lookup", {"session": session, "last_name": last, "dob": dob}
        )["matches"][0]
        kiosk_post(
            live_server, token, "checkin", {"session": session, "appointment": match["appointment"]}
        )
    kiosk_post(
        live_server,
        token,
        "heartbeat",
        {
            "at": datetime.now(UTC).isoformat(),
            "app_version": "0.1.0",
            "printer": {"state": "paper_near_end", "detail": ""},
        },
    )
    hand_off(
        live_server,
        token,
        "walk_in",
        {"first_name": "Aroha", "last_name": "Te Rangi", "phone": "021 555 0101"},
    )
    walk_in = page.locator("li.alert", has_text="Walk-in patient")
    walk_in.get_by_role("button", name="Check in at desk").click()
    assert walk_in.get_by_label("Last name").input_value() == "Te Rangi"
    walk_in.get_by_label("Date of birth (optional)").fill("2001-12-24")
    walk_in.get_by_role("button", name="Check in", exact=True).click()
    walk_in.wait_for(state="detached", timeout=10_000)
    waiting = page.locator("#board-waiting tr")
    waiting.nth(2).wait_for(timeout=10_000)
    maria, sean, walk_in = (
        waiting.filter(has_text=name) for name in ("María José O.", "Seán O.", "Aroha T.")
    )
    assert [row.locator("td.ticket").text_content() for row in (maria, sean, walk_in)] == [
        "1",
        "2",
        "3",
    ]
    assert sean.locator(".provider").text_content() == "Dr. N'Diaye"
    assert walk_in.locator(".provider").text_content() == "Walk-in"
    assert page.locator("#arrivals-heading").text_content() == "Waiting 3"
    page.get_by_role("button", name="Called in: Seán O.").click()
    page.locator("#arrivals-heading", has_text="Waiting 2").wait_for()
    fold = page.get_by_role("button", name="Called in 1 · Seen 0")
    fold.click()
    page.locator("#board-done tr", has_text="Seán O.").locator(
        "td.wait", has_text="Called in"
    ).wait_for()
    # Late for 00:30, so the wait counts from arrival: just arrived, a calm colour.
    assert maria.locator("td.wait").get_attribute("class") == "wait ok"

    hand_off(live_server, token, "no_match", {"last_name": "Smyth", "dob": "1990-03-01"})
    hand_off(live_server, token, "help", {})
    page.locator("li.alert", has_text="Receipt printer needs attention").wait_for(timeout=10_000)
    page.locator("#kiosks li", has_text="Paper nearly out").wait_for()
    page.locator("li.alert", has_text="Patient asked for help").get_by_role(
        "button", name="Acknowledge"
    ).click()
    page.locator("li.alert.acknowledged").wait_for()
    assert page.locator("#history-count").text_content() == "1"
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366  # nothing cut off
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "console.png"))
    assert (ARTIFACTS / "console.png").stat().st_size > 10_000


def test_banner_shows_when_the_server_goes_away(console, live_server):
    page, _ = console
    banner = page.locator("#not-live")
    assert banner.is_hidden()
    live_server.stop()
    banner.wait_for(state="visible", timeout=15_000)
    assert banner.text_content() == "Not live — reconnecting"
    assert page.locator("#live").text_content() == "Not live"


def test_keyboard_reaches_the_actions(console, live_server):
    page, token = console
    hand_off(live_server, token, "walk_in", {})
    page.locator("li.alert", has_text="Walk-in").wait_for(timeout=10_000)
    focused = []
    for _ in range(8):
        page.keyboard.press("Tab")
        focused.append(page.evaluate("document.activeElement.textContent.trim()"))
    assert "Sign out" in focused and "Acknowledge" in focused and "Resolve" in focused
