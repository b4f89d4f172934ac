"""The promise end to end: a patient taps "I need help" on the real kiosk, and the
alert appears on a receptionist's open console page without a reload.

Real parts only: uvicorn as a process, the Kivy app under Xvfb driven by touch
events, the simulated printer on a pty, and the console in headless Chromium.
"""

from __future__ import annotations

from datetime import date

import pytest
from helpers.kiosk_harness import run_scenario, write_config

from hardware.simulator import SimulatedPrinter

pytestmark = [pytest.mark.e2e, pytest.mark.ui, pytest.mark.browser]

PASSWORD = "Recepción-2026"


@pytest.fixture
def console_page(live_server, browser):
    live_server.add_user("rosa", PASSWORD)
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.goto(f"{live_server.url}/login")
    page.get_by_label("Username").fill("rosa")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/console")
    page.locator("#live", has_text="Live").wait_for()
    yield page
    context.close()


def test_help_on_the_kiosk_shows_live_on_the_console(
    live_server, console_page, xvfb_display, tmp_path
):
    today = date.today().isoformat()
    csv = tmp_path / "schedule.csv"
    csv.write_text(
        "external_id,first_name,last_name,dob,start,provider\n"
        f"e2e-1,Zoë,D'Arcy-Nkemelu,1966-09-14,{today}T09:45,Dr. Ivanova\n",
        encoding="utf-8",
    )
    live_server.cli("import-schedule", str(csv))
    token = live_server.add_kiosk("Lobby kiosk 1")

    page = console_page
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    page.evaluate("window.__sameDocument = true")
    assert page.locator("li.alert").count() == 0

    with SimulatedPrinter() as printer:
        config = write_config(tmp_path / "kiosk.toml", live_server.url, token, printer=printer.port)
        steps = [
            {"tap": "start"},
            {"type": "D'Arcy"},
            {"tap": "help"},
            {"wait_screen": "handoff"},
            {"expect_text": "Someone from the front desk is coming to you", "timeout": 5},
            {"sleep": 1.5},  # the outbox delivers while the app still runs
        ]
        run_scenario(xvfb_display, config, steps, tmp_path)
        assert printer.text() == ""  # a hand-off prints no ticket

    card = page.locator("li.alert", has_text="Patient asked for help")
    card.wait_for(timeout=15_000)
    assert card.locator(".kiosk").text_content() == "Lobby kiosk 1"
    assert "D'Arcy" in card.locator(".summary").text_content()
    assert card.locator(".status").text_content() == "New"
    # A function, not an expression: the page's CSP refuses the eval Playwright
    # polls an expression with.
    page.wait_for_function("() => document.title.startsWith('(1) ')")
    assert page.evaluate("window.__sameDocument") is True
    assert navigations == []


def test_walk_in_from_the_kiosk_is_checked_in_at_the_desk(
    live_server, console_page, xvfb_display, tmp_path
):
    token = live_server.add_kiosk("Lobby kiosk 2")
    page = console_page
    page.evaluate("window.__sameDocument = true")
    config = write_config(tmp_path / "kiosk.toml", live_server.url, token)
    steps = [
        {"tap": "start"},
        {"tap": "walk_in"},
        {"wait_screen": "walk_in"},
        {"type": "Ngozi"},
        {"tap": "field_last_name"},
        {"type": "Ó Dálaigh"},
        {"tap": "send"},
        {"wait_screen": "handoff"},
        {"sleep": 1.5},
    ]
    run_scenario(xvfb_display, config, steps, tmp_path)

    card = page.locator("li.alert", has_text="Walk-in patient")
    card.wait_for(timeout=15_000)
    assert card.locator(".kiosk").text_content() == "Lobby kiosk 2"
    card.get_by_role("button", name="Check in at desk").click()
    assert card.get_by_label("Last name").input_value() == "Ó Dálaigh"
    card.get_by_role("button", name="Check in", exact=True).click()
    card.wait_for(state="detached", timeout=10_000)
    row = page.locator("#arrivals tbody tr", has_text="Ngozi Ó.")
    row.wait_for(timeout=10_000)
    assert "Walk-in" in row.text_content()
    assert page.evaluate("window.__sameDocument") is True
    audit = live_server.cli("audit", "--json").stdout
    assert "rosa" in audit and "walk" in audit.lower()
