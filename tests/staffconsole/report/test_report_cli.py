"""`staffconsole report` as a real process over the seeded week: figures, CSV, --with-names rules."""

from __future__ import annotations

import csv
import getpass
import io
import json

import pytest
from helpers.week import ADMIN_PASSWORD, CLINIC_ZONE, FIRST, LAST, NAMES, NOTE, PASSWORD, ZONE_NAME
from support import run_cli

from staffconsole.clock import utcnow
from staffconsole.report import csv_export, queries
from staffconsole.report import figures as report
from staffconsole.store.audit import list_audit

pytestmark = pytest.mark.e2e

WEEK = ("--from", FIRST.isoformat(), "--to", LAST.isoformat())


@pytest.fixture
def cli(week, db_path, monkeypatch):
    monkeypatch.setenv("SEEN_CLINIC_TIMEZONE", ZONE_NAME)
    return lambda *args, **kw: run_cli("report", "--db", str(db_path), *args, **kw)


def without_printer_minutes(figures):
    # An unfinished printer fault counts up to "now", which differs by a moment here.
    return {**figures, "printer": {**figures["printer"], "minutes": None}}


def test_the_figures_are_the_pages(cli, week):
    db, ledger = week
    shown = json.loads(cli(*WEEK, "--json").stdout)
    period = report.Period(FIRST, LAST, CLINIC_ZONE)
    wanted = report.build(queries.load(db, period.start, period.end), period, utcnow())
    assert without_printer_minutes(shown) == without_printer_minutes(wanted)
    text = cli(*WEEK).stdout
    assert f"Hand-offs: {len(ledger.handoffs)}\n" in text
    assert "Top causes:" in text and "90th percentile" in text
    for name in NAMES:
        assert name not in text


def test_csv_without_names_is_audited_as_the_operator(cli, week):
    db, ledger = week
    out = cli(*WEEK, "--csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert tuple(rows[0]) == csv_export.COLUMNS
    assert len(rows) == len(ledger.handoffs)
    for private in (*NAMES, "1980-02-04", "+33 6", NOTE, "HYPERLINK"):
        assert private not in out
    entry = list_audit(db, limit=1)[0]
    assert entry["action"] == "report.export"
    assert entry["actor"] == "cli:" + getpass.getuser()
    assert entry["detail"] == {"rows": len(rows), "with_names": False, "via": "cli"}


def test_with_names_needs_an_admin_and_their_password(cli, week, admin):
    db, _ = week
    alone = cli(*WEEK, "--csv", "--with-names", check=False)
    assert alone.returncode == 1 and "--with-names needs --as USERNAME" in alone.stderr
    not_csv = cli(*WEEK, "--with-names", "--as", admin, check=False)
    assert not_csv.returncode == 1 and "goes with --csv" in not_csv.stderr

    receptionist = cli(
        *WEEK, "--csv", "--with-names", "--as", "ana", input=PASSWORD + "\n", check=False
    )
    assert receptionist.returncode == 1 and "ana is not an admin" in receptionist.stderr
    assert receptionist.stdout == ""
    wrong = cli(*WEEK, "--csv", "--with-names", "--as", admin, input="guess\n", check=False)
    assert wrong.returncode == 1 and "do not match" in wrong.stderr and wrong.stdout == ""
    refusals = [e for e in list_audit(db) if e["action"] == "report.names_refused"]
    assert [(e["actor"], e["detail"]["why"]) for e in refusals] == [
        ("maria", "sign-in failed"),
        ("ana", "not an admin"),
    ]

    out = cli(*WEEK, "--csv", "--with-names", "--as", admin, input=ADMIN_PASSWORD + "\n").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert tuple(rows[0]) == csv_export.COLUMNS + csv_export.PERSONAL_COLUMNS
    assert "O'Brien-Núñez" in {row["last_name"] for row in rows}
    entry = list_audit(db, limit=2)  # the export, then the sign-out of its check
    assert {(e["actor"], e["action"]) for e in entry} == {
        ("maria", "report.export_names"),
        ("maria", "logout"),
    }


def test_bad_dates_are_one_line(cli):
    r = cli("--from", "22/11/2026", check=False)
    assert r.returncode == 1
    assert r.stderr.strip() == "staffconsole: --from '22/11/2026' is not a date like 2026-11-22"
    r = cli("--from", "2026-11-22", "--to", "2026-11-01", check=False)
    assert r.returncode == 1 and "before it starts" in r.stderr and "Traceback" not in r.stderr


def test_output_file_and_clashing_options(cli, week, tmp_path):
    _, ledger = week
    target = tmp_path / "handoffs.csv"
    assert cli(*WEEK, "--csv", "--output", str(target)).stdout == ""
    assert len(target.read_text(encoding="utf-8").splitlines()) == len(ledger.handoffs) + 1
    r = cli(*WEEK, "--csv", "--output", str(tmp_path / "no" / "such" / "dir.csv"), check=False)
    assert r.returncode == 1 and "No such file or directory" in r.stderr
    assert "Traceback" not in r.stderr
    r = cli(*WEEK, "--csv", "--json", check=False)
    assert r.returncode == 1 and "choose one" in r.stderr
