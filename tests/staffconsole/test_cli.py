"""`staffconsole` as a real process: kiosks, users, schedule import, alerts; clear errors."""

import getpass
import json
import sqlite3
import subprocess
import sys
from datetime import UTC, date, datetime

import pytest
from support import REPO, run_cli

from staffconsole.auth.kiosks import add_kiosk, kiosk_for_token
from staffconsole.store.alerts import list_alerts, resolve_alert
from staffconsole.store.sessions import record_events

pytestmark = pytest.mark.e2e

HEADER = "external_id,first_name,last_name,dob,start,provider\n"
TODAY = date.today().isoformat()


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "cli.db")


def cli(db, *args, input=None, check=True):
    return run_cli(*args, "--db", db, input=input, check=check)


def test_kiosk_add_prints_the_token_alone_on_its_last_line(db):
    out = cli(db, "kiosk", "add", "Lobby kiosk 1").stdout
    lines = out.strip().splitlines()
    assert len(lines) >= 2 and "Lobby kiosk 1" in lines[0]
    token = lines[-1]
    assert len(token) >= 40 and " " not in token
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM kiosks").fetchone()[0] == 1
        assert token not in "".join(str(r) for r in conn.execute("SELECT * FROM kiosks"))


def test_kiosk_errors_are_one_line_without_traceback(db):
    cli(db, "kiosk", "add", "Lobby kiosk 1")
    again = cli(db, "kiosk", "add", "Lobby kiosk 1", check=False)
    assert again.returncode == 1
    assert again.stderr.strip().count("\n") == 0 and "already exists" in again.stderr
    assert "Traceback" not in again.stderr
    missing = cli(db, "kiosk", "revoke", "Side door", check=False)
    assert missing.returncode == 1 and "Side door" in missing.stderr
    assert "revoked" in cli(db, "kiosk", "revoke", "Lobby kiosk 1").stdout


def test_user_add_reads_the_password_from_stdin(db):
    out = cli(db, "user", "add", "ana", "--role", "admin", input="s3cret pass phrase\n").stdout
    assert "ana" in out and "admin" in out
    with sqlite3.connect(db) as conn:
        username, password_hash, role = conn.execute(
            "SELECT username, password_hash, role FROM staff_users"
        ).fetchone()
    assert (username, role) == ("ana", "admin") and password_hash.startswith("$argon2id$")
    assert "s3cret" not in password_hash


@pytest.mark.parametrize("stdin", ["", "\n"])
def test_user_add_refuses_an_empty_password(db, stdin):
    r = cli(db, "user", "add", "ana", input=stdin, check=False)
    assert r.returncode == 1 and "empty" in r.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM staff_users").fetchone()[0] == 0


def test_user_add_refuses_a_bad_role(db):
    r = cli(db, "user", "add", "ana", "--role", "boss", input="pw\n", check=False)
    assert r.returncode == 2 and "boss" in r.stderr


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_import_schedule_good_file_exits_0_and_reimport_changes_nothing(db, tmp_path):
    path = write(
        tmp_path,
        "good.csv",
        HEADER + f"a1,Maria,Okafor,1980-02-04,{TODAY}T10:30,Dr. Lee\n"
        f"a2,Aroha,Te Rangi,2001-12-24,{TODAY}T11:30,Nurse Kim\n",
    )
    first = cli(db, "import-schedule", path)
    assert "2 added" in first.stdout and first.stderr == ""
    again = cli(db, "import-schedule", path)
    assert "0 added, 0 changed, 2 unchanged" in again.stdout


def test_import_schedule_mixed_file_keeps_good_rows_and_exits_1(db, tmp_path):
    path = write(
        tmp_path,
        "mixed.csv",
        HEADER + f"a1,Maria,Okafor,1980-02-04,{TODAY}T10:30,Dr. Lee\n"
        f"a2,Maria,Okafor,1980-02-31,{TODAY}T10:30,Dr. Lee\n"
        "a3,,Okafor,1980-02-04,2026-01-01T10:00,Dr. Lee\n",
    )
    r = cli(db, "import-schedule", path, check=False)
    assert r.returncode == 1
    assert r.stderr.splitlines() == [
        "line 3: dob is not a real date in YYYY-MM-DD form",
        "line 4: first_name is empty",
    ]
    assert "1 added" in r.stdout and "2 rejected" in r.stdout
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT external_id FROM appointments").fetchall() == [("a1",)]


def test_import_schedule_all_bad_rows_exits_1(db, tmp_path):
    path = write(tmp_path, "bad.csv", HEADER + "a1,Maria,Okafor,1980-02-04,soon,Dr. Lee\n")
    r = cli(db, "import-schedule", path, check=False)
    assert r.returncode == 1 and r.stderr.startswith("line 2: start")


@pytest.mark.parametrize("content", [None, b"\xff\xfe not utf-8", b"id,name\n"])
def test_import_schedule_unreadable_file_exits_2(db, tmp_path, content):
    path = tmp_path / "x.csv"
    if content is not None:
        path.write_bytes(content)
    r = cli(db, "import-schedule", str(path), check=False)
    assert r.returncode == 2 and str(path) in r.stderr and "Traceback" not in r.stderr


def test_alerts_json_lines(db, tmp_path):
    from staffconsole.clock import utcnow
    from staffconsole.store.schema import ensure_schema, open_db

    conn = open_db(db)
    ensure_schema(conn)
    token = add_kiosk(conn, "Lobby kiosk 1", utcnow())
    kiosk = kiosk_for_token(conn, token)
    for i, reason in enumerate(["help", "no_match"]):
        record_events(
            conn,
            kiosk,
            [
                {
                    "id": f"e{i}",
                    "session": f"s{i}",
                    "type": "session.handed_off",
                    "at": "2026-11-22T09:00:00+00:00",
                    "data": {
                        "reason": reason,
                        "step": "identify",
                        "entered": {"last_name": "Núñez"},
                    },
                }
            ],
            utcnow(),
        )
    first = list_alerts(conn)[0]
    resolve_alert(conn, first["id"], "ana", "redirected", None, utcnow())
    conn.close()

    lines = [json.loads(line) for line in cli(db, "alerts", "--json").stdout.splitlines()]
    assert [a["kind"] for a in lines] == ["no_match"]
    assert {"id", "kind", "status", "created_at", "kiosk", "session", "summary"} <= set(lines[0])
    assert lines[0]["kiosk"] == "Lobby kiosk 1" and lines[0]["session"] == "s1"
    assert "Núñez" in lines[0]["summary"]
    everything = cli(db, "alerts", "--all", "--json").stdout.splitlines()
    assert len(everything) == 2
    table = cli(db, "alerts").stdout
    assert "no_match" in table and "help" not in table


def test_bad_config_file_is_one_clear_line(db, tmp_path):
    config = write(tmp_path, "server.toml", "[server]\nport = 'x'\n")
    r = cli(db, "alerts", "--config", config, check=False)
    assert r.returncode == 1
    assert r.stderr.strip() == f"staffconsole: {config}: port = 'x': expected int"


def test_python_dash_m_is_the_same_command(db):
    r = subprocess.run(
        [sys.executable, "-m", "staffconsole", "alerts", "--db", db],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
        check=False,
    )
    assert r.returncode == 0 and "No open alerts." in r.stdout


def refuse_audit(db):
    """From now on no audit row can be written to this database file."""
    with sqlite3.connect(db) as conn:
        conn.execute(
            "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit "
            "BEGIN SELECT RAISE(ABORT, 'audit refused'); END"
        )
    conn.close()


def count(db, sql):
    with sqlite3.connect(db) as conn:
        found = conn.execute(sql).fetchone()[0]
    conn.close()
    return found


@pytest.mark.parametrize(
    ("args", "stdin", "changed"),
    [
        (("kiosk", "add", "Lobby kiosk 9"), None, "SELECT count(*) FROM kiosks"),
        (("user", "add", "ana"), "s3cret pass phrase\n", "SELECT count(*) FROM staff_users"),
        (("apitoken", "add", "Acme PMS"), None, "SELECT count(*) FROM api_tokens"),
        (
            ("import-schedule", "{file}", "--date", "2026-11-22"),
            None,
            "SELECT count(*) FROM appointments",
        ),
        (
            ("kiosk", "revoke", "Lobby kiosk 1"),
            None,
            "SELECT count(*) FROM kiosks WHERE revoked_at IS NOT NULL",
        ),
    ],
)
def test_a_command_whose_audit_row_fails_changes_nothing(db, tmp_path, args, stdin, changed):
    cli(db, "kiosk", "add", "Lobby kiosk 1")  # also makes the schema
    schedule = write(
        tmp_path, "day.csv", HEADER + "m1,Maria,Okafor,1980-02-04,2026-11-22T10:30,Dr. Lee\n"
    )
    before = count(db, changed)
    refuse_audit(db)
    r = cli(db, *(a.format(file=schedule) for a in args), input=stdin, check=False)
    assert r.returncode == 1 and r.stderr == "staffconsole: audit refused\n"
    assert count(db, changed) == before
    assert count(db, "SELECT count(*) FROM audit") == 1  # the first kiosk's, from before


def test_a_refused_command_writes_no_audit_row(db):
    cli(db, "kiosk", "add", "Lobby kiosk 1")
    assert cli(db, "kiosk", "add", "Lobby kiosk 1", check=False).returncode == 1
    assert cli(db, "kiosk", "revoke", "Side door", check=False).returncode == 1
    assert cli(db, "apitoken", "revoke", "Nobody", check=False).returncode == 1
    assert cli(db, "user", "add", "two words", input="pw\n", check=False).returncode == 1
    with sqlite3.connect(db) as conn:
        audited = conn.execute("SELECT actor, action, target FROM audit").fetchall()
    conn.close()
    assert audited == [("cli:" + getpass.getuser(), "kiosk.add", "Lobby kiosk 1")]


def test_audit_changes_leaves_out_the_reads_of_patient_lists(db):
    from staffconsole.store.audit import audit_read
    from staffconsole.store.schema import open_db

    cli(db, "kiosk", "add", "Lobby kiosk 1")
    conn = open_db(db)
    audit_read(conn, "ana", "console.snapshot", None, {"alerts": 3}, datetime.now(UTC))
    conn.close()
    everything = [
        json.loads(line)["action"] for line in cli(db, "audit", "--json").stdout.splitlines()
    ]
    changes = cli(db, "audit", "--changes").stdout
    assert everything == ["kiosk.add", "read.console.snapshot"]
    assert "kiosk.add" in changes and "read." not in changes
