"""Deeply nested JSON is a 422 with a plain reason before anything parses it, and the
422 for any bad body names fields and problems, never the values sent.

Why: a kiosk hand-off nested ~600 deep made the parser, pydantic and the 422 encoder
recurse until RecursionError: a 500 whose traceback held what the patient typed.
"""

from __future__ import annotations

import json

import pytest
from helpers.seed import PATIENTS
from security.helpers import bearer

from staffconsole.api.body_limit import MAX_JSON_DEPTH, json_depth

EVENTS = "/api/v1/kiosk/events"
NAME = PATIENTS[0][1]


def handoff(extra: object) -> bytes:
    """A kiosk hand-off event whose data carries `extra` beside what the patient typed."""
    event = {
        "id": "e1",
        "session": "s1",
        "type": "session.handed_off",
        "at": "2026-11-22T10:00:00+00:00",
        "data": {"reason": "no_match", "entered": {"last_name": NAME}, "extra": extra},
    }
    return json.dumps({"events": [event]}).encode()


def nested(depth: int) -> object:
    value: object = {"typed": NAME}
    for n in range(depth):
        value = {"n": value} if n % 2 else [value]
    return value


def post(client, token, body: bytes, **headers):
    return client.post(
        EVENTS,
        content=body,
        headers={**bearer(token), "Content-Type": "application/json", **headers},
    )


@pytest.mark.parametrize(
    ("body", "depth"),
    [
        (b"", 0),
        (b'"[[["', 0),
        (b"[]", 1),
        (b'{"a": [1, {"b": "]]]}"}], "c": {}}', 3),
        (rb'["\\", ["\"[", []]]', 3),
        (b"]]]][[", 0),  # malformed: a parser stops at the first "]", before any nesting
        (b"[" * 100_000, 100_000),
    ],
)
def test_json_depth_counts_brackets_outside_strings(body, depth):
    assert json_depth(body) == depth
    assert json_depth(b'["\\\\\\"]"]') == 1  # an escaped backslash, then an escaped quote


@pytest.mark.parametrize("depth", [40, 600, 5000])
def test_a_hand_off_nested_deep_is_422_with_a_plain_reason(client, creds, depth):
    if depth > 900:  # json.dumps itself recurses: build the text by hand
        body = b'{"events": [' + b"[" * depth + b"]" * depth + b"]}"
    else:
        body = handoff(nested(depth))
    r = post(client, creds["kiosk"], body)
    assert r.status_code == 422, r.text[:300]
    assert r.json() == {"detail": f"JSON nested deeper than {MAX_JSON_DEPTH} levels"}
    assert NAME not in r.text


def test_deep_json_sent_chunked_is_refused_too(client, creds):
    body = handoff(nested(600))
    r = post(client, creds["kiosk"], (body[i : i + 500] for i in range(0, len(body), 500)))
    assert r.status_code == 422 and "nested deeper" in r.json()["detail"]


def test_the_kiosks_real_hand_off_and_brackets_inside_text_pass(client, creds):
    # Brackets inside a typed string (and escaped quotes) are text, not nesting.
    tries = [{"last_name": '[[{{\\"\\' * 12, "dob": "1980-02-04"}] * 5
    event = {
        "id": "e2",
        "session": "s2",
        "type": "session.handed_off",
        "at": "2026-11-22T10:00:00+00:00",
        "data": {
            "reason": "no_match",
            "step": "check_typed",
            "entered": {"last_name": "[" * 90},
            "attempts": tries,
        },
    }
    r = post(client, creds["kiosk"], json.dumps({"events": [event]}).encode())
    assert r.status_code == 200, r.text
    assert r.json()["accepted"] == ["e2"]


def test_a_422_names_the_field_but_never_echoes_what_was_sent(client, creds):
    r = client.post(
        "/api/v1/kiosk/lookup",
        headers=bearer(creds["kiosk"]),
        json={"session": ["s1", NAME], "last_name": {"nested": [NAME]}, "dob": NAME},
    )
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert isinstance(detail, list) and detail
    fields = {tuple(reason["loc"]) for reason in detail}
    assert ("body", "last_name") in fields and ("body", "dob") in fields
    for reason in detail:
        assert set(reason) == {"loc", "msg", "type"}, reason
        assert reason["msg"]
    assert NAME not in r.text


@pytest.mark.e2e
def test_the_real_server_answers_deep_json_with_422_and_logs_none_of_it(tmp_path):
    import requests
    from support import start_server

    server = start_server(tmp_path)
    try:
        token = server.add_kiosk("Lobby kiosk 1")
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        r = requests.post(
            server.url + EVENTS, data=handoff(nested(600)), headers=headers, timeout=10
        )
        assert r.status_code == 422, r.text[:300]
        assert "nested deeper" in r.json()["detail"]
        # And an ordinary bad body: the 422 is logged as an access line, no values.
        r = requests.post(
            server.url + "/api/v1/kiosk/lookup",
            json={"session": "s1", "last_name": {"x": NAME}, "dob": NAME},
            headers=headers,
            timeout=10,
        )
        assert r.status_code == 422 and NAME not in r.text
        # A name in a query string (any route, even a 404) is cut from the access line.
        requests.get(server.url + "/healthz", params={"who": NAME}, timeout=10)
        requests.get(server.url + "/api/v1/nowhere", params={"who": NAME}, timeout=10)
        assert requests.get(server.url + "/healthz", timeout=10).status_code == 200
    finally:
        server.stop()
    log = server.log.read_text(encoding="utf-8")
    assert "POST /api/v1/kiosk/events" in log and "422" in log
    assert "GET /api/v1/nowhere?… HTTP/1.1" in log
    assert "Traceback" not in log
    for first, last, *_ in PATIENTS:
        assert first not in log and last not in log
