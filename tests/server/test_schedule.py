"""CSV schedule import in-process: good rows kept, every bad row reported by line, re-import no-op."""

from datetime import date

import pytest

from staffconsole import schedule, store

HEADER = "external_id,first_name,last_name,dob,start,provider\n"


def imp(db, text):
    return schedule.import_csv_text(db, text)


def test_good_rows_are_upserted_and_reimport_changes_nothing(fresh_db):
    text = HEADER + ("a1,Maria,Okafor,1980-02-04,2026-11-22T10:30,Dr. Lee\n"
                     "a2,Zoë,\"O'Brien-Núñez\",1957-11-30,2026-11-22 11:00,Dr. Lee\n")
    assert imp(fresh_db, text).summary() == "2 added, 0 changed, 0 unchanged, 0 rejected"
    again = imp(fresh_db, text)
    assert (again.added, again.unchanged, again.ok) == (0, 2, True)
    starts = [r[0] for r in fresh_db.execute("SELECT start FROM appointments ORDER BY id")]
    assert starts == ["2026-11-22T10:30", "2026-11-22T11:00"]


def test_each_bad_row_is_reported_by_line_without_patient_data(fresh_db):
    text = HEADER + (
        "a1,Maria,Okafor,1980-02-04,2026-11-22T10:30,Dr. Lee\n"   # line 2: good
        "a2,Maria,Okafor,1980-02-30,2026-11-22T10:30,Dr. Lee\n"   # 3: no such day
        "a3,,Okafor,1980-02-04,2026-11-22T10:30,Dr. Lee\n"        # 4: empty first name
        "a4,Maria,Okafor,1980-02-04,tomorrow,Dr. Lee\n"           # 5: bad start
        "a5,Maria,Okafor,1980-02-04,2026-11-22T10:30+01:00,Dr. Lee\n"  # 6: offset
        "a6,Maria,Okafor\n"                                       # 7: short row
        "\n"                                                      # 8: blank, skipped
        "a1,Maria,Okafor,1980-02-04,2026-11-22T12:00,Dr. Lee\n"   # 9: repeated id
        "a7,Maria,Okafor,2030-01-01,2026-11-22T10:30,Dr. Lee\n"   # 10: born after
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
    text = "\ufeff" + HEADER.replace("\n", ",status,notes\n") + \
        "a1,Maria,Okafor,1980-02-04,2026-11-22T10:30,Dr. Lee,cancelled,x\n" \
        "a2,Maria,Okafor,1980-02-04,2026-11-22T11:30,Dr. Lee,,\n" \
        "a3,Maria,Okafor,1980-02-04,2026-11-22T12:30,Dr. Lee,maybe,\n"
    report = imp(fresh_db, text)
    assert report.added == 2 and dict(report.rejected)[4].startswith("status")
    statuses = [r[0] for r in fresh_db.execute("SELECT status FROM appointments ORDER BY id")]
    assert statuses == ["cancelled", "booked"]
    assert store.lookup(fresh_db, "okafor", "1980-02-04", date(2026, 11, 22))[0]["time"] == "11:30"


@pytest.mark.parametrize("text, words", [
    ("", "empty"),
    ("id,name\n1,x\n", "header lacks external_id"),
])
def test_unusable_files_raise(fresh_db, text, words):
    with pytest.raises(schedule.ScheduleError, match=words):
        imp(fresh_db, text)


def test_not_utf8_is_refused(fresh_db, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes((HEADER + "a1,Zoë,Núñez,1957-11-30,2026-11-22T10:30,Dr. Lee\n")
                     .encode("latin-1"))
    with pytest.raises(schedule.ScheduleError, match="not UTF-8"):
        schedule.import_csv(fresh_db, path)
