"""The event stream passes through the security-headers middleware unbuffered."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from staffconsole.api.headers import CONTENT_SECURITY_POLICY
from staffconsole.auth.staff_sessions import COOKIE

STREAM = "/api/v1/console/stream"


def run(coro):
    # A thread of its own: the session's Playwright keeps an event loop in the main thread.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, asyncio.wait_for(coro, 30)).result()


def test_the_stream_carries_the_headers_and_each_change_still_arrives(
    app, client, signed_in, raise_handoff, stream_client
):
    async def scenario():
        s = stream_client(app, STREAM, {COOKIE: client.cookies[COOKIE]})
        await s.start()
        assert s.status == 200
        assert s.headers["content-type"].startswith("text/event-stream")
        assert s.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert s.headers["x-content-type-options"] == "nosniff"
        assert s.headers["x-frame-options"] == "DENY"
        first = await s.next_event()
        assert first["event"] == "snapshot"
        alert = raise_handoff("help")
        second = await s.next_event()  # the stream is not held back until it ends
        assert second["event"] == "patch"
        assert [a["id"] for a in second["json"]["alerts"]["upsert"]] == [alert["id"]]
        await s.close()

    run(scenario())
