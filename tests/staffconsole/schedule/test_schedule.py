"""CSV schedule import in-process: good rows kept, every bad row reported by line, re-import
no-op, mapped columns, date formats, one day kept and what vanished from it cancelled."""

from datetime import date

import pytest
from helpers.seed import NOW
from hypothesis import given, settings
from hypothesis import strategies as st

from staffconsole.progress import ProgressBar, bar
from staffconsole.schedule import csv_reader
from staffconsole.schedule.importer import import_csv, import_csv_text, import_file, import_text
from staffconsole.schedule.model import Options, ScheduleError
from staffconsole.store.appointments import checkin, list_arrivals, lookup, upsert_appointment
from staffconsole.store.schema import ensure_schema, open_db

HEADER = "external_id,first_name,last_name,dob,start,provider\n"


def imp(db, text):
    return import_csv_text(db, text)


def test_good_rows_are_upserted_and_reimport_changes_nothing(fresh_db):
    text = HEADER + (
        "a1,Maria,Okafor,1980-02-04,2026-11-22T10:30,Dr. Lee\n"
        'a2,Zoë,"O\'Brien-Núñez",1957-11-30,2026-11-22 11:00,Dr. Lee\n'
    )
    assert imp(fresh_db, text).summary() == (
        "2 added, 0 changed, 0 unchanged, 0 rejected, 0 cancelled, 0 on other days"
    )
    again = imp(fresh_db, text)
    assert (again.added, again.unchanged, again.ok) == (0, 2, True)
    starts = [r[0] for r in fresh_db.execute("SELECT start FROM appointments ORDER BY id")]
    assert starts == ["2026-11-22T10:30", "2026-11-22T11:00"]


def test_each_bad_row_is_reported_by_line_without_patient_data(fresh_db):
    text = HEADER + (
        "a1,Maria,Okafor,1980-02-04,2026-11-22T10:30,Dr. Lee\n"  # line 2: good
        "a2,Maria,Okafor,1980-02-30,2026-11-22T10:30,Dr. Lee\n"  # 3: no such day
        "a3,,Okafor,1980-02-04,2026-11-22T10:30,Dr. Lee\n"  # 4: empty first name
        "a4,Maria,Okafor,1980-02-04,tomorrow,Dr. Lee\n"  # 5: bad start
        "a5,Maria,Okafor,1980-02-04,2026-11-22T10:30+01:00,Dr. Lee\n"  # 6: offset
        "a6,Maria,Okafor\n"  # 7: short row
        "\n"  # 8: blank, skipped
        "a1,Maria,Okafor,1980-02-04,2026-11-22T12:00,Dr. Lee\n"  # 9: repeated id
        "a7,Maria,Okafor,2030-01-01,2026-11-22T10:30,Dr. Lee\n"  # 10: born after
    )
    report = imp(fresh_db, text)
    assert report.added == 1
    lines = dict(report.rejected)
    assert sorted(lines) == [3, 4, 5, 6, 7, 9, 10]
    assert "real date" in lines[3] and "first_name is empty" in lines[4]
    assert "start" in lines[5] and "offset" in lines[6]
    assert "expected 6 fields, found 3" in lines[7] and "repeats line 2" in lines[9]
    assert all("Okafor" not in reason and "1980" not in reason for reason in lines.values())


def test_bom_extra_columns_and_status(fresh_db):
    text = (
        "\ufeff"
        + HEADER.replace("\n", ",status,notes\n")
        + "a1,Maria,Okafor,1980-02-04,2026-11-22T10:30,Dr. Lee,cancelled,x\n"
        "a2,Maria,Okafor,1980-02-04,2026-11-22T11:30,Dr. Lee,,\n"
        "a3,Maria,Okafor,1980-02-04,2026-11-22T12:30,Dr. Lee,maybe,\n"
    )
    report = imp(fresh_db, text)
    assert report.added == 2 and dict(report.rejected)[4].startswith("status")
    statuses = [r[0] for r in fresh_db.execute("SELECT status FROM appointments ORDER BY id")]
    assert statuses == ["cancelled", "booked"]
    assert lookup(fresh_db, "okafor", "1980-02-04", date(2026, 11, 22))[0]["time"] == "11:30"


@pytest.mark.parametrize(
    "text, words",
    [
        ("", "empty"),
        ("id,name\n1,x\n", "header lacks external_id"),
    ],
)
def test_unusable_files_raise(fresh_db, text, words):
    with pytest.raises(ScheduleError, match=words):
        imp(fresh_db, text)


def test_not_utf8_is_refused(fresh_db, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        (HEADER + "a1,Zoë,Núñez,1957-11-30,2026-11-22T10:30,Dr. Lee\n").encode("latin-1")
    )
    with pytest.raises(ScheduleError, match="not UTF-8"):
        import_csv(fresh_db, path)


DAY = date(2026, 11, 22)


def rows(*ids_and_times, day=DAY):
    """A CSV of synthetic bookings: ("a1", "10:30") -> one Okafor row at that time."""
    return HEADER + "".join(
        f"{external_id},Maria,Okafor,1980-02-04,{day.isoformat()}T{hhmm},Dr. Lee\n"
        for external_id, hhmm in ids_and_times
    )


def status_of(db, external_id):
    return db.execute(
        "SELECT status FROM appointments WHERE external_id = ?", [external_id]
    ).fetchone()[0]


def test_only_the_chosen_day_is_kept(fresh_db):
    text = rows(("a1", "10:30")) + "b1,Ana,Lee,1990-01-01,2026-11-23T09:00,Dr. Lee\n"
    report = imp_day(fresh_db, text)
    assert (report.added, report.other_days) == (1, 1)
    assert [r[0] for r in fresh_db.execute("SELECT external_id FROM appointments")] == ["a1"]


def imp_day(db, text, day=DAY, **options):
    return import_csv_text(db, text, day=day, options=Options(**options))


def test_missing_from_a_newer_import_is_cancelled_and_keeps_its_arrival(fresh_db, kiosk):
    imp_day(fresh_db, rows(("a1", "10:30"), ("a2", "11:00"), ("a3", "11:30")))
    a2 = fresh_db.execute("SELECT id FROM appointments WHERE external_id = 'a2'").fetchone()[0]
    arrival = checkin(fresh_db, kiosk, "s1", a2, NOW, DAY)

    newer = rows(("a1", "10:30"), ("a3", "11:45"))
    report = imp_day(fresh_db, newer)
    assert report.cancelled == ["a2"] and (report.changed, report.unchanged) == (1, 1)
    assert [status_of(fresh_db, x) for x in ("a1", "a2", "a3")] == ["booked", "cancelled", "booked"]
    # Never deleted: the arrival (and with it any alert about it) keeps its history.
    assert [a["id"] for a in list_arrivals(fresh_db, DAY)] == [arrival["id"]]
    assert [m["time"] for m in lookup(fresh_db, "Okafor", "1980-02-04", DAY)] == ["10:30", "11:45"]

    again = imp_day(fresh_db, newer)
    assert (again.added, again.changed, again.unchanged, again.cancelled) == (0, 0, 2, [])
    back = imp_day(fresh_db, rows(("a1", "10:30"), ("a2", "11:00"), ("a3", "11:45")))
    assert back.changed == 1 and status_of(fresh_db, "a2") == "booked"


def test_a_bad_row_does_not_cancel_its_appointment(fresh_db):
    imp_day(fresh_db, rows(("a1", "10:30"), ("a2", "11:00")))
    text = rows(("a1", "10:30")) + "a2,Maria,Okafor,1980-02-31,2026-11-22T11:00,Dr. Lee\n"
    report = imp_day(fresh_db, text)
    assert dict(report.rejected) == {3: "dob is not a real date in YYYY-MM-DD form"}
    assert report.cancelled == [] and status_of(fresh_db, "a2") == "booked"


def test_a_file_without_the_day_cancels_nothing_and_says_so(fresh_db):
    imp_day(fresh_db, rows(("a1", "10:30")))
    report = imp_day(fresh_db, rows(("z9", "10:30"), day=date(2026, 11, 23)))
    assert report.cancelled == [] and status_of(fresh_db, "a1") == "booked"
    assert any("kept, not cancelled" in line for line in report.problems())


def test_other_sources_are_not_cancelled_by_a_file(fresh_db):
    upsert_appointment(
        fresh_db,
        external_id="p1",
        first_name="Ana",
        last_name="Lee",
        dob="1990-01-01",
        start="2026-11-22T09:00",
        provider="Dr. Lee",
        source="push",
    )
    upsert_appointment(
        fresh_db,
        external_id="walk-1",
        first_name="Ana",
        last_name="Lee",
        dob="1990-01-01",
        start="2026-11-22T09:05",
        provider="Walk-in",
    )
    assert imp_day(fresh_db, rows(("a1", "10:30"))).cancelled == []
    assert status_of(fresh_db, "p1") == status_of(fresh_db, "walk-1") == "booked"


def test_a_moved_appointment_follows_to_its_new_day(fresh_db):
    imp_day(fresh_db, rows(("a1", "10:30"), ("a2", "11:00")))
    moved = rows(("a1", "10:30")) + "a2,Maria,Okafor,1980-02-04,2026-11-24T08:00,Dr. Lee\n"
    report = imp_day(fresh_db, moved)
    assert (report.changed, report.other_days, report.cancelled) == (1, 0, [])
    assert (
        fresh_db.execute("SELECT start FROM appointments WHERE external_id = 'a2'").fetchone()[0]
        == "2026-11-24T08:00"
    )


def test_mapped_columns_and_configured_formats(fresh_db):
    text = (
        "\ufeffMRN;Given;Surname;Born;When;Clinician;Ref\n".replace(";", ",")
        + "m1,Zoë,O'Brien-Núñez,30/11/1957,22/11/2026 10:30,Dr. Lee,ZX-42\n"
        "m2,Maria,Okafor,1980-02-04,2026-11-22T11:00,Dr. Lee,\n"  # ISO still fine
        "m3,Maria,Okafor,02/30/1980,22/11/2026 11:30,Dr. Lee,\n"
    )  # no 30 February
    mapping = csv_reader.parse_map(
        "MRN=external_id, given=first_name,Surname=last_name,"
        "Born=dob,When=start,Clinician=provider,Ref=code"
    )
    report = imp_day(
        fresh_db, text, column_map=mapping, date_format="%d/%m/%Y", datetime_format="%d/%m/%Y %H:%M"
    )
    assert report.added == 2
    assert dict(report.rejected) == {4: "dob is not a real date in DD/MM/YYYY form"}
    found = lookup(fresh_db, "OBRIEN NUNEZ", "1957-11-30", DAY)
    assert [(m["display_name"], m["time"]) for m in found] == [("Zoë O.", "10:30")]
    assert fresh_db.execute("SELECT code FROM appointments ORDER BY id").fetchall() == [
        ("ZX-42",),
        (None,),
    ]


@pytest.mark.parametrize(
    "mapping, words",
    [
        ("Surname", "expected OTHER=CANONICAL"),
        ("Surname=surname", "not a schedule column"),
        ("A=dob,a=start", "twice"),
    ],
)
def test_bad_maps_are_refused(mapping, words):
    with pytest.raises(ScheduleError, match=words):
        csv_reader.parse_map(mapping)


def test_a_mapped_column_missing_from_the_header_is_named(fresh_db):
    with pytest.raises(ScheduleError, match="no column 'surname'.*last_name"):
        imp_day(fresh_db, HEADER, column_map={"surname": "last_name"})


def test_utf8_with_and_without_bom_give_the_same_rows(fresh_db, tmp_path):
    text = HEADER + "a1,Siobhán,Ní Bhriain,1975-05-05,2026-11-22T12:00,Nurse Kim\n"
    for name, data in (("plain.csv", text.encode()), ("bom.csv", b"\xef\xbb\xbf" + text.encode())):
        path = tmp_path / name
        path.write_bytes(data)
        import_file(fresh_db, path, DAY)
    assert fresh_db.execute("SELECT first_name, last_name FROM patients").fetchall() == [
        ("Siobhán", "Ní Bhriain")
    ]


def test_names_are_normalised_once_at_import(fresh_db):
    imp(fresh_db, HEADER + "a1,JEAN-LUC,O'Brien-Ruiz,1980-02-04,2026-11-22T10:30,Dr. Lee\n")
    assert fresh_db.execute("SELECT norm_first, norm_last FROM patients").fetchall() == [
        ("jean luc", "obrien ruiz")
    ]
    for typed in ("obrien ruiz", "OBRIEN RUIZ", "O’Brien Ruiz"):
        assert len(lookup(fresh_db, typed, "1980-02-04", DAY)) == 1


def test_content_decides_the_format_not_the_name(fresh_db, tmp_path):
    path = tmp_path / "schedule.csv"
    path.write_text('{"resourceType": "Bundle", "type": "collection", "entry": []}')
    assert import_file(fresh_db, path, DAY).kind == "fhir"
    path.write_text('{"resourceType": "Bundle", ')
    with pytest.raises(ScheduleError, match="not valid JSON"):
        import_file(fresh_db, path, DAY)


def test_progress_bar_draws_each_percent_once():
    assert bar(0, 10, width=10) == "[----------]   0%  0/10"
    assert bar(5, 10, width=10) == "[#####-----]  50%  5/10"

    class Sink(list):
        def write(self, text):
            self.append(text)

        def flush(self):
            pass

    sink = Sink()
    progress = ProgressBar(sink)
    for done in range(1, 401):
        progress(done, 400)
    progress.finish()
    drawn = [text for text in sink if text.startswith("\r")]
    assert len(drawn) == 101 and drawn[-1].startswith("\r[" + "#" * 30 + "] 100%  400/400")
    assert sink[-1] == "\n"


def test_progress_is_called_for_every_row(fresh_db):
    calls = []
    text = rows(*[(f"a{i}", "10:30") for i in range(50)])
    import_text(fresh_db, text, DAY, progress=lambda done, total: calls.append(done))
    assert calls == list(range(1, 51))


CELL = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.lists(
            CELL
            | st.sampled_from(["", '"', "1980-02-04", "2026-11-22T10:30", "cancelled", "\ufeff"]),
            min_size=0,
            max_size=8,
        ),
        max_size=6,
    )
)
def test_any_csv_body_is_imported_or_reported_never_a_crash(table):
    text = HEADER + "\n".join(",".join(row) for row in table)
    db = open_db(":memory:")
    try:
        ensure_schema(db)
        report = import_csv_text(db, text, day=DAY)
        imported = report.added + report.changed + report.unchanged + report.other_days
        # Cells are not quoted, so a newline in one makes more rows: count physical lines.
        assert imported + len(report.rejected) <= text.count("\n") + text.count("\r")
        stored = db.execute("SELECT count(*) FROM appointments").fetchone()[0]
        assert stored == report.added
        assert all(isinstance(where, int) and where >= 2 for where, _ in report.rejected)
    finally:
        db.close()


def test_upgrade_tolerates_columns_another_migration_already_added(tmp_path):
    from staffconsole.store import schema

    db = open_db(tmp_path / "v1.db")
    try:
        with schema.write(db):
            for statement in schema.TABLES_V1:
                db.execute(statement)
            db.execute("ALTER TABLE appointments ADD COLUMN code TEXT")  # e.g. the kiosk part's
            db.execute("PRAGMA user_version = 1")
        ensure_schema(db)
        assert schema.schema_version(db) == schema.SCHEMA_VERSION
        assert {"code", "source"} <= db.column_names("appointments")
    finally:
        db.close()
