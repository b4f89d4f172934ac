"""The report page, its JSON and the CSV download in the console (in-process app, fake clock)."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import timedelta

from helpers.week import (
    ADMIN_PASSWORD,
    CLINIC_ZONE,
    EVENING,
    FIRST,
    LAST,
    NAMES,
    NOTE,
    PASSWORD,
    sign_in,
)

from staffconsole.report import csv_export, queries
from staffconsole.report import figures as report
from staffconsole.store.audit import list_audit

WEEK = f"from={FIRST.isoformat()}&to={LAST.isoformat()}"


def expected(db):
    period = report.Period(FIRST, LAST, CLINIC_ZONE)
    return report.build(queries.load(db, period.start, period.end), period, EVENING)


def test_signed_out_staff_are_sent_to_sign_in(client):
    assert client.get("/console/report").headers["location"] == "/login"
    assert client.get(f"/console/report.csv?{WEEK}").status_code == 401
    assert client.get("/api/v1/console/report").status_code == 401


def test_the_console_links_to_the_report(client):
    sign_in(client, "ana", PASSWORD)
    assert 'href="/console/report"' in client.get("/console").text


def test_the_page_shows_the_figures_charts_and_tables(client, week):
    db, _ = week
    sign_in(client, "ana", PASSWORD)
    page = client.get(f"/console/report?{WEEK}")
    assert page.status_code == 200
    figures = expected(db)
    html = page.text
    assert f'id="fig-handoffs">{figures["handoffs"]["total"]}<' in html
    assert f'id="fig-completed">{figures["sessions"]["completed"]}<' in html
    assert f"{figures['waits']['median_min']} min" in html
    for cause in figures["causes"]:
        assert cause["advice"].replace("'", "&#39;").replace('"', "&#34;") in html
    charts = re.findall(r"<svg .*?</svg>", html, re.DOTALL)
    assert len(charts) == 7
    for chart in charts:
        root = ET.fromstring(chart)  # well-formed, with an accessible name and description
        ns = "{http://www.w3.org/2000/svg}"
        assert root.get("role") == "img"
        assert root.find(f"{ns}title").text and root.find(f"{ns}desc").text
    assert html.count('<table class="numbers"') >= 8
    # What patients typed and staff notes never reach the page.
    for name in NAMES:
        assert name not in html and name.replace("'", "&#39;") not in html
    assert "O&#39;Brien" not in html and "1980-02-04" not in html
    assert "csv-names-link" not in html  # receptionists have no names download


def test_today_and_this_week(client, week):
    db, _ = week
    sign_in(client, "ana", PASSWORD)
    week_json = client.get("/api/v1/console/report?period=week").json()
    assert week_json == expected(db)  # LAST is a Sunday: this week is the seeded week
    today = client.get("/api/v1/console/report").json()
    assert today["period"] == {
        "from": LAST.isoformat(),
        "to": LAST.isoformat(),
        "label": "22 Nov 2026",
    }
    assert 'aria-current="page">Today' in client.get("/console/report").text


def test_bad_periods_are_400_with_a_reason(client):
    sign_in(client, "ana", PASSWORD)
    page = client.get("/console/report?from=2026-13-01")
    assert page.status_code == 400 and "is not a date like 2026-11-22" in page.text
    r = client.get("/api/v1/console/report?from=2026-11-22&to=2026-11-01")
    assert r.status_code == 400 and "before it starts" in r.json()["detail"]
    assert client.get("/console/report.csv?period=month").status_code == 400
    assert client.get("/api/v1/console/report?from=" + "9" * 200).status_code == 422


def rows_of(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_the_csv_has_no_personal_data_and_is_audited(client, week):
    db, ledger = week
    sign_in(client, "ana", PASSWORD)
    r = client.get(f"/console/report.csv?{WEEK}")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert "seen-handoffs-2026-11-16-2026-11-22.csv" in r.headers["content-disposition"]
    rows = rows_of(r.text)
    assert tuple(rows[0]) == csv_export.COLUMNS
    assert sorted(int(row["alert"]) for row in rows) == sorted(h["id"] for h in ledger.handoffs)
    for name in NAMES:
        assert name not in r.text
    for private in ("1980-02-04", "+33 6", NOTE, "Zoë", "HYPERLINK"):
        assert private not in r.text
    entry = list_audit(db, limit=1)[0]
    assert (entry["actor"], entry["action"], entry["target"]) == (
        "ana",
        "report.export",
        "2026-11-16..2026-11-22",
    )
    assert entry["detail"] == {"rows": len(rows), "with_names": False, "via": "console"}


def test_only_an_admin_gets_names_and_that_is_audited(client, week, admin):
    db, _ = week
    sign_in(client, "ana", PASSWORD)
    refused = client.get(f"/console/report.csv?{WEEK}&names=1")
    assert refused.status_code == 403 and "Only an admin" in refused.json()["detail"]
    client.cookies.clear()
    sign_in(client, admin, ADMIN_PASSWORD)
    assert "csv-names-link" in client.get(f"/console/report?{WEEK}").text
    r = client.get(f"/console/report.csv?{WEEK}&names=1")
    assert r.status_code == 200
    rows = rows_of(r.text)
    assert tuple(rows[0]) == csv_export.COLUMNS + csv_export.PERSONAL_COLUMNS
    typed = {row["last_name"] for row in rows}
    assert "O'Brien-Núñez" in typed
    assert '\'=HYPERLINK("x")' in typed  # a formula is text in a spreadsheet
    assert NOTE in {row["note"] for row in rows}
    entry = list_audit(db, limit=1)[0]
    assert (entry["actor"], entry["action"]) == ("maria", "report.export_names")
    assert entry["detail"]["with_names"] is True


def test_sessions_that_ended_quietly_are_counted_on_the_page(client, week):
    from staffconsole.auth.kiosks import add_kiosk, kiosk_for_token
    from staffconsole.store.sessions import record_events

    db, _ = week
    kiosk = kiosk_for_token(db, add_kiosk(db, "Borne quiète", EVENING))
    at = (EVENING - timedelta(minutes=30)).isoformat()
    for n, reason in enumerate(("start_over", "walked_away")):
        events = [
            {
                "id": f"q{n}a",
                "session": f"quiet{n}",
                "type": "session.started",
                "at": at,
                "data": {},
            },
            {
                "id": f"q{n}b",
                "session": f"quiet{n}",
                "type": "session.abandoned",
                "at": at,
                "data": {"reason": reason, "step": "identify_name"},
            },
        ]
        record_events(db, kiosk, events, EVENING - timedelta(minutes=30))
    sign_in(client, "ana", PASSWORD)
    html = client.get(f"/console/report?{WEEK}").text
    assert 'id="fig-abandoned">2 session(s) ended quietly' in html
