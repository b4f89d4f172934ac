"""The console page's sound in Chromium against a real server: one chime schedule for
the page, the pattern of the highest priority present, pause, the lost server, and
sound remembered across sign-out and sign-in.

What the page chose to play is read from window.seenSound.log; what it actually
played, from the oscillators the page created (the browser's Web Audio API is
observed, not replaced).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from itertools import pairwise
from urllib.parse import urlparse

import pytest
from helpers.console_page import PASSWORD, hand_off, sign_in
from support import start_server

from staffconsole.auth.kiosks import list_kiosks
from staffconsole.rules import alerting
from staffconsole.store.alerts import open_or_update_alert
from staffconsole.store.schema import open_db

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

QUIET = {
    "SEEN_WATCHDOG_INTERVAL_S": "0.2",
    "SEEN_RESOUND_S": "5",  # below the page's floor: reminders stay 30 s apart
    "SEEN_ESCALATE_AFTER_S": "3600",
    "SEEN_HEARTBEAT_INTERVAL_S": "3600",  # the hand-off kiosk must not go offline mid-test
}
REMIND_MS = 30_000

# Every oscillator the page creates: when, its wave, and whether its pitch glides.
OSCILLATORS = """
    window.__oscs = [];
    const create = BaseAudioContext.prototype.createOscillator;
    BaseAudioContext.prototype.createOscillator = function () {
        const osc = create.call(this);
        const rec = { at: Date.now(), osc, glide: false };
        const ramp = osc.frequency.exponentialRampToValueAtTime.bind(osc.frequency);
        osc.frequency.exponentialRampToValueAtTime = (v, t) => { rec.glide = true; return ramp(v, t); };
        window.__oscs.push(rec);
        return osc;
    };
"""


@pytest.fixture
def server(tmp_path):
    server = start_server(tmp_path, env=QUIET)
    server.add_user("ana", PASSWORD)
    yield server
    server.stop()


def raise_walk_ins(server, count: int) -> None:
    """Low-priority alerts straight into the server's database."""
    db = open_db(server.db)
    try:
        kiosk = list_kiosks(db)[0]
        for i in range(count):
            session = {"id": f"walk-in-{i}", "kiosk_id": kiosk["id"], "step": "welcome"}
            fields = alerting.handoff_alert(
                "walk_in", session, kiosk["name"], {"first_name": f"Test{i}"}, datetime.now(UTC)
            )
            open_or_update_alert(db, fields)
    finally:
        db.close()


def log(page) -> list[dict]:
    return page.evaluate("seenSound.log")


def tones(page, entry: dict) -> list[tuple[str, bool]]:
    """The oscillators started for one played log entry: (wave, glides)."""
    return page.evaluate(
        """(at) => __oscs.filter((r) => r.at >= at && r.at < at + 50)
                         .map((r) => [r.osc.type, r.glide])""",
        entry["at"],
    )


def open_console(browser, server):
    context, page = sign_in(browser, server)
    page.add_init_script(OSCILLATORS)
    page.reload()
    page.locator("#live.on").wait_for()
    return context, page


def turn_on(page) -> None:
    page.get_by_role("button", name="Turn on sound").click()
    page.wait_for_function("() => seenSound.ctx && seenSound.ctx.state === 'running'")


def test_one_schedule_for_thirty_alerts_in_the_highest_priority_pattern(server, browser):
    token = server.add_kiosk("Lobby kiosk 1")
    raise_walk_ins(server, 30)
    context, page = open_console(browser, server)
    try:
        page.locator("li.alert").nth(29).wait_for()
        turn_on(page)
        # All 30 came in one update: one chime, not yet audible (sound was off).
        [first] = log(page)
        assert (first["pattern"], first["priority"], first["played"]) == ("new", "low", False)

        # Only low alerts: the reminder, 30 s on, is the low pattern (two soft tones).
        page.wait_for_function("() => seenSound.log.length >= 2", timeout=REMIND_MS + 5_000)
        reminder = log(page)[1]
        assert (reminder["pattern"], reminder["priority"], reminder["played"]) == (
            "reminder",
            "low",
            True,
        )
        assert tones(page, reminder) == [["sine", False], ["sine", False]]

        # A patient asks for help: it chimes at once, in the high pattern (5 pulses).
        time.sleep(5)
        posted = page.evaluate("Date.now()")
        hand_off(server, token, "help", {})
        page.wait_for_function("() => seenSound.log.length >= 3", timeout=2_000)
        new = log(page)[2]
        assert (new["pattern"], new["priority"], new["played"]) == ("new", "high", True)
        assert new["at"] - posted <= 2_000
        assert [wave for wave, _ in tones(page, new)] == ["triangle"] * 5
        assert page.locator("li.alert").count() == 31

        # The new chime restarted the reminder clock; the next reminder is high too.
        page.wait_for_function("() => seenSound.log.length >= 4", timeout=REMIND_MS + 5_000)
        watched = log(page)
        assert watched[-1]["at"] - first["at"] >= 65_000
        assert (watched[3]["pattern"], watched[3]["priority"]) == ("reminder", "high")
        assert len(tones(page, watched[3])) == 5
        # Never more than one reminder in 30 s, counted from any chime before it.
        for before, entry in pairwise(watched):
            if entry["pattern"] == "reminder":
                assert entry["at"] - before["at"] >= REMIND_MS, watched
        assert [e["pattern"] for e in watched] == ["new", "reminder", "new", "reminder"]
    finally:
        context.close()


def test_pause_silences_audio_only_and_the_countdown_is_not_announced(server, browser):
    token = server.add_kiosk("Lobby kiosk 1")
    context, page = open_console(browser, server)
    try:
        turn_on(page)
        assert page.locator("#sound-announce").text_content() == "Sound on"
        # The countdown is not in a live region; the announcements are, once each.
        assert (
            page.evaluate(
                "document.getElementById('sound-state')"
                ".closest('[aria-live], [role=status], [role=alert], [role=log]')"
            )
            is None
        )
        assert page.locator("#sound-announce").get_attribute("role") == "status"
        page.evaluate("""
            window.__announced = [];
            new MutationObserver(() => __announced.push(
                document.getElementById('sound-announce').textContent
            )).observe(document.getElementById('sound-announce'),
                       {childList: true, characterData: true, subtree: true});
        """)

        page.get_by_role("button", name="Pause sound 2 min").click()
        state = page.locator("#sound-state")
        assert state.text_content() in ("Sound paused — 2:00 left", "Sound paused — 1:59 left")
        played = page.evaluate("seenSound.played")
        hand_off(server, token, "help", {})
        page.locator("li.alert", has_text="Patient asked for help").wait_for(timeout=5_000)
        page.wait_for_function("() => seenSound.log.length >= 1", timeout=2_000)
        [muted] = log(page)
        assert (muted["pattern"], muted["priority"], muted["played"]) == ("new", "high", False)
        assert page.evaluate("seenSound.played") == played
        assert page.locator("#alert-count").text_content() == "1"
        # The countdown ticks on screen...
        page.wait_for_function(
            "() => !/2:00|1:59|1:58/.test(document.getElementById('sound-state').textContent)",
            timeout=5_000,
        )
        # ...and a second press resumes at once, with one reminder of what was missed.
        page.get_by_role("button", name="Resume sound").click()
        assert state.text_content() == "Sound on"
        resumed = log(page)[-1]
        assert (resumed["pattern"], resumed["priority"], resumed["played"]) == (
            "reminder",
            "high",
            True,
        )
        assert len(tones(page, resumed)) == 5

        # The 2 minutes end by themselves (shortened here through the page's test handle).
        page.get_by_role("button", name="Pause sound 2 min").click()
        page.evaluate("seenSound.pausedUntil = Date.now() + 1500")
        page.wait_for_function(
            "() => document.getElementById('sound-state').textContent === 'Sound on'", timeout=5_000
        )
        assert page.evaluate("__announced") == [
            "Sound paused for 2 minutes",
            "Sound resumed",
            "Sound paused for 2 minutes",
            "Sound resumed",
        ]
    finally:
        context.close()


def test_losing_the_server_sounds_until_it_is_back(tmp_path, browser):
    server = start_server(tmp_path, env=QUIET)
    server.add_user("ana", PASSWORD)
    context, page = open_console(browser, server)
    again = None
    try:
        turn_on(page)
        stopped = page.evaluate("Date.now()")
        server.stop()
        page.wait_for_function("() => seenSound.log.length >= 1", timeout=10_000)
        [lost] = log(page)
        assert (lost["pattern"], lost["priority"], lost["played"]) == ("lost", None, True)
        assert lost["at"] - stopped <= 10_000
        # Its own pattern: falling glides, unlike any alert's pulses.
        assert tones(page, lost) == [["sine", True], ["sine", True]]

        page.wait_for_function("() => seenSound.log.length >= 2", timeout=REMIND_MS + 5_000)
        reminder = log(page)[1]
        assert reminder["pattern"] == "lost" and reminder["at"] - lost["at"] >= REMIND_MS

        again = start_server(tmp_path, server.db, env=QUIET, port=urlparse(server.url).port)
        page.locator("#live.on").wait_for(timeout=15_000)
        # Back: no more "lost" once the next reminder would have been due.
        page.wait_for_timeout(
            max(0, reminder["at"] + REMIND_MS + 2_000 - page.evaluate("Date.now()"))
        )
        assert [e["pattern"] for e in log(page)] == ["lost", "lost"]
    finally:
        context.close()
        if again:
            again.stop()


def test_sound_stays_on_across_sign_out_and_sign_in(server, browser):
    token = server.add_kiosk("Lobby kiosk 1")
    context, page = sign_in(browser, server)
    try:
        turn_on(page)
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url(f"{server.url}/login**")
        sign_in(browser, server, context=context)
        page = context.pages[-1]
        # The sign-in click carries over: sound is on without pressing anything.
        page.wait_for_function("() => seenSound.ctx && seenSound.ctx.state === 'running'")
        assert page.locator("#sound-state").text_content() == "Sound on"
        assert page.get_by_role("button", name="Turn on sound").is_hidden()
        hand_off(server, token, "help", {})
        page.wait_for_function("() => seenSound.log.length >= 1", timeout=5_000)
        assert log(page)[0]["played"] is True

        # Opened without a click (a bookmark, a restart): the browser keeps it suspended
        # and the page asks for one click anywhere.
        page.goto(f"{server.url}/console")
        page.locator("#live.on").wait_for()
        prompt = page.get_by_role("button", name="Click anywhere to turn sound back on")
        prompt.wait_for(timeout=5_000)
        assert page.locator("#sound-state").text_content() == "Sound is off"
        assert "Click anywhere" in page.locator("#sound-announce").text_content()
        page.locator("#arrivals-heading").click()
        page.wait_for_function("() => seenSound.ctx.state === 'running'", timeout=5_000)
        assert prompt.is_hidden()
        assert page.locator("#sound-state").text_content() == "Sound on"
    finally:
        context.close()


def test_the_schedule_keeps_time_on_the_audio_clock_when_timers_are_held_back(server, browser):
    """Chromium runs timers of a tab hidden for 5 minutes once a minute; the page's
    schedule also ticks from the audio thread. Here the page's setInterval never fires."""
    context, page = sign_in(browser, server)
    try:
        page.add_init_script("window.setInterval = () => 0;")
        page.reload()
        page.locator("#live.on").wait_for()
        turn_on(page)
        page.get_by_role("button", name="Pause sound 2 min").click()
        page.evaluate("seenSound.pausedUntil = Date.now() + 1500")
        page.wait_for_function(
            "() => document.getElementById('sound-state').textContent === 'Sound on'", timeout=5_000
        )
        assert page.locator("#sound-announce").text_content() == "Sound resumed"
    finally:
        context.close()
