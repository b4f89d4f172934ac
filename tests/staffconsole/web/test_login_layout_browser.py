"""The sign-in card holds its form at a desk screen and a small phone, in Chromium."""

from __future__ import annotations

import pytest
from helpers.console_page import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

BOXES = """() => {
  const box = (e) => { const r = e.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
  const card = document.querySelector("main.login");
  return {
    card: box(card),
    padding: parseFloat(getComputedStyle(card).paddingLeft),
    parts: [...card.querySelectorAll("input, button, label")].map(
      (e) => ({name: e.id || e.textContent.trim(), ...box(e)})),
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  };
}"""


@pytest.mark.parametrize("width, height", [(1366, 768), (320, 640)])
def test_the_form_lies_inside_its_card(live_server, browser, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/login")
        # With a message showing too: a refused sign-in is when the card is fullest.
        page.get_by_label("Username").fill("someone-with-a-rather-long-username")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("alert").wait_for()
        found = page.evaluate(BOXES)
        card = found["card"]
        assert card["left"] >= 0 and card["right"] <= width, card
        assert len(found["parts"]) == 5  # two labels, two inputs, the button
        inner_left = card["left"] + found["padding"] - 0.5
        inner_right = card["right"] - found["padding"] + 0.5
        for part in found["parts"]:
            assert inner_left <= part["left"] and part["right"] <= inner_right, (part, card)
            assert card["top"] <= part["top"] and part["bottom"] <= card["bottom"], (part, card)
        assert found["scrollWidth"] <= found["clientWidth"], "the page scrolls sideways"
        inputs = [p for p in found["parts"] if p["name"] in ("username", "password")]
        # The inputs use the card's width, so a long username stays readable.
        assert all(p["right"] - p["left"] >= (inner_right - inner_left) * 0.9 for p in inputs)
    finally:
        context.close()
