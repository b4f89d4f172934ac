"""Every page works under the Content-Security-Policy in real Chromium.

A violation is what Chromium reports as a `securitypolicyviolation` event (recorded by
an init script, which the policy does not govern) or a console error naming the policy.
The console page must still go live over the event stream and show a hand-off.
"""

from __future__ import annotations

import pytest
from helpers.console_page import PASSWORD, hand_off, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

RECORD = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def watch(context) -> list[str]:
    """Every CSP complaint on the context's pages: console messages, then events."""
    complaints: list[str] = []
    context.add_init_script(RECORD)

    def on_page(page):
        page.on(
            "console",
            lambda m: complaints.append(m.text) if "Content Security Policy" in m.text else None,
        )

    context.on("page", on_page)
    return complaints


def violations(page) -> list[str]:
    return page.evaluate("window.__csp")


def test_every_page_works_under_the_policy(live_server, browser):
    live_server.add_user("ana", PASSWORD)
    live_server.cli("user", "add", "root", "--role", "admin", input=PASSWORD + "\n")
    token = live_server.add_kiosk("Front door")
    hand_off(live_server, token, "help", {"last_name": "Okafor"})

    context = browser.new_context(viewport={"width": 1366, "height": 768})
    complaints = watch(context)
    try:
        # Sign-in page and the console, live over the stream, with the hand-off shown.
        context, page = sign_in(browser, live_server, context=context)
        assert page.evaluate("window.__csp") == []
        page.locator("li.alert", has_text="Okafor").wait_for()
        hand_off(live_server, token, "no_match", {"last_name": "Zielińska"})
        page.locator("li.alert", has_text="Zielińska").wait_for()  # a change, live
        assert violations(page) == []

        page.goto(f"{live_server.url}/console/report")
        page.locator("#report-title").wait_for()
        assert page.locator("svg.chart").count() >= 2
        # The stylesheet applied (a blocked one would leave the tiles as a plain list).
        display = page.locator("ul.tiles").evaluate("e => getComputedStyle(e).display")
        assert display == "grid"
        assert violations(page) == []
    finally:
        context.close()

    # The admin's /docs page, signed in through the same form.
    admin = browser.new_context(viewport={"width": 1366, "height": 768})
    admin_complaints = watch(admin)
    try:
        admin, page = sign_in(browser, live_server, username="root", context=admin)
        page.goto(f"{live_server.url}/docs")
        page.locator("#operations").wait_for()
        assert page.locator("#operations tbody tr").count() >= 15
        assert violations(page) == []
        # The admins' page: its module script draws the tables and its stylesheet applies.
        page.goto(f"{live_server.url}/console/admin")
        page.locator("#kiosk-rows tr", has_text="Front door").wait_for()
        assert page.locator("#user-rows tr").count() == 2
        buttons = page.locator(".row-actions").first.evaluate("e => getComputedStyle(e).display")
        assert buttons == "flex"  # admin.css applied
        assert violations(page) == []
    finally:
        admin.close()
    assert complaints == [] and admin_complaints == []


def test_an_inline_script_would_be_refused(live_server, browser):
    """The check above can fail: the policy really is enforced on our pages."""
    context = browser.new_context()
    complaints = watch(context)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/login")
        page.evaluate(
            """() => {
                const s = document.createElement("script");
                s.textContent = "window.__ran = true";
                document.body.append(s);
                const d = document.createElement("div");
                d.setAttribute("style", "color: red");
                document.body.append(d);
            }"""
        )
        page.wait_for_function("() => window.__csp.length >= 2")
        assert page.evaluate("window.__ran === undefined")
        assert any("script-src" in v for v in violations(page))
        assert any("style-src" in v for v in violations(page))
        assert complaints
    finally:
        context.close()


def test_a_form_on_another_site_cannot_sign_in(live_server, browser):
    """Login CSRF in a real browser: another site's page posts our sign-in form."""
    live_server.add_user("ana", PASSWORD)
    context = browser.new_context()
    evil = (
        f'<form method="post" action="{live_server.url}/login">'
        '<input name="username" value="ana">'
        f'<input name="password" value="{PASSWORD}">'
        '<button type="submit">Win a prize</button></form>'
    )
    context.route(
        "http://elsewhere.test/**",
        lambda route: route.fulfill(status=200, content_type="text/html", body=evil),
    )
    page = context.new_page()
    try:
        page.goto("http://elsewhere.test/prize.html")
        with page.expect_response(f"{live_server.url}/login") as answer:
            page.get_by_role("button", name="Win a prize").click()
        assert answer.value.status == 403
        assert "sent from another web page" in page.get_by_role("alert").text_content()
        assert not [c for c in context.cookies() if c["name"] == "seen_session"]
    finally:
        context.close()
