"""The admins' page in Chromium against a real server: logins and kiosks, by mouse and keys.

An admin adds a login (the policy refusing a weak password first), resets a
receptionist's password with the keyboard alone (her open console is signed out),
disables a login, renames a kiosk (its token still works), adds one and sees its
token once, revokes one after confirming; names with markup stay text; axe finds nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import requests
from helpers.accessibility import fits_width, violations
from helpers.console_page import PASSWORD, sign_in
from support import REPO, start_server, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

ARTIFACTS = REPO / "test-artifacts"
NEW_PASSWORD = "Mañana-später 2026"
MARKUP_USER = "<script>window.__xss=1</script>"
MARKUP_KIOSK = '<img src=x onerror="window.__xss=1"> Lobby'


def heartbeat(server, token: str, version: str = "2.1.0") -> int:
    body = {
        "at": datetime.now(UTC).isoformat(),
        "app_version": version,
        "printer": {"state": "paper_near_end", "detail": ""},
    }
    r = requests.post(
        f"{server.url}/api/v1/kiosk/heartbeat",
        json=body,
        timeout=5,
        headers={"Authorization": f"Bearer {token}"},
    )
    return r.status_code


@pytest.fixture
def server(tmp_path):
    served = start_server(tmp_path)
    served.cli("user", "add", "maria", "--role", "admin", input=PASSWORD + "\n")
    served.add_user("ana", PASSWORD)
    served.add_kiosk(MARKUP_KIOSK)
    served.add_kiosk("Old kiosk")
    assert heartbeat(served, served.kiosk_tokens[MARKUP_KIOSK]) == 200
    yield served
    served.stop()


def says(page, selector: str, words: str) -> None:
    """Wait until the element's text holds `words` (the page answers after a round trip)."""
    found = lambda: words in page.locator(selector).text_content()
    wait_for(found, timeout=30, what=f"{words!r} in {selector}")


def row(page, table: str, name: str):
    return page.locator(f"#{table} tbody tr").filter(has=page.get_by_role("rowheader", name=name))


def test_an_admin_manages_logins_and_kiosks_from_the_page(server, browser):
    ana_context, ana_page = sign_in(browser, server, "ana")  # her console, open at the desk
    context, page = sign_in(browser, server, "maria")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    try:
        page.get_by_role("link", name="Staff and kiosks").click()
        page.wait_for_url(f"{server.url}/console/admin")
        row(page, "users", "ana").wait_for()
        assert row(page, "users", "ana").locator("td").nth(0).text_content() == "receptionist"
        me = row(page, "users", "maria (you)")
        assert me.get_by_role("button", name="Disable maria").count() == 0  # no foot-gun
        assert me.get_by_role("button", name="Remove maria").count() == 0
        assert "Not known" not in me.text_content()  # maria signed in just now

        kiosk = row(page, "kiosks", MARKUP_KIOSK)
        kiosk.wait_for()
        cells = [kiosk.locator("td").nth(i).text_content() for i in range(4)]
        assert cells[0] == "Active" and cells[2] == "2.1.0" and cells[3] == "Paper nearly out"
        assert cells[1] != "Never"

        # A new login: the policy refuses a weak password, with its reason, on the page.
        page.get_by_label("Username").fill(MARKUP_USER)
        page.get_by_label("Role").select_option("receptionist")
        page.get_by_label("First password").fill("password1234")
        page.get_by_role("button", name="Add login").click()
        says(page, "#add-user-error", "common")
        page.get_by_label("First password").fill(NEW_PASSWORD)
        page.get_by_role("button", name="Add login").click()
        row(page, "users", MARKUP_USER).wait_for()
        assert page.locator("#admin-status").text_content().startswith("Login <script>")
        assert page.evaluate("window.__xss") is None
        assert page.locator("#user-rows script, #kiosk-rows img").count() == 0

        assert violations(page) == []  # axe-core: WCAG 2.2 A/AA and best practices

        # Ana's password, with the keyboard alone; her open console is signed out.
        page.get_by_role("button", name="Reset password ana").focus()
        page.keyboard.press("Enter")
        dialog = page.get_by_role("dialog", name="New password for ana")
        dialog.wait_for()
        assert page.evaluate("document.activeElement.id") == "reset-password"
        page.keyboard.type("too short")
        page.keyboard.press("Tab")
        page.keyboard.type("too short")
        page.keyboard.press("Enter")
        says(page, "#password-error", "12")
        assert violations(page) == []  # the dialog open, with its refusal
        page.locator("#reset-password").fill(NEW_PASSWORD)
        page.locator("#reset-again").fill(NEW_PASSWORD)
        page.locator("#reset-again").press("Enter")
        dialog.wait_for(state="hidden")
        assert "signed out everywhere" in page.locator("#admin-status").text_content()
        ana_page.wait_for_url(f"{server.url}/login**", timeout=20_000)
        ana_context.close()
        _, ana_page = sign_in(browser, server, "ana", password=NEW_PASSWORD)
        ana_page.context.close()

        # Disable the new login.
        row(page, "users", MARKUP_USER).get_by_role("button", name="Disable").click()
        wait_for(
            lambda: (
                row(page, "users", MARKUP_USER).locator("td").nth(1).text_content() == "Disabled"
            ),
            timeout=30,
            what="the login shown disabled",
        )

        # Rename the kiosk; its token goes on working.
        kiosk.get_by_role("button", name="Rename").click()
        page.get_by_label("New name").fill("Reception east")
        page.get_by_role("button", name="Rename kiosk", exact=True).click()
        row(page, "kiosks", "Reception east").wait_for()
        assert heartbeat(server, server.kiosk_tokens[MARKUP_KIOSK]) == 200

        # A new kiosk: its token shown once, with what to do with it.
        page.get_by_label("Kiosk name").fill("Lobby kiosk 2")
        page.get_by_role("button", name="Add kiosk").click()
        shown = page.get_by_label("Kiosk token")
        shown.wait_for()
        token = shown.input_value()
        assert len(token) >= 40 and heartbeat(server, token) == 200
        assert "shown only this once" in page.locator("#new-token").text_content()
        assert page.evaluate("document.activeElement.id") == "new-token-value"
        page.get_by_role("button", name="Copy token").click()
        says(page, "#copy-state", "Copied.")
        assert page.evaluate("navigator.clipboard.readText()") == token
        assert violations(page) == []  # with the token box
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "admin.png"), full_page=True)
        page.get_by_role("button", name="I have copied it: hide it").click()
        assert page.locator("#new-token").is_hidden() and shown.input_value() == ""
        page.reload()
        row(page, "kiosks", "Lobby kiosk 2").wait_for()
        assert token not in page.content()
        listing = page.evaluate("fetch('/api/v1/console/admin/kiosks').then(r => r.text())")
        assert token not in listing

        # Revoke, after confirming (Cancel first changes nothing).
        old = row(page, "kiosks", "Old kiosk")
        old.get_by_role("button", name="Revoke").click()
        page.get_by_role("dialog", name="Revoke Old kiosk?").get_by_role(
            "button", name="Cancel"
        ).click()
        assert old.locator("td").nth(0).text_content() == "Active"
        old.get_by_role("button", name="Revoke").click()
        page.locator("#confirm-dialog").get_by_role("button", name="Revoke Old kiosk").click()
        wait_for(
            lambda: old.locator("td").nth(0).text_content() == "Revoked",
            timeout=30,
            what="the kiosk shown revoked",
        )
        assert heartbeat(server, server.kiosk_tokens["Old kiosk"]) == 401

        page.set_viewport_size({"width": 320, "height": 640})
        assert fits_width(page)
        assert violations(page) == []
    finally:
        context.close()
