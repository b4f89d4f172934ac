"""The lobby display in Chromium against a real server on a busy day.

A receptionist presses "Call in" (to Room 3) on the board; the display, set up from its
address's fragment, shows the ticket and room and chimes (window.lobbySound.log and the
oscillators it started); its waits are the day's call-ins; no part of any patient's
name is in its HTML, its text or anything its stream sent; and it says "Not live" while
the server restarts, then comes back by itself.
"""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from helpers.console_page import PASSWORD, sign_in
from helpers.lobby import FIRSTS, LASTS, LONG_WORDS, ONE_LONG_WORD, clinic_at_midday, seed_lobby
from support import start_server

from staffconsole.clock import ClinicZone, parse
from staffconsole.store.calls import call_in
from staffconsole.store.schema import open_db

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

# 28 came in the last 70 minutes, a little after their booked times; the first 16 were
# called in 20 to 30 minutes after arriving (recent calls for every provider), 12 wait.
WAITING = [(70 - 2 * i, 75 - 2 * i) for i in range(28)]
CALLED_RECENTLY = 16
ROOMS = "Room 1, Room 3, Desk A"

# Every message the page's streams received, and every oscillator its chime started.
RECORD = """
    window.__payloads = [];
    const Real = window.EventSource;
    window.EventSource = function (url, opts) {
        const source = new Real(url, opts);
        const add = source.addEventListener.bind(source);
        source.addEventListener = (type, fn, o) => add(type, (e) => {
            window.__payloads.push(e.data); fn(e); }, o);
        return source;
    };
    window.EventSource.CLOSED = Real.CLOSED;
    window.__oscs = 0;
    const create = BaseAudioContext.prototype.createOscillator;
    BaseAudioContext.prototype.createOscillator = function () {
        window.__oscs += 1; return create.call(this); };
"""


@pytest.fixture
def busy(tmp_path):
    zone_name = clinic_at_midday()
    db = tmp_path / "seen.db"
    now = datetime.now(UTC)
    lobby = seed_lobby(db, ClinicZone(zone_name), now, waiting=WAITING, seen=20, called_in=8)
    conn = open_db(db)
    for i, patient in enumerate(lobby.having("waiting")[:CALLED_RECENTLY]):
        at = patient.arrived + timedelta(minutes=20 + 5 * (i % 3))
        call_in(conn, patient.arrival, "Room 1", "ana", min(at, now), ("Room 1",))
    conn.close()
    env = {
        "SEEN_CLINIC_TIMEZONE": zone_name,
        "SEEN_LOBBY_ROOMS": ROOMS,
        "SEEN_LOBBY_SPEECH_LANGUAGES": "en,es",
        "SEEN_LONG_WAIT_MIN": "1000",
        "SEEN_LOBBY_BUSY_WAITING": "1000",
        "SEEN_LOBBY_BUSY_MEDIAN_MIN": "1000",
    }
    server = start_server(tmp_path, db=db, env=env)
    server.add_user("ana", PASSWORD)
    token = server.cli("display", "add", "Waiting room").stdout.strip().splitlines()[-1]
    yield server, token, zone_name, env, tmp_path
    server.stop()


def name_parts() -> set[str]:
    names = [*FIRSTS, *LASTS, LONG_WORDS, ONE_LONG_WORD]
    parts = {p for name in names for p in re.split(r"[\s\-]+", name)}
    # One- and two-letter Latin pieces ("Ó", "Te") are in ordinary words and the
    # providers' names; every other script's piece counts whatever its length.
    return {p for p in parts if len(p) >= 3 or (len(p) >= 2 and not p.isascii())}


def expected_waits(db, zone: ClinicZone, now: datetime) -> dict[str, str]:
    """Each provider's expected wait, worked out here from the day's call-ins."""
    conn = sqlite3.connect(db)
    rows = conn.execute(
        "SELECT a.provider, a.start, r.arrived_at, r.called_in_at FROM arrivals r "
        "JOIN appointments a ON a.id = r.appointment_id WHERE r.called_in_at IS NOT NULL"
    ).fetchall()
    conn.close()
    by: dict[str, list] = {}
    for provider, start, arrived, called in rows:
        begin = max(parse(arrived), zone.instant(datetime.fromisoformat(start)))
        by.setdefault(provider, []).append((parse(called), (parse(called) - begin)))
    out = {}
    for provider, calls in by.items():
        recent = sorted(c for c in calls if c[0] <= now)[-5:]
        minutes = sorted(max(0, w.total_seconds() / 60) for _, w in recent)
        mid = len(minutes) // 2
        median = minutes[mid] if len(minutes) % 2 else (minutes[mid - 1] + minutes[mid]) / 2
        if len(calls) < 3 or (now - recent[-1][0]).total_seconds() > 90 * 60:
            out[provider] = ""
        elif median >= 10:
            out[provider] = f"Running about {int(5 * round(median / 5))} minutes late"
        elif median < 5:
            out[provider] = "On time"
        else:
            out[provider] = f"About {int(5 * round(median / 5))} minutes"
    return out


def test_a_call_in_on_the_board_shows_and_chimes_on_the_display_with_no_name(busy, browser):
    server, token, zone_name, env, tmp_path = busy
    # A wall screen set to another zone (+5:45: never the whole-hour zone of the clinic).
    display = browser.new_context(
        viewport={"width": 1920, "height": 1080}, timezone_id="Asia/Kathmandu"
    )
    screen = display.new_page()
    screen.add_init_script(RECORD)
    screen.goto(f"{server.url}/lobby/default#token={token}")
    screen.locator("body.live").wait_for()
    before = datetime.now(ZoneInfo(zone_name)).strftime("%H:%M")
    screen.wait_for_function("() => document.getElementById('clock').textContent !== ''")
    clock = screen.locator("#clock").inner_text()
    after = datetime.now(ZoneInfo(zone_name)).strftime("%H:%M")
    assert clock in {before, after}, (clock, zone_name)  # clinic time, not the screen's
    assert token not in screen.url  # the fragment is dropped once exchanged
    screen.get_by_role("button", name="Turn on sound").click()
    screen.wait_for_function("() => lobbySound.ctx && lobbySound.ctx.state === 'running'")

    # The waits are the day's call-ins (the seeded morning).
    rows = screen.locator("#waits tr")
    rows.first.wait_for()
    shown = {
        r.locator("td").nth(0).inner_text(): r.locator("td").nth(2).inner_text() for r in rows.all()
    }
    expected = expected_waits(server.db, ClinicZone(zone_name), datetime.now(UTC))
    assert shown == {p: expected.get(p, "") for p in shown}
    assert any(shown.values())  # the seeded day has enough calls to say something

    context, page = sign_in(browser, server)
    try:
        page.select_option("#call-room", "Room 3")
        first = page.locator("#board-waiting tr").first
        ticket = first.locator("td.ticket").inner_text()
        first.get_by_role("button", name=re.compile("^Call in")).click()

        screen.wait_for_function(
            f"() => document.getElementById('now-ticket').textContent === '{ticket}'"
        )
        assert screen.locator("#now-room").inner_text() == "Room 3"
        screen.wait_for_function("() => lobbySound.log.length === 1")
        [sound] = screen.evaluate("lobbySound.log")
        assert (sound["ticket"], sound["room"], sound["played"]) == (int(ticket), "Room 3", True)
        assert sound["spoken"] == ["en", "es"]
        assert screen.evaluate("window.__oscs") >= 2
        first_row = page.locator(f'#board-done tr:has(td.ticket:text-is("{ticket}"))')
        first_row.wait_for(state="attached")  # the board moved it to called in

        # Nothing on the display names anyone: its HTML, its text, its stream.
        html = screen.content()
        text = screen.inner_text("body")
        payloads = "\n".join(screen.evaluate("window.__payloads"))
        assert payloads and ticket in payloads
        state = screen.evaluate("fetch('/api/v1/lobby/state').then((r) => r.text())")
        for part in sorted(name_parts()):
            for where, body in (
                ("html", html),
                ("text", text),
                ("stream", payloads),
                ("state", json.loads(json.dumps(state))),
            ):
                assert part not in body, f"{part!r} is in the display's {where}"

        # A server restart: "Not live" at once, then back by itself with the same call.
        port = server.url.rsplit(":", 1)[1]
        server.stop()
        screen.locator("#not-live").wait_for(state="visible")
        again = start_server(tmp_path, db=server.db, env=env, port=int(port))
        try:
            screen.locator("body.live").wait_for(timeout=30_000)
            assert screen.locator("#not-live").is_hidden()
            assert screen.locator("#now-ticket").inner_text() == ticket
        finally:
            again.stop()
    finally:
        context.close()
        display.close()
