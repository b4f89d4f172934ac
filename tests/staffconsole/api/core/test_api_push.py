"""Push API in-process: its own tokens, idempotent upserts, cancellation, the arrivals feed."""

import pytest
from helpers.seed import NOW, TODAY
from hypothesis import given, settings
from hypothesis import strategies as st

from staffconsole.auth import api_tokens
from staffconsole.store.audit import list_audit

DAY = TODAY.isoformat()
BODY = {
    "first_name": "Zoë",
    "last_name": "O'Brien-Núñez",
    "dob": "1957-11-30",
    "start": f"{DAY}T10:30",
    "provider": "Dr. Lee",
}


@pytest.fixture
def push_token(app_db):
    return api_tokens.add_token(app_db, "Acme PMS", "push", NOW)


@pytest.fixture
def push(push_token):
    return {"Authorization": f"Bearer {push_token}"}


@pytest.fixture(scope="module")
def fuzz_client(tmp_path_factory):
    """One app, database and token for every generated example (hypothesis reuses fixtures)."""
    from fastapi.testclient import TestClient

    from staffconsole.app import create_app
    from staffconsole.config import load_settings
    from staffconsole.store.schema import ensure_schema, open_db

    path = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
    db = open_db(path)
    ensure_schema(db)
    token = api_tokens.add_token(db, "Fuzzer", "push", NOW)
    db.close()
    app = create_app(load_settings(environ={}, overrides={"db_path": str(path)}), staff=False)
    with TestClient(app) as client:
        yield client, {"Authorization": f"Bearer {token}"}


def audit(db, reads=False):
    """Changes, oldest first (with reads=True: only the read rows)."""
    rows = [(a["actor"], a["action"], a["target"]) for a in reversed(list_audit(db))]
    return [r for r in rows if r[1].startswith("read.") == reads]


def lookup(client, auth, last_name="obrien nunez", dob="1957-11-30", session="s1"):
    r = client.post(
        "/api/v1/kiosk/lookup",
        headers=auth,
        json={"session": session, "last_name": last_name, "dob": dob},
    )
    assert r.status_code == 200, r.text
    return r.json()["matches"]


@pytest.mark.parametrize(
    "header, words",
    [
        (None, "missing API token"),
        ("Basic abc", "malformed Authorization"),
        ("Bearer " + "x" * 43, "unknown API token"),
    ],
)
def test_push_calls_need_an_api_token(client, header, words):
    headers = {"Authorization": header} if header else {}
    r = client.put("/api/v1/appointments/a1", json=BODY, headers=headers)
    assert r.status_code == 401 and words in r.json()["detail"]
    assert r.headers["www-authenticate"] == "Bearer"


def test_kiosk_and_push_tokens_do_not_open_each_others_api(client, auth, push):
    r = client.put("/api/v1/appointments/a1", json=BODY, headers=auth)
    assert r.status_code == 403 and "kiosk token" in r.json()["detail"]
    assert (
        client.get("/api/v1/arrivals?since=2026-01-01T00:00:00Z", headers=auth).status_code == 403
    )
    r = client.post(
        "/api/v1/kiosk/lookup",
        headers=push,
        json={"session": "s1", "last_name": "Okafor", "dob": "1980-02-04"},
    )
    assert r.status_code == 401 and "unknown kiosk token" in r.json()["detail"]


def test_a_revoked_token_stops_working(client, app_db, push):
    api_tokens.revoke_token(app_db, "Acme PMS", NOW)
    r = client.put("/api/v1/appointments/a1", json=BODY, headers=push)
    assert r.status_code == 401 and "revoked" in r.json()["detail"]


def test_put_is_an_idempotent_upsert_audited_as_the_token(client, app_db, push, auth):
    first = client.put("/api/v1/appointments/PMS-1", json=BODY, headers=push)
    assert first.status_code == 201 and first.json()["result"] == "added"
    assert first.json()["appointment"] == {
        "external_id": "PMS-1",
        "start": f"{DAY}T10:30",
        "provider": "Dr. Lee",
        "status": "booked",
        "code": None,
        "display_name": "Zoë O.",
    }
    again = client.put("/api/v1/appointments/PMS-1", json=BODY, headers=push)
    assert again.status_code == 200 and again.json()["result"] == "unchanged"
    assert [m["time"] for m in lookup(client, auth)] == ["10:30"]

    moved = client.put(
        "/api/v1/appointments/PMS-1",
        headers=push,
        json={**BODY, "start": f"{DAY}T11:15", "code": "Q7"},
    )
    assert moved.json()["result"] == "changed"
    assert [m["time"] for m in lookup(client, auth)] == ["11:15"]
    assert app_db.execute("SELECT count(*), min(source) FROM appointments").fetchone() == (
        1,
        "push",
    )
    assert audit(app_db) == [
        ("api:Acme PMS", "appointment.added", "PMS-1"),
        ("api:Acme PMS", "appointment.changed", "PMS-1"),
    ]
    assert client.get("/api/v1/appointments/PMS-1", headers=push).json()["code"] == "Q7"


def test_an_offset_start_is_moved_to_clinic_time(client, push):
    r = client.put(
        "/api/v1/appointments/z", headers=push, json={**BODY, "start": "2026-11-22T09:30:00+00:00"}
    )
    assert r.status_code == 201
    assert r.json()["appointment"]["start"] == "2026-11-22T09:30"  # test server's clinic is UTC


def test_unknown_dob_is_allowed_for_code_check_in(client, app_db, push):
    r = client.put(
        "/api/v1/appointments/nodob", headers=push, json={**BODY, "dob": None, "code": "NODOB-1"}
    )
    assert r.status_code == 201
    assert app_db.execute("SELECT dob FROM patients").fetchone() == ("",)


@pytest.mark.parametrize(
    "change, words",
    [
        ({"last_name": ""}, "last_name"),
        ({"last_name": None}, "last_name"),
        ({"dob": "1957-02-30"}, "dob is not a real date in YYYY-MM-DD form"),
        ({"dob": "30/11/1957"}, "dob is not a real date"),
        ({"dob": f"{int(DAY[:4]) + 1}-01-01"}, "dob is after the appointment"),
        ({"start": "tomorrow"}, "start must be an ISO date and time"),
        ({"start": DAY}, "start must have a time"),
        ({"status": "maybe"}, "'booked' or 'cancelled'"),
        ({"code": "x" * 65}, "at most 64 characters"),
        ({"first_name": "x" * 101}, "at most 100 characters"),
        ({"surname": "Okafor"}, "Extra inputs are not permitted"),
    ],
)
def test_bad_bodies_are_422_with_a_reason(client, push, change, words):
    body = {**BODY, **change}
    r = client.put("/api/v1/appointments/a1", json=body, headers=push)
    assert r.status_code == 422, r.text
    assert words in str(r.json()["detail"])


def test_bad_paths_and_json_are_4xx_not_500(client, push):
    assert (
        client.put("/api/v1/appointments/" + "x" * 65, json=BODY, headers=push).status_code == 422
    )
    r = client.put(
        "/api/v1/appointments/a1",
        content=b"{not json",
        headers={**push, "Content-Type": "application/json"},
    )
    assert r.status_code == 422
    assert client.get("/api/v1/appointments/nobody", headers=push).status_code == 404


def test_delete_cancels_and_keeps_history(client, app_db, push, auth):
    client.put("/api/v1/appointments/PMS-1", json=BODY, headers=push)
    appointment = lookup(client, auth)[0]["appointment"]
    assert (
        client.post(
            "/api/v1/kiosk/checkin",
            headers=auth,
            json={"session": "s1", "appointment": appointment},
        ).status_code
        == 200
    )

    gone = client.delete("/api/v1/appointments/PMS-1", headers=push)
    assert gone.status_code == 200 and gone.json()["result"] == "changed"
    assert gone.json()["appointment"]["status"] == "cancelled"
    assert client.delete("/api/v1/appointments/PMS-1", headers=push).json()["result"] == "unchanged"
    assert lookup(client, auth) == []
    assert app_db.execute("SELECT count(*) FROM arrivals").fetchone() == (1,)
    r = client.delete("/api/v1/appointments/other", headers=push)
    assert r.status_code == 404 and "other" in r.json()["detail"]
    # Cancelling by PUT with status cancelled is the same thing, and undoes by PUT booked.
    back = client.put("/api/v1/appointments/PMS-1", json=BODY, headers=push)
    assert back.json()["appointment"]["status"] == "booked"
    assert ("api:Acme PMS", "appointment.cancelled", "PMS-1") in audit(app_db)


def checked_in(client, push, auth, external_id, hhmm):
    client.put(
        f"/api/v1/appointments/{external_id}", headers=push, json={**BODY, "start": f"{DAY}T{hhmm}"}
    )
    found = lookup(client, auth, session=f"s-{external_id}")
    match = next(m for m in found if m["time"] == hhmm)
    r = client.post(
        "/api/v1/kiosk/checkin",
        headers=auth,
        json={"session": f"s-{external_id}", "appointment": match["appointment"]},
    )
    return r.json()["arrival"]["id"]


def test_arrivals_feed_with_a_cursor_misses_nothing(client, app_db, push, auth):
    first = checked_in(client, push, auth, "A", "10:00")
    page = client.get(
        "/api/v1/arrivals", params={"since": "2000-01-01T00:00:00Z"}, headers=push
    ).json()
    assert [(a["id"], a["appointment"], a["status"], a["kiosk"]) for a in page["arrivals"]] == [
        (first, "A", "waiting", "Lobby kiosk 1")
    ]
    cursor = page["cursor"]
    assert client.get(f"/api/v1/arrivals?cursor={cursor}", headers=push).json() == {
        "arrivals": [],
        "cursor": cursor,
        "more": False,
    }

    second = checked_in(client, push, auth, "B", "10:15")
    app_db.execute(
        "INSERT INTO alerts (kind, cause, severity, created_at, updated_at, summary) "
        "VALUES ('long_wait', ?, 45, ?, ?, 'waiting long')",
        [f"arrival:{first}", NOW.isoformat(), NOW.isoformat()],
    )
    app_db.conn.commit()
    called = client.post(
        f"/api/v1/arrivals/{first}/status", json={"status": "called_in"}, headers=push
    )
    assert called.status_code == 200 and called.json()["status"] == "called_in"
    assert called.json()["called_in_at"] and called.json()["seen_at"] is None
    assert app_db.execute("SELECT status, resolved_by FROM alerts").fetchone() == (
        "resolved",
        "api:Acme PMS",
    )

    page = client.get(f"/api/v1/arrivals?cursor={cursor}&limit=1", headers=push).json()
    assert [a["id"] for a in page["arrivals"]] == [second] and page["more"] is True
    page = client.get(f"/api/v1/arrivals?cursor={page['cursor']}&limit=1", headers=push).json()
    assert [(a["id"], a["status"]) for a in page["arrivals"]] == [(first, "called_in")]
    assert page["more"] is False
    assert ("api:Acme PMS", "arrival.called_in", f"arrival:{first}") in audit(app_db)

    seen = client.post(f"/api/v1/arrivals/{first}/status", json={"status": "seen"}, headers=push)
    assert seen.json()["status"] == "seen" and seen.json()["seen_at"]
    same = client.post(f"/api/v1/arrivals/{first}/status", json={"status": "seen"}, headers=push)
    assert same.status_code == 200 and same.json() == seen.json()
    back = client.post(
        f"/api/v1/arrivals/{first}/status", json={"status": "called_in"}, headers=push
    )
    assert back.status_code == 409 and "already seen" in back.json()["detail"]
    assert [a[1] for a in audit(app_db)].count("arrival.seen") == 1


@pytest.mark.parametrize(
    "query, words",
    [
        ("", "exactly one of since="),
        ("?since=2026-01-01T00:00:00Z&cursor=3", "exactly one of since="),
        ("?since=yesterday", "ISO 8601"),
        ("?since=2026-11-22T08:00", "UTC offset"),
        ("?cursor=-1", "cursor"),
        ("?cursor=3&limit=0", "limit"),
    ],
)
def test_bad_arrival_queries_are_422(client, push, query, words):
    r = client.get("/api/v1/arrivals" + query, headers=push)
    assert r.status_code == 422 and words in str(r.json()["detail"])


def test_bad_status_updates_are_4xx(client, push):
    r = client.post("/api/v1/arrivals/99/status", json={"status": "seen"}, headers=push)
    assert r.status_code == 404 and "99" in r.json()["detail"]
    r = client.post("/api/v1/arrivals/1/status", json={"status": "gone"}, headers=push)
    assert r.status_code == 422 and "'called_in' or 'seen'" in str(r.json()["detail"])
    assert (
        client.post("/api/v1/arrivals/0/status", json={"status": "seen"}, headers=push).status_code
        == 422
    )


def test_the_push_api_is_in_the_openapi_document(client):
    paths = client.app.openapi()["paths"]
    assert {"put", "get", "delete"} <= set(paths["/api/v1/appointments/{external_id}"])
    assert "get" in paths["/api/v1/arrivals"]
    assert "post" in paths["/api/v1/arrivals/{arrival_id}/status"]


def test_arrivals_from_before_the_upgrade_are_in_the_feed(tmp_path):
    from staffconsole.store import feed as arrival_feed
    from staffconsole.store import schema

    db = schema.open_db(tmp_path / "v1.db")
    with schema.write(db):
        for statement in schema.TABLES_V1:
            db.execute(statement)
        db.execute("PRAGMA user_version = 1")
        db.execute(
            "INSERT INTO patients (first_name, last_name, dob, norm_last) "
            "VALUES ('Ana', 'Lee', '1990-01-01', 'lee')"
        )
        db.execute(
            "INSERT INTO appointments (external_id, patient_id, start, provider) "
            "VALUES ('old-1', 1, '2026-11-22T10:00', 'Dr. Lee')"
        )
        db.execute(
            "INSERT INTO arrivals (appointment_id, arrived_at, ticket) "
            "VALUES (1, '2026-11-22T09:55:00.000000+00:00', 1)"
        )
    schema.ensure_schema(db)
    page = arrival_feed.changes(db, since="2026-11-22T00:00:00.000000+00:00")
    assert [a["appointment"] for a in page["arrivals"]] == ["old-1"] and page["cursor"] == "1"
    db.close()


def test_blank_external_id_is_refused(client, push):
    r = client.put("/api/v1/appointments/%20", json=BODY, headers=push)
    assert r.status_code == 422 and "blank" in r.json()["detail"]


VALUE = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=30)
    | st.sampled_from(
        ["1957-11-30", f"{DAY}T10:30", "2026-11-22T09:30:00Z", "booked", "cancelled", ""]
    )
)


@settings(max_examples=80, deadline=None)
@given(
    st.dictionaries(st.sampled_from([*BODY, "status", "code", "other"]), VALUE, max_size=4),
    st.text(
        alphabet=st.characters(
            codec="utf-8", exclude_characters="/?#%", exclude_categories=["Cs", "Cc"]
        ),
        min_size=1,
        max_size=70,
    ).filter(lambda text: text.strip(".")),
)  # "." and ".." are path steps, not ids
def test_any_body_or_id_is_answered_with_a_reason_never_a_500(fuzz_client, change, external_id):
    client, push = fuzz_client
    r = client.put(f"/api/v1/appointments/{external_id}", json={**BODY, **change}, headers=push)
    assert r.status_code in (200, 201, 422), r.text
    if r.status_code == 422:
        assert r.json()["detail"]


def test_reads_through_the_push_api_are_audited_without_names(client, app_db, push, auth):
    checked_in(client, push, auth, "A", "10:00")
    assert client.get("/api/v1/appointments/A", headers=push).status_code == 200
    assert client.get("/api/v1/appointments/nobody", headers=push).status_code == 404
    page = client.get("/api/v1/arrivals", params={"since": "2000-01-01T00:00:00Z"}, headers=push)
    assert page.status_code == 200
    assert audit(app_db, reads=True) == [
        ("api:Acme PMS", "read.appointment", "A"),
        ("api:Acme PMS", "read.arrivals", None),
    ]
    feed_row = list_audit(app_db)[0]
    assert feed_row["detail"] == {"count": 1, "since": "2000-01-01T00:00:00Z", "cursor": None}
    assert "Zoë" not in str(list_audit(app_db)) and "Brien" not in str(list_audit(app_db))
