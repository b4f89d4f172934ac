"""The live stream: a snapshot on connect, small patches after, heartbeats, the lock."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from staffconsole.api import console as api_console
from staffconsole.auth.staff_sessions import COOKIE

STREAM = "/api/v1/console/stream"


def run(coro):
    # A thread of its own: the session's Playwright keeps an event loop in the main thread.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, asyncio.wait_for(coro, 30)).result()


def test_stream_needs_sign_in(app, stream_client):
    async def scenario():
        s = stream_client(app, STREAM, {})
        await s.start()
        assert s.status == 401
        assert '"detail"' in await s.body_text()

    run(scenario())


def test_snapshot_on_connect_then_patches_of_what_changed(
    app, client, signed_in, raise_handoff, stream_client
):
    hub = app.state.hub

    async def scenario():
        s = stream_client(app, STREAM, {COOKIE: client.cookies[COOKIE]})
        await s.start()
        assert s.status == 200
        assert s.headers["content-type"].startswith("text/event-stream")
        first = await s.next_event()
        assert first["event"] == "snapshot" and first["id"] == str(hub.seq)
        assert first["json"]["alerts"] == []
        assert first["json"]["console"]["live"] is True
        assert hub.console_live()

        alert = raise_handoff("help")
        second = await s.next_event()
        assert second["event"] == "patch" and int(second["id"]) > int(first["id"])
        # Only the sections that changed (raise_handoff adds a kiosk), only the new items.
        assert set(second["json"]) == {"seq", "generated_at", "alerts", "kiosks"}
        assert [a["id"] for a in second["json"]["alerts"]["upsert"]] == [alert["id"]]
        assert second["json"]["alerts"]["remove"] == []

        # A change made by another request (another thread and loop) wakes the stream too.
        r = client.post(
            f"/api/v1/console/alerts/{alert['id']}/acknowledge", headers={"X-CSRF-Token": signed_in}
        )
        assert r.status_code == 200
        third = await s.next_event()
        assert third["event"] == "patch"
        assert third["json"]["alerts"]["upsert"][0]["status"] == "acknowledged"

        r = client.post(
            f"/api/v1/console/alerts/{alert['id']}/resolve",
            json={"outcome": "redirected"},
            headers={"X-CSRF-Token": signed_in},
        )
        fourth = await s.next_event()
        assert fourth["json"]["alerts"] == {"upsert": [], "remove": [alert["id"]]}
        assert [h["id"] for h in fourth["json"]["history"]["upsert"]] == [alert["id"]]

        await s.close()
        assert not hub.console_live()

    run(scenario())


def test_a_change_no_page_shows_sends_nothing_and_builds_once(
    app, client, signed_in, stream_client, monkeypatch
):
    monkeypatch.setattr(api_console, "KEEPALIVE_S", 0.5)
    monkeypatch.setattr(api_console, "DISCONNECT_POLL_S", 0.1)
    hub = app.state.hub

    async def scenario():
        pages = [stream_client(app, STREAM, {COOKIE: client.cookies[COOKIE]}) for _ in range(3)]
        for page in pages:
            await page.start()
            assert (await page.next_event())["event"] == "snapshot"
        view = app.state.live_view
        before = view.builds
        for _ in range(5):
            hub.notify("alerts")  # e.g. kiosk steps: events that open no alert
        for page in pages:
            event = await page.next_event()
            while event.get("comments") == ["keep-alive"] and "event" not in event:
                event = await page.next_event()
            assert event["event"] == "ping"
        # The alerts were rebuilt for all three pages together, not once per page and event.
        assert 1 <= view.builds - before <= 5 + 3  # kiosks are refreshed by time, too
        for page in pages:
            await page.close()

    run(scenario())


def test_quiet_stream_sends_keep_alive_and_ping(app, client, signed_in, stream_client, monkeypatch):
    monkeypatch.setattr(api_console, "KEEPALIVE_S", 0.3)
    monkeypatch.setattr(api_console, "DISCONNECT_POLL_S", 0.1)

    async def scenario():
        s = stream_client(app, STREAM, {COOKIE: client.cookies[COOKIE]})
        await s.start()
        assert (await s.next_event())["event"] == "snapshot"
        comment = await s.next_event()
        assert comment["comments"] == ["keep-alive"]
        ping = await s.next_event()
        assert ping["event"] == "ping" and ping["data"] == str(app.state.hub.seq)
        await s.close()

    run(scenario())


def test_an_idle_page_locks_keeps_watching_and_unlocks_to_a_snapshot(
    app, client, signed_in, stream_client, raise_handoff, clock, password
):
    hub = app.state.hub

    async def scenario():
        s = stream_client(app, STREAM, {COOKIE: client.cookies[COOKIE]})
        await s.start()
        assert (await s.next_event())["event"] == "snapshot"
        clock.advance(minutes=10)
        raise_handoff()
        assert (await s.next_event())["event"] == "patch"  # streaming is not activity
        clock.advance(minutes=5, seconds=1)
        raise_handoff("no_match", entered={"last_name": "Wałęsa"})
        locked = await s.next_event()
        assert locked["event"] == "locked"
        body = locked["json"]
        assert body["reason"] == "idle" and body["user"] == "ana"
        assert len(body["alerts"]) == 2
        # The lock screen knows kinds and urgency, never what a patient typed.
        assert "Wałęsa" not in locked["data"] and "summary" not in body["alerts"][0]
        assert {a["kind"] for a in body["alerts"]} == {"help", "no_match"}
        assert hub.console_live()  # a locked page is still a watching console

        raise_handoff("walk_in")
        during = await s.next_event()
        assert during["event"] == "locked" and len(during["json"]["alerts"]) == 3

        r = client.post(
            "/api/v1/console/unlock", json={"secret": password}, headers={"X-CSRF-Token": signed_in}
        )
        assert r.status_code == 200
        hub.notify("alerts")
        after = await s.next_event()
        assert after["event"] == "snapshot" and len(after["json"]["alerts"]) == 3
        assert any("Wałęsa" in a["summary"] for a in after["json"]["alerts"])
        await s.close()

    run(scenario())


def test_a_session_ended_elsewhere_ends_the_stream(
    app, client, signed_in, stream_client, raise_handoff, db
):
    async def scenario():
        s = stream_client(app, STREAM, {COOKIE: client.cookies[COOKIE]})
        await s.start()
        assert (await s.next_event())["event"] == "snapshot"
        db.execute("delete from staff_sessions")
        db.conn.commit()
        raise_handoff()
        ended = await s.next_event()
        assert ended["event"] == "signed_out" and ended["json"]["reason"] == "Not signed in."
        assert await s.next_event() == {}  # the stream closed
        assert not app.state.hub.console_live()
        await s.close()

    run(scenario())


def test_one_change_among_200_alerts_is_a_small_patch(
    app, client, signed_in, raise_handoff, stream_client
):
    for i in range(200):
        raise_handoff("no_match", entered={"last_name": f"Παπαδοπούλου-{i}"})

    async def scenario():
        s = stream_client(app, STREAM, {COOKIE: client.cookies[COOKIE]})
        await s.start()
        first = await s.next_event()
        assert first["event"] == "snapshot" and len(first["json"]["alerts"]) == 200
        alert = raise_handoff("help")
        patch = await s.next_event()
        assert patch["event"] == "patch"
        assert [a["id"] for a in patch["json"]["alerts"]["upsert"]] == [alert["id"]]
        # The whole page is over 100 KB; one new alert (and its new kiosk) is about 1 KB.
        assert len(first["data"]) > 100_000
        assert len(patch["data"]) < 3_000
        await s.close()

    run(scenario())
