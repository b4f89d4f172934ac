from datetime import date

import pytest

from kiosk import dob

TODAY = date(2026, 11, 22)


def test_template_follows_the_clinic_order():
    assert dob.template("MDY") == "MM / DD / YYYY"
    assert dob.template("DMY") == "DD / MM / YYYY"


def test_template_in_the_patients_words():
    words = {"YYYY": "AAAA"}
    assert dob.template("DMY", words) == "DD / MM / AAAA"
    assert dob.show("1506", "DMY", words) == "15 / 06 / AAAA"


def test_show_fills_the_template_as_digits_come():
    assert dob.show("", "MDY") == "MM / DD / YYYY"
    assert dob.show("040", "MDY") == "04 / 0D / YYYY"
    assert dob.show("04021980", "MDY") == "04 / 02 / 1980"


@pytest.mark.parametrize(
    ("digits", "order", "expected"),
    [
        ("04021980", "MDY", date(1980, 4, 2)),
        ("04021980", "DMY", date(1980, 2, 4)),
        ("02292000", "MDY", date(2000, 2, 29)),
        ("02291999", "MDY", None),  # not a leap year
        ("13011980", "MDY", None),
        ("0402198", "MDY", None),  # too short
        ("01012030", "MDY", None),  # in the future
        ("01011800", "MDY", None),  # not a living patient
    ],
)
def test_parse(digits, order, expected):
    assert dob.parse(digits, order, TODAY) == expected
