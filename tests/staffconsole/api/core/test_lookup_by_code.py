"""Look-up by appointment code (typed or scanned at the kiosk): the CSV `code` column, the
external_id fallback, the same answer shape, and a clear 422 when the body is ambiguous."""

from datetime import date

import pytest
from helpers.seed import book

from staffconsole.schedule.importer import import_csv_text
from staffconsole.store import schema
from staffconsole.store.sessions import get_session

API = "/api/v1/kiosk"
TODAY = date.today().isoformat()
HEADER = "external_id,first_name,last_name,dob,start,provider,code"


def import_rows(db, *rows):
    report = import_csv_text(db, "\n".join([HEADER, *rows]) + "\n")
    assert report.ok, report.rejected
    return report


@pytest.fixture
def coded(app_db):
    import_rows(
        app_db,
        f"x-1,María,Okafor,1980-02-04,{TODAY}T10:30,Dr. Lee,QX7-42",
        f"x-2,Zoë,Ng,1990-01-01,{TODAY}T11:00,Dr. Ng,",
        "x-3,Ann,Old,1950-01-01,2020-01-01T09:00,Dr. Ng,OLD1",
    )
    return {
        row["external_id"]: row["id"]
        for row in app_db.query("SELECT id, external_id FROM appointments")
    }


@pytest.mark.parametrize("typed", ["QX7-42", "qx7-42", " QX7 -42 "])
def test_code_finds_the_appointment(client, auth, coded, typed):
    r = client.post(f"{API}/lookup", headers=auth, json={"session": "s1", "code": typed})
    assert r.status_code == 200, r.text
    assert r.json() == {
        "matches": [
            {
                "appointment": coded["x-1"],
                "display_name": "María O.",
                "time": "10:30",
                "provider": "Dr. Lee",
            }
        ]
    }


def test_without_a_code_the_external_id_is_the_code(client, auth, coded):
    r = client.post(f"{API}/lookup", headers=auth, json={"session": "s1", "code": "x-2"})
    assert [m["appointment"] for m in r.json()["matches"]] == [coded["x-2"]]
    # An appointment with its own code is not found by its external_id.
    r = client.post(f"{API}/lookup", headers=auth, json={"session": "s1", "code": "x-1"})
    assert r.json() == {"matches": []}


def test_code_matches_only_today_and_booked(client, auth, app_db, coded):
    assert client.post(
        f"{API}/lookup", headers=auth, json={"session": "s1", "code": "OLD1"}
    ).json() == {"matches": []}
    book(
        app_db,
        "x-1",
        "María",
        "Okafor",
        "1980-02-04",
        f"{TODAY}T10:30",
        "Dr. Lee",
        status="cancelled",
    )
    assert client.post(
        f"{API}/lookup", headers=auth, json={"session": "s1", "code": "x-1"}
    ).json() == {"matches": []}


def test_the_code_is_kept_for_the_console(client, auth, app_db, coded):
    client.post(f"{API}/lookup", headers=auth, json={"session": "s1", "code": "NOPE9"})
    assert get_session(app_db, "s1")["entered"] == {"code": "NOPE9"}


@pytest.mark.parametrize(
    "body, words",
    [
        ({"session": "s1"}, "give last_name and dob, or code"),
        ({"session": "s1", "last_name": "Okafor"}, "give last_name and dob, or code"),
        ({"session": "s1", "dob": "1980-02-04"}, "give last_name and dob, or code"),
        ({"session": "s1", "code": "A1", "last_name": "Okafor", "dob": "1980-02-04"}, "not both"),
        ({"session": "s1", "code": "A1", "last_name": "Okafor"}, "not both"),
        ({"session": "s1", "code": ""}, "at least 1"),
        ({"session": "s1", "code": "C" * 65}, "at most 64"),
        ({"session": "s1", "code": 42}, "string"),
    ],
)
def test_neither_or_both_is_422_with_a_reason(client, auth, body, words):
    r = client.post(f"{API}/lookup", headers=auth, json=body)
    assert r.status_code == 422, r.text
    assert words in r.text


def test_csv_code_column_is_optional_and_checked(app_db):
    report = import_csv_text(
        app_db,
        "external_id,first_name,last_name,dob,start,provider\n"
        f"y-1,Ann,Lee,1970-01-01,{TODAY}T09:00,Dr. Ng\n",
    )
    assert report.ok
    report = import_csv_text(
        app_db, f"{HEADER}\ny-2,Ann,Lee,1970-01-01,{TODAY}T09:00,Dr. Ng," + "K" * 65 + "\n"
    )
    assert report.rejected == [(2, "code is longer than 64 characters")]
    # Changing only the code is a change; the same file again is not.
    import_rows(app_db, f"y-1,Ann,Lee,1970-01-01,{TODAY}T09:00,Dr. Ng,NEW1")
    assert import_rows(app_db, f"y-1,Ann,Lee,1970-01-01,{TODAY}T09:00,Dr. Ng,NEW1").unchanged == 1


def test_a_version_1_database_gains_the_code_column(tmp_path):
    db = schema.open_db(tmp_path / "old.db")
    with schema.write(db):
        for statement in schema.MIGRATIONS[1]:
            db.execute(statement)
        db.execute("PRAGMA user_version = 1")
    schema.ensure_schema(db)
    assert "code" in db.column_names("appointments")
    assert schema.schema_version(db) == schema.SCHEMA_VERSION
    db.close()
