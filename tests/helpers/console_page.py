"""The console page for browser tests: a kiosk hand-off posted as a real kiosk would,
and a receptionist signed in through the real sign-in form."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import requests

PASSWORD = "Ça-va d'accord 7"


def kiosk_post(server, token: str, call: str, body: dict) -> dict:
    r = requests.post(
        f"{server.url}/api/v1/kiosk/{call}",
        json=body,
        timeout=5,
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 200, r.text
    return r.json()


def hand_off(server, token: str, reason: str, entered: dict, step: str = "identify") -> str:
    """Post one session.handed_off event; returns the kiosk session id."""
    event = {
        "id": uuid.uuid4().hex,
        "session": uuid.uuid4().hex,
        "type": "session.handed_off",
        "at": datetime.now(UTC).isoformat(),
        "data": {"reason": reason, "step": step, "entered": entered},
    }
    assert kiosk_post(server, token, "events", {"events": [event]})["accepted"] == [event["id"]]
    return event["session"]


def sign_in(
    browser, server, username="ana", password=PASSWORD, width=1366, height=768, context=None
):
    """Sign in through the form; returns (context, page) once the page is live."""
    context = context or browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(f"{server.url}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server.url}/console")
    page.locator("#live.on").wait_for()
    return context, page
