"""No patient names or dates of birth in the server's or the kiosk's log output.

A real uvicorn server and the kiosk's real controller, client, outbox and sender go
through check-ins, a no-match, help, a look-up refused by the rate limit and some bad
requests; then every line both sides logged is searched for the synthetic patients.
"""

from __future__ import annotations

import json
import logging
from datetime import date

import pytest
import requests
from helpers.seed import PATIENTS, book_today
from support import start_server, wait_for

from kiosk import flow as f
from kiosk.client import KioskClient
from kiosk.config import load_config
from kiosk.controller import Controller
from kiosk.outbox import Outbox
from kiosk.sender import Sender
from seen import vocabulary
from staffconsole.store.schema import open_db

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def forbidden_words() -> list[str]:
    """Each synthetic patient's names, and their dates of birth as anyone might write them."""
    words = []
    for first, last, dob, _, _ in PATIENTS:
        day = date.fromisoformat(dob)
        words += [
            first,
            last,
            dob,
            f"{day.day} {MONTHS[day.month - 1]} {day.year}",
            day.strftime("%d/%m/%Y"),
            day.strftime("%m/%d/%Y"),
            day.strftime("%d.%m.%Y"),
        ]
    return words


class Now:
    def call_soon(self, fn):
        fn()

    def call_later(self, seconds, fn):
        class Handle:
            def cancel(self):
                pass

        return Handle()


class Receipts:
    def submit(self, arrival, on_failed=None, language="en"):
        pass


@pytest.mark.e2e
def test_no_names_or_dates_of_birth_in_any_log(tmp_path, caplog):
    server = start_server(tmp_path, env={"SEEN_LOOKUP_RATE_MAX": "6"})
    outbox = Outbox(tmp_path / "outbox.db")
    try:
        db = open_db(server.db)
        try:
            book_today(db)
        finally:
            db.close()
        token = server.add_kiosk("Lobby kiosk 1")
        client = KioskClient(server.url, token)
        sender = Sender(outbox, client).start()
        shown: list[str] = []
        caplog.set_level(logging.DEBUG)
        controller = Controller(
            f.Flow(),
            client,
            outbox,
            Receipts(),
            Now(),
            load_config(None, environ={}),
            show=shown.append,
            run=lambda fn: fn(),
        )
        people = PATIENTS[:3]
        for _, last, dob, _, _ in people:  # found and checked in
            controller.start()
            controller.enter_name(last)
            controller.enter_dob(dob)
            controller.confirm_yes()
            assert shown[-1] == "done", shown
            controller.finish()
        controller.start()  # no match, twice (after the first the patient checks and retries)
        controller.enter_name(PATIENTS[3][1])
        controller.enter_dob("1999-01-01")
        assert controller.flow.state == vocabulary.CHECK_TYPED
        controller.try_again()
        controller.enter_name(PATIENTS[3][1])
        controller.enter_dob("1999-01-02")
        assert controller.flow.reason == "no_match"
        controller.finish()
        controller.start()  # asks for help after typing
        controller.enter_name(PATIENTS[4][1])
        controller.help()
        controller.finish()
        reasons = []
        for _ in range(2):  # look-ups 6 and 7 of at most 6: the last is refused
            controller.start()
            controller.enter_name(PATIENTS[4][1])
            controller.enter_dob(PATIENTS[4][2])
            if controller.flow.state == vocabulary.CONFIRM:
                controller.confirm_no()
            reasons.append(controller.flow.reason)
            controller.finish()
        # Refused (429): the patient is told someone is coming, as for no match.
        assert reasons == ["not_me", "no_match"], reasons
        r = requests.post(
            server.url + "/api/v1/kiosk/lookup",
            timeout=10,
            headers={"Authorization": f"Bearer {token}"},
            json={"session": "x", "last_name": PATIENTS[0][1], "dob": "1980-02-31"},
        )
        assert r.status_code in (422, 429)
        # A hand-off nested far too deep, holding a name: refused, and nothing of it logged.
        deep = {"last_name": PATIENTS[1][1]}
        for _ in range(600):
            deep = {"n": deep}
        handoff = {
            "id": "deep-1",
            "session": "x",
            "type": vocabulary.SESSION_HANDED_OFF,
            "at": "2026-11-22T10:00:00+00:00",
            "data": {"reason": "no_match", "entered": {"last_name": PATIENTS[1][1]}, "x": deep},
        }
        r = requests.post(
            server.url + "/api/v1/kiosk/events",
            timeout=10,
            headers={"Authorization": f"Bearer {token}"},
            json={"events": [handoff]},
        )
        assert r.status_code == 422, r.text[:300]
        wait_for(lambda: outbox.pending(1000) == [], timeout=20, what="the outbox to drain")
        sender.stop()
        alerts = server.cli("alerts", "--json").stdout
        assert "lookup_rate" in alerts and PATIENTS[3][1] in alerts  # the desk does know
    finally:
        outbox.close()
        server.stop()
    server_log = server.log.read_text(encoding="utf-8")
    kiosk_log = "\n".join(record.getMessage() for record in caplog.records)
    assert "POST /api/v1/kiosk/lookup" in server_log and "429" in server_log
    assert 'POST /api/v1/kiosk/events HTTP/1.1" 422' in server_log
    assert "Traceback" not in server_log
    assert "lookup failed" in kiosk_log  # the kiosk did log the refusal, without who
    for word in forbidden_words():
        assert word not in server_log, f"the server log contains {word!r}"
        assert word not in kiosk_log, f"the kiosk log contains {word!r}"


@pytest.mark.e2e
def test_json_lines_to_the_journal_hold_no_names_either(tmp_path):
    """`log_format = "json"` under systemd (JOURNAL_STREAM names the server's stderr):
    every line is a priority and one JSON object naming its logger; INFO access lines are
    kept; no patient's name or date of birth in any of them."""
    server = start_server(tmp_path, env={"SEEN_LOG_FORMAT": "json"}, journal=True)
    try:
        db = open_db(server.db)
        try:
            book_today(db)
        finally:
            db.close()
        token = server.add_kiosk("Lobby kiosk 1")
        auth = {"Authorization": f"Bearer {token}"}
        first, last, dob = PATIENTS[0][0], PATIENTS[0][1], PATIENTS[0][2]
        r = requests.post(
            server.url + "/api/v1/kiosk/lookup",
            timeout=10,
            headers=auth,
            json={"session": "j1", "last_name": last, "dob": dob},
        )
        assert r.status_code == 200 and r.json()["matches"], r.text
        bad = {"session": "j1", "last_name": {"x": f"{first} {last}"}, "dob": dob}
        r = requests.post(server.url + "/api/v1/kiosk/lookup", timeout=10, headers=auth, json=bad)
        assert r.status_code == 422
        r = requests.get(f"{server.url}/healthz?name={last}&dob={dob}", timeout=10)
        assert r.status_code == 200
    finally:
        server.stop()
    lines = server.log.read_text(encoding="utf-8").splitlines()
    records = []
    for line in lines:
        assert line[:1] == "<" and line[2] == ">", line  # journald's priority prefix
        record = json.loads(line[3:])
        assert record["logger"] and record["level"] and "message" in record
        records.append((int(line[1]), record))
    access = [r["message"] for p, r in records if r["logger"] == "uvicorn.access" and p == 6]
    assert any('POST /api/v1/kiosk/lookup HTTP/1.1" 422' in m for m in access), access
    assert any('"GET /healthz?… HTTP/1.1" 200' in m for m in access), access
    assert any(r["logger"] == "uvicorn.error" for _, r in records)  # startup, at INFO
    text = "\n".join(lines)
    for word in forbidden_words():
        assert word not in text, f"the server log contains {word!r}"
