"""`staffconsole` as a real process prints stored text with its control codes shown.

A kiosk name, username, alert text or audit target holding an escape sequence or a
newline must not reach the terminal raw: no screen clears, no forged lines.
"""

import json
import sqlite3

import pytest
from support import run_cli

from staffconsole.auth.kiosks import add_kiosk, kiosk_for_token
from staffconsole.clock import utcnow
from staffconsole.store.audit import audited
from staffconsole.store.schema import ensure_schema, open_db
from staffconsole.store.sessions import record_events

pytestmark = pytest.mark.e2e

CLEAR = "\x1b[2J"
FORGED = "line\nforged"
HOSTILE = f"{CLEAR}{FORGED}\u202e\x9b31m\x07"
RAW = ("\x1b", "\x9b", "\x07", "\u202e", "\r")


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "cli.db")


def cli(db, *args, check=True):
    return run_cli(*args, "--db", db, check=check)


def assert_safe(text):
    for char in RAW:
        assert char not in text, ascii(text)
    assert "forged" not in text.replace("\\nforged", "")  # never at the start of a line


def hostile_rows(db):
    conn = open_db(db)
    ensure_schema(conn)
    kiosk = kiosk_for_token(conn, add_kiosk(conn, f"Lobby {CLEAR}", utcnow()))
    record_events(
        conn,
        kiosk,
        [
            {
                "id": "e1",
                "session": "s1",
                "type": "session.handed_off",
                "at": "2026-11-22T09:00:00+00:00",
                "data": {
                    "reason": "no_match",
                    "step": "identify",
                    "entered": {"last_name": HOSTILE},
                },
            }
        ],
        utcnow(),
    )
    with audited(conn, f"cli:{HOSTILE}", "kiosk.add", HOSTILE, None, utcnow()):
        pass
    conn.close()


def test_alerts_table_shows_control_codes_escaped(db):
    hostile_rows(db)
    out = cli(db, "alerts").stdout
    assert_safe(out)
    lines = out.splitlines()
    assert len(lines) == 2  # the header and the one alert: nothing forged
    assert "\\x1b[2Jline\\nforged\\u202e\\x9b31m\\x07" in lines[1]


def test_audit_shows_control_codes_escaped(db):
    hostile_rows(db)
    out = cli(db, "audit").stdout
    assert_safe(out)
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT count(*) FROM audit").fetchone()[0]
    conn.close()
    assert len(out.splitlines()) == rows
    assert "cli:\\x1b[2Jline\\nforged" in out


def test_json_lines_carry_the_same_text_with_nothing_raw(db):
    hostile_rows(db)
    alerts = cli(db, "alerts", "--json").stdout
    audit = cli(db, "audit", "--json").stdout
    for out in (alerts, audit):
        assert_safe(out)
    assert HOSTILE in json.loads(alerts.splitlines()[0])["summary"]
    assert HOSTILE in [json.loads(line)["target"] for line in audit.splitlines()]


def test_kiosk_add_and_revoke_show_the_name_escaped(db):
    added = cli(db, "kiosk", "add", f"Front {CLEAR}desk").stdout
    assert_safe(added)
    assert "Front \\x1b[2Jdesk" in added.splitlines()[0]
    revoked = cli(db, "kiosk", "revoke", f"Front {CLEAR}desk").stdout
    assert_safe(revoked)
    assert len(revoked.splitlines()) == 1


def test_an_error_naming_hostile_text_is_one_safe_line(db):
    r = cli(db, "kiosk", "revoke", HOSTILE, check=False)
    assert r.returncode == 1
    assert_safe(r.stderr)
    assert len(r.stderr.splitlines()) == 1 and r.stderr.startswith("staffconsole: ")


def test_real_names_print_unchanged(db):
    for name in ("Zoë O'Brien-Núñez", "Анна", "Γιώργος", "王小明"):
        assert name in cli(db, "kiosk", "add", name).stdout
    out = cli(db, "audit").stdout
    for name in ("Zoë O'Brien-Núñez", "Анна", "Γιώργος", "王小明"):
        assert name in out


def test_user_add_shows_the_username_escaped(db):
    out = cli_input(
        db, "correct horse battery\n", "user", "add", f"ana{CLEAR}", "--role", "receptionist"
    )
    assert_safe(out.stdout)
    assert "ana\\x1b[2J" in out.stdout


def cli_input(db, text, *args):
    return run_cli(*args, "--db", db, input=text)


def test_import_problems_show_the_file_text_escaped(db, tmp_path):
    path = tmp_path / f"day{CLEAR}.csv"  # a legal file name on Linux
    path.write_text(
        "external_id,first_name,last_name,dob,start,provider\n"
        f'a1,Maria,Okafor,"1980{CLEAR}\nforged",2026-11-22T10:30,Dr. Lee\n'
        f'"b{CLEAR}",Zoë,Núñez,1980-02-04,soon{CLEAR},Dr. Lee\n',
        encoding="utf-8",
    )
    r = run_cli("import-schedule", str(path), "--date", "2026-11-22", "--db", db, check=False)
    assert r.returncode == 1
    assert_safe(r.stdout + r.stderr)
    assert len(r.stderr.splitlines()) == 2  # one line per rejected row, none forged
    assert "day\\x1b[2J.csv" in r.stdout


def test_report_shows_a_kiosk_name_escaped(db):
    hostile_rows(db)
    out = cli(db, "report").stdout  # today: the rows were received now
    assert_safe(out)
    assert "Lobby \\x1b[2J" in out


def test_apitoken_add_and_revoke_show_the_name_escaped(db):
    added = cli(db, "apitoken", "add", f"pms{CLEAR}").stdout
    assert_safe(added)
    assert "pms\\x1b[2J" in added.splitlines()[0]
    revoked = cli(db, "apitoken", "revoke", f"pms{CLEAR}").stdout
    assert_safe(revoked)
    assert len(revoked.splitlines()) == 1
