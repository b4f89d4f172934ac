"""The kiosk strip in Chromium: an offline or never-connected kiosk's printer is unknown.

A real server with short timings (heartbeats every 1 s, offline after 3 missed), kiosks
beating through the real kiosk API, the strip redrawn live as the watchdog notices.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from helpers.console_page import PASSWORD, kiosk_post, sign_in
from support import start_server

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

ENV = {
    "SEEN_HEARTBEAT_INTERVAL_S": "1",
    "SEEN_HEARTBEATS_MISSED_OFFLINE": "3",
    "SEEN_WATCHDOG_INTERVAL_S": "0.2",
    "SEEN_CONSOLE_ABSENT_S": "600",
}


@pytest.fixture
def server(tmp_path):
    live = start_server(tmp_path, env=ENV)
    yield live
    live.stop()


def beat(server, token: str, state: str = "ok", version: str = "0.1.0") -> None:
    body = {
        "at": datetime.now(UTC).isoformat(),
        "app_version": version,
        "printer": {"state": state, "detail": ""},
    }
    kiosk_post(server, token, "heartbeat", body)


def test_an_offline_kiosk_does_not_show_printer_ok(server, browser):
    server.add_user("ana", PASSWORD)
    token = server.add_kiosk("Entrance")
    server.add_kiosk("Back hall")  # never connected
    context, page = sign_in(browser, server)
    try:
        entrance = page.locator("li.kiosk-item", has_text="Entrance")
        never = page.locator("li.kiosk-item", has_text="Back hall")
        assert entrance.locator(".printer-state").text_content() == "Printer state unknown"
        beat(server, token, "ok")  # its first: a change, so the strip is redrawn at once
        entrance.locator(".kiosk-state", has_text="Online").wait_for()
        assert entrance.locator(".printer-state").text_content() == "Printer OK"
        assert entrance.locator(".kiosk-version").text_content() == "version 0.1.0"
        beat(server, token, "ok", version="0.2.0")  # upgraded: a change, redrawn at once
        entrance.locator(".kiosk-version", has_text="version 0.2.0").wait_for()
        assert never.locator(".kiosk-state").text_content() == "Never connected"
        assert never.locator(".kiosk-version").count() == 0  # never said what it runs
        assert never.locator(".printer-state").text_content() == "Printer state unknown"
        assert "printer-unknown" in never.get_attribute("class")

        # Silent past the threshold: the watchdog's kiosk_offline redraws the strip.
        entrance.locator(".kiosk-state", has_text="Offline").wait_for(timeout=15_000)
        assert entrance.locator(".printer-state").text_content() == "Printer state unknown"
        classes = entrance.get_attribute("class").split()
        assert "offline" in classes and "printer-unknown" in classes
        assert "printer-fault" not in classes
        assert "Printer OK" not in page.locator("#kiosks").text_content()
    finally:
        context.close()
