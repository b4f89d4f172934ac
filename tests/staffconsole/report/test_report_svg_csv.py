"""Charts and CSV cells: patient- or staff-typed text stays text."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

from staffconsole.clock import ClinicZone
from staffconsole.report import csv_export, figures
from staffconsole.report import svg as report_svg

NS = "{http://www.w3.org/2000/svg}"


def test_chart_text_is_escaped_and_described():
    items = [{"label": "Kiosk <b>&</b> 'Côté'", "count": 3}, {"label": "x" * 80, "count": 1}]
    svg = report_svg.bar_chart("c1", "By kiosk", items, "hand-offs")
    root = ET.fromstring(svg)
    assert root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.find(f"{NS}title").text == "By kiosk"
    assert root.find(f"{NS}desc").text == (
        "Kiosk <b>&</b> 'Côté': 3 hand-offs; " + "x" * 80 + ": 1 hand-offs."
    )
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert "Kiosk <b>&</b> 'Côté'" in texts and "3" in texts
    assert "x" * 25 + "…" in texts  # long labels are shortened in the chart only
    bars = [int(r.get("width")) for r in root.iter(f"{NS}rect")]
    assert bars == [230, 77]  # proportional to the counts


def test_empty_charts_say_so():
    root = ET.fromstring(report_svg.column_chart("c2", "By hour", [], "hand-offs"))
    assert root.find(f"{NS}desc").text == "No hand-offs in this period."
    root = ET.fromstring(report_svg.split_bar("c3", "Split", ("A", 0), ("B", 0)))
    assert [t.text for t in root.iter(f"{NS}text")][-1].startswith("B: 0")


def test_cells_a_spreadsheet_would_run_are_quoted():
    assert csv_export.safe_cell("=1+1") == "'=1+1"
    assert csv_export.safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert csv_export.safe_cell("-3") == "'-3"
    assert csv_export.safe_cell("O'Brien-Núñez") == "O'Brien-Núñez"
    assert csv_export.safe_cell(None) == ""


def test_a_row_without_names_has_no_personal_keys():
    alert = {
        "id": 7,
        "kind": "no_match",
        "status": "resolved",
        "created_at": "2026-11-22T09:00:00.000000+00:00",
        "acknowledged_at": "2026-11-22T09:01:30.000000+00:00",
        "resolved_at": "2026-11-22T09:06:00.000000+00:00",
        "outcome": "name_differs",
        "resolved_by": "ana",
        "note": "Mme X",
        "kiosk": "Lobby",
        "session_started_at": "2026-11-22T08:58:00.000000+00:00",
        "data": {"step": "looking_up", "entered": {"last_name": "X", "dob": "1980-02-04"}},
    }
    period = figures.Period(date(2026, 11, 22), date(2026, 11, 22), ClinicZone("UTC"))
    row = csv_export.handoff_row(alert, period)
    assert set(row) == set(csv_export.COLUMNS)
    assert (row["minutes_to_acknowledge"], row["minutes_to_resolve"]) == ("1.5", "6.0")
    assert row["outcome_label"] == "Name differs in our system"
    named = csv_export.handoff_row(alert, period, with_names=True)
    assert (named["last_name"], named["dob"], named["note"]) == ("X", "1980-02-04", "Mme X")
