"""Every read of the patient lists leaves an audit row: who, when, how many rows, no names."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

from staffconsole.auth.staff_sessions import COOKIE
from staffconsole.store.audit import list_audit

STREAM = "/api/v1/console/stream"


def run(coro):
    # A thread of its own: the session's Playwright keeps an event loop in the main thread.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, asyncio.wait_for(coro, 30)).result()


def reads(db):
    return [e for e in reversed(list_audit(db)) if e["action"].startswith("read.")]


def test_a_snapshot_is_audited_with_counts_and_no_names(client, signed_in, raise_handoff, db):
    raise_handoff("no_match", entered={"last_name": "Wałęsa", "first_name": "Łukasz"})
    raise_handoff("help")
    before = len(reads(db))
    r = client.get("/api/v1/console/snapshot")
    assert r.status_code == 200 and "Wałęsa" in r.text  # the page does see the name
    rows = reads(db)[before:]
    assert [(e["actor"], e["action"]) for e in rows] == [("ana", "read.console.snapshot")]
    assert rows[0]["detail"] == {"alerts": 2, "arrivals": 0, "history": 0}
    assert "Wałęsa" not in json.dumps(rows[0]) and "Łukasz" not in json.dumps(rows[0])
    assert rows[0]["source"] == "testclient"


def test_a_refused_snapshot_is_not_a_read(client, db):
    assert client.get("/api/v1/console/snapshot").status_code == 401
    assert reads(db) == []


def test_the_stream_audits_each_full_view_not_each_patch(
    app, client, signed_in, stream_client, raise_handoff, clock, password, db
):
    async def scenario():
        s = stream_client(app, STREAM, {COOKIE: client.cookies[COOKIE]})
        await s.start()
        assert (await s.next_event())["event"] == "snapshot"
        raise_handoff("help")
        assert (await s.next_event())["event"] == "patch"
        assert [e["action"] for e in reads(db)] == ["read.console.stream"]
        assert reads(db)[0]["detail"] == {"alerts": 0, "arrivals": 0, "history": 0}
        # Locked, then unlocked: the fresh full view is a second read.
        clock.advance(minutes=15, seconds=1)
        raise_handoff("walk_in")
        assert (await s.next_event())["event"] == "locked"
        r = client.post(
            "/api/v1/console/unlock", json={"secret": password}, headers={"X-CSRF-Token": signed_in}
        )
        assert r.status_code == 200
        app.state.hub.notify("alerts")
        assert (await s.next_event())["event"] == "snapshot"
        streamed = [e for e in reads(db) if e["action"] == "read.console.stream"]
        assert len(streamed) == 2 and streamed[1]["detail"]["alerts"] == 2
        await s.close()

    run(scenario())
