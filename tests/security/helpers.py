"""Helpers shared by the security tests (import as security.helpers)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

from fastapi.testclient import TestClient

PASSWORD = "correct horse battery staple"
CLINIC_ZONE = "UTC"  # the clinic's, whatever the machine's zone
TODAY = datetime.now(UTC).date()  # the real day, so booked look like real data
START = datetime.combine(TODAY, time(15), tzinfo=UTC)  # the clinic's 15:00 today


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def sign_in(client: TestClient, username: str = "ana") -> str:
    """Sign in through the form; returns the CSRF token the console page carries."""
    r = client.post("/login", data={"username": username, "password": PASSWORD})
    assert r.status_code == 303, r.text
    found = re.search(r'<meta name="csrf-token" content="([^"]+)">', client.get("/console").text)
    assert found, "console page has no csrf-token meta tag"
    return found.group(1)
