"""Oversized and malformed bodies get a clear 4xx, and the server keeps serving."""

from __future__ import annotations

import json
import socket

import pytest
from security.helpers import bearer

LOOKUP = "/api/v1/kiosk/lookup"


@pytest.fixture
def overrides():
    return {"max_body_bytes": 10_000}


def test_a_body_over_the_limit_is_413_whether_or_not_its_length_is_declared(client, creds):
    big = json.dumps({"session": "s1", "last_name": "x" * 20_000, "dob": "1980-02-04"})
    r = client.post(
        LOOKUP, headers={**bearer(creds["kiosk"]), "Content-Type": "application/json"}, content=big
    )
    assert r.status_code == 413 and "larger than 10000 bytes" in r.json()["detail"]

    def chunks():
        for i in range(0, len(big), 1000):
            yield big[i : i + 1000].encode()

    r = client.post(
        LOOKUP,
        headers={**bearer(creds["kiosk"]), "Content-Type": "application/json"},
        content=chunks(),
    )
    assert r.status_code == 413
    # A small chunked body still goes through to the app.
    small = json.dumps({"session": "s1", "last_name": "Okafor", "dob": "1980-02-04"})
    r = client.post(
        LOOKUP,
        headers={**bearer(creds["kiosk"]), "Content-Type": "application/json"},
        content=(part.encode() for part in (small[:10], small[10:])),
    )
    assert r.status_code == 200, r.text


MALFORMED = [
    ("not json", "application/json", b"{session: s1"),
    ("truncated", "application/json", b'{"session": "s1", "last_name": "Ok'),
    ("a list", "application/json", b'["s1", "Okafor"]'),
    ("a number", "application/json", b"42"),
    ("null", "application/json", b"null"),
    ("empty", "application/json", b""),
    ("bad utf-8", "application/json", b'{"session": "s1", "last_name": "\xff\xfe"}'),
    ("form encoded", "application/x-www-form-urlencoded", b"session=s1&last_name=Okafor"),
    ("deeply nested", "application/json", b"[" * 5000 + b"]" * 5000),
    (
        "event data nested 600 deep",
        "application/json",
        b'{"events": [{"id": "e1", "session": "s1", "type": "session.handed_off", "data": '
        + b'{"a": ' * 600
        + b"1"
        + b"}" * 600
        + b"}]}",
    ),
    ("wrong types", "application/json", b'{"session": 1, "last_name": ["a"], "dob": 19800204}'),
    ("bad date", "application/json", b'{"session": "s1", "last_name": "A", "dob": "1980-02-30"}'),
    ("huge number", "application/json", b'{"session": "s1", "appointment": 1e400}'),
    (
        "nan in event data",
        "application/json",
        (
            b'{"events": [{"id": "e1", "session": "s1", "type": "session.started",'
            b' "at": "2026-11-22T10:00:00+00:00", "data": {"x": NaN}}], "session": NaN}'
        ),
    ),
]


def test_malformed_bodies_are_422_with_a_reason(client, creds):
    for name, content_type, body in MALFORMED:
        for path in (
            LOOKUP,
            "/api/v1/kiosk/checkin",
            "/api/v1/kiosk/events",
            "/api/v1/kiosk/heartbeat",
        ):
            r = client.post(
                path, content=body, headers={**bearer(creds["kiosk"]), "Content-Type": content_type}
            )
            assert r.status_code in (400, 422), (name, path, r.status_code, r.text)
            assert r.json()["detail"], (name, path)


def raw_request(port: int, head: bytes, body: bytes = b"") -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(head + body)
        answer = b""
        while b"\r\n\r\n" not in answer:
            piece = s.recv(65536)
            if not piece:
                break
            answer += piece
        return answer


@pytest.mark.e2e
def test_the_real_server_refuses_huge_and_broken_requests_and_keeps_serving(tmp_path):
    from support import start_server

    server = start_server(tmp_path, env={"SEEN_MAX_BODY_BYTES": "10000"})
    try:
        token = server.add_kiosk("Lobby kiosk 1")
        port = int(server.url.rsplit(":", 1)[1])
        auth = f"Authorization: Bearer {token}\r\n".encode()
        # Announces 50 MB and sends none of it: refused at once, nothing is read.
        answer = raw_request(
            port,
            b"POST /api/v1/kiosk/lookup HTTP/1.1\r\nHost: x\r\n"
            + auth
            + b"Content-Type: application/json\r\nContent-Length: 50000000\r\n\r\n",
        )
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
        answer = raw_request(
            port,
            b"POST /api/v1/kiosk/lookup HTTP/1.1\r\nHost: x\r\n"
            + auth
            + b"Content-Type: application/json\r\nContent-Length: 12\r\n\r\n",
            b"{not json!!}",
        )
        assert answer.startswith(b"HTTP/1.1 422"), answer[:200]
        answer = raw_request(port, b"GARBAGE\r\n\r\n")
        assert answer.startswith(b"HTTP/1.1 400") or answer == b""
        answer = raw_request(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert answer.startswith(b"HTTP/1.1 200"), "the server stopped serving"
        assert server.process.poll() is None
        assert "Traceback" not in server.log.read_text()
    finally:
        server.stop()
