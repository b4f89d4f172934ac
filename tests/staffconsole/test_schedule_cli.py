"""`staffconsole import-schedule` and `apitoken` as real processes."""

import getpass
import os
import pty
import select
import sqlite3
import subprocess
from datetime import date

import pytest
from support import DATA, console_script, run_cli

pytestmark = pytest.mark.e2e

HEADER = "external_id,first_name,last_name,dob,start,provider\n"
TODAY = date.today().isoformat()


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "cli.db")


def cli(db, *args, check=True):
    return run_cli(*args, "--db", db, check=check)


def statuses(db):
    with sqlite3.connect(db) as conn:
        result = dict(conn.execute("SELECT external_id, status FROM appointments"))
    conn.close()
    return result


def test_date_map_and_cancellation_from_the_command_line(db, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        "MRN,Given,Surname,Born,When,Clinician\n"
        "m1,Maria,Okafor,04/02/1980,22/11/2026 10:30,Dr. Lee\n"
        "m2,Aroha,Te Rangi,24/12/2001,22/11/2026 11:30,Nurse Kim\n"
        "m3,Aroha,Te Rangi,24/12/2001,23/11/2026 11:30,Nurse Kim\n",
        encoding="utf-8",
    )
    args = [
        "import-schedule",
        str(path),
        "--date",
        "2026-11-22",
        "--map",
        (
            "MRN=external_id,Given=first_name,Surname=last_name,Born=dob,When=start,"
            "Clinician=provider"
        ),
        "--date-format",
        "%d/%m/%Y",
        "--datetime-format",
        "%d/%m/%Y %H:%M",
    ]
    first = cli(db, *args)
    assert "(csv, 2026-11-22): 2 added" in first.stdout and "1 on other days" in first.stdout
    assert first.stderr == ""  # not a terminal and no --progress: no bar
    path.write_text(path.read_text().replace("m2,", "m9,"), encoding="utf-8")
    second = cli(db, *args)
    assert "Cancelled (no longer in the schedule): m2" in second.stdout
    assert statuses(db) == {"m1": "booked", "m2": "cancelled", "m9": "booked"}
    with sqlite3.connect(db) as conn:
        audited = conn.execute("SELECT actor, action, target FROM audit").fetchall()
    conn.close()
    assert audited == [("cli:" + getpass.getuser(), "schedule.import", "export.csv")] * 2


def test_fhir_is_recognised_by_content_and_progress_drawn_when_asked(db, tmp_path):
    config = tmp_path / "server.toml"
    config.write_text('[server]\nclinic_timezone = "Australia/Melbourne"\n')
    bundle = DATA / "fhir" / "spec-examples-bundle.json"
    r = cli(
        db,
        "import-schedule",
        str(bundle),
        "--date",
        "2013-12-10",
        "--config",
        str(config),
        "--progress",
    )
    assert "(fhir, 2013-12-10): 1 added" in r.stdout
    # (text mode reads the bar's carriage returns as line ends)
    assert "[" + "#" * 30 + "] 100%  3/3 records" in r.stderr.splitlines()


@pytest.mark.parametrize(
    "args, words",
    [
        (["--date", "22/11/2026"], "--date '22/11/2026': expected a date"),
        (["--map", "Surname"], "expected OTHER=CANONICAL"),
        (["--date-format", "%Y"], "schedule_date_format = '%Y'"),
    ],
)
def test_bad_options_are_one_clear_line(db, tmp_path, args, words):
    path = tmp_path / "x.csv"
    path.write_text(HEADER + f"a1,Maria,Okafor,1980-02-04,{TODAY}T10:30,Dr. Lee\n")
    r = cli(db, "import-schedule", str(path), *args, check=False)
    assert r.returncode in (1, 2) and words in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_apitoken_add_prints_the_token_alone_on_its_last_line(db):
    out = cli(db, "apitoken", "add", "Acme PMS").stdout.strip().splitlines()
    token = out[-1]
    assert "Acme PMS" in out[0] and len(token) >= 40 and " " not in token
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT name, scope, token_hash FROM api_tokens").fetchall()
    conn.close()
    assert [(name, scope) for name, scope, _ in rows] == [("Acme PMS", "push")]
    assert token not in rows[0][2]
    again = cli(db, "apitoken", "add", "Acme PMS", check=False)
    assert again.returncode == 1 and "already exists" in again.stderr
    assert "revoked" in cli(db, "apitoken", "revoke", "Acme PMS").stdout
    with sqlite3.connect(db) as conn:
        audited = conn.execute("SELECT action, target FROM audit ORDER BY id").fetchall()
    conn.close()
    assert audited == [("apitoken.add", "Acme PMS"), ("apitoken.revoke", "Acme PMS")]


def _run_with_stderr_on_a_terminal(args: list[str]) -> tuple[int, str]:
    """Run the command with a pty as stderr (as a person at a terminal); its stderr text."""
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen(
            [console_script("staffconsole"), *args],
            stdout=subprocess.DEVNULL,
            stderr=slave,
            stdin=subprocess.DEVNULL,
        )
        os.close(slave)
        slave = None
        seen = b""
        while True:
            ready, _, _ = select.select([master], [], [], 30)
            if not ready:
                break
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the pty closes when the process exits
                break
            if not chunk:
                break
            seen += chunk
        return proc.wait(30), seen.decode("utf-8", "replace")
    finally:
        os.close(master)
        if slave is not None:
            os.close(slave)


def test_large_files_draw_a_bar_only_on_a_terminal(db, tmp_path):
    path = tmp_path / "large.csv"
    rows = "".join(
        f"r{i},Maria,Okafor{i},1980-02-04,{TODAY}T{8 + i % 9:02d}:{i % 60:02d},Dr. Lee\n"
        for i in range(5000)
    )
    path.write_text(HEADER + rows, encoding="utf-8")
    quiet = cli(db, "import-schedule", str(path))
    assert "5000 added" in quiet.stdout and quiet.stderr == ""
    code, stderr = _run_with_stderr_on_a_terminal(["import-schedule", str(path), "--db", db])
    assert code == 0
    assert "\r[" in stderr and "100%  5000/5000 records" in stderr
