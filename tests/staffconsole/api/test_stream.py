"""The live stream: a snapshot on connect and after every change, pings, idle logoff."""

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


def test_snapshot_on_connect_and_after_each_change(
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
        assert second["event"] == "snapshot" and int(second["id"]) > int(first["id"])
        assert [a["id"] for a in second["json"]["alerts"]] == [alert["id"]]

        # A change made by another request (another thread and loop) wakes the stream too.
        r = client.post(
            f"/api/v1/console/alerts/{alert['id']}/acknowledge", headers={"X-CSRF-Token": signed_in}
        )
        assert r.status_code == 200
        third = await s.next_event()
        assert third["json"]["alerts"][0]["status"] == "acknowledged"

        await s.close()
        assert not hub.console_live()

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


def test_streaming_is_not_activity(app, client, signed_in, stream_client, raise_handoff, clock):
    async def scenario():
        s = stream_client(app, STREAM, {COOKIE: client.cookies[COOKIE]})
        await s.start()
        assert (await s.next_event())["event"] == "snapshot"
        clock.advance(minutes=10)
        raise_handoff()
        assert (await s.next_event())["event"] == "snapshot"
        clock.advance(minutes=5, seconds=1)
        raise_handoff()
        ended = await s.next_event()
        assert ended["event"] == "signed_out"
        assert "without activity" in ended["json"]["reason"] and ended["json"]["idle"] is True
        assert await s.next_event() == {}  # the stream closed
        assert not app.state.hub.console_live()
        await s.close()

    run(scenario())
    assert client.get("/api/v1/console/snapshot").status_code == 401
