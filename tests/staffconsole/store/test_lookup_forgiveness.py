"""Look-up forgives how people type a last name, never the date of birth, and lists every
patient a forgiving match finds (so the kiosk asks them to choose)."""

import itertools
from datetime import date, timedelta

from helpers.seed import book, book_today
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from staffconsole.store.appointments import lookup

TODAY = date(2026, 11, 22)


def _names(matches):
    return [m["display_name"] for m in matches]


def test_o_brien_typed_with_a_space_finds_her(fresh_db):
    book_today(fresh_db, TODAY)
    for typed in ("OBRIEN NUNEZ", "O BRIEN NUNEZ", "O-BRIEN NUNEZ", "OBRIENNUNEZ", "OBREIN NUNEZ"):
        assert _names(lookup(fresh_db, typed, "1957-11-30", TODAY)) == ["Zoë O."], typed


def test_a_space_typed_as_nothing_and_a_swap_find_the_patient(fresh_db):
    book_today(fresh_db, TODAY)
    assert _names(lookup(fresh_db, "TERANGI", "2001-12-24", TODAY)) == ["Aroha T."]
    assert _names(lookup(fresh_db, "NIBHRIAIN", "1975-05-05", TODAY)) == ["Siobhán N."]
    assert _names(lookup(fresh_db, "KOWALKSI", "1991-06-15", TODAY)) == ["Łukasz K."]


def test_nothing_forgives_the_date_of_birth(fresh_db):
    book_today(fresh_db, TODAY)
    assert lookup(fresh_db, "O BRIEN NUNEZ", "1957-11-29", TODAY) == []
    assert lookup(fresh_db, "KOWALKSI", "1991-15-06", TODAY) == []
    assert lookup(fresh_db, "KOWALSKA", "1991-06-15", TODAY) == []  # a different letter
    assert lookup(fresh_db, "KWOALKSI", "1991-06-15", TODAY) == []  # two swaps


def test_two_patients_found_by_forgiving_are_both_offered(fresh_db):
    # Twins, one "Nguyen" and one "Ngyuen" in the practice system: a swap could be
    # either, so the kiosk must show both (its "choose" screen), not pick one.
    book(fresh_db, "a", "Lan", "Nguyen", "1990-03-03", "2026-11-22T09:00", "Dr. Lee")
    book(fresh_db, "b", "Mai", "Ngyuen", "1990-03-03", "2026-11-22T09:10", "Dr. Patel")
    book(fresh_db, "c", "Hoa", "Nguyen", "1990-03-04", "2026-11-22T09:20", "Dr. Patel")
    assert _names(lookup(fresh_db, "NGUYEN", "1990-03-03", TODAY)) == ["Lan N.", "Mai N."]
    assert _names(lookup(fresh_db, "NGYUEN", "1990-03-03", TODAY)) == ["Lan N.", "Mai N."]


def test_names_from_other_scripts(fresh_db):
    book(fresh_db, "r", "Анна", "Иванова", "1985-01-01", "2026-11-22T09:00", "Dr. Lee")
    book(fresh_db, "g", "Νίκος", "Παπαδόπουλος", "1970-07-07", "2026-11-22T09:30", "Dr. Lee")
    book(fresh_db, "j", "花子", "司马", "1999-09-09", "2026-11-22T10:00", "Dr. Lee")
    assert _names(lookup(fresh_db, "ИВАНОВА", "1985-01-01", TODAY)) == ["Анна И."]
    assert _names(lookup(fresh_db, "ИВАНВОА", "1985-01-01", TODAY)) == ["Анна И."]
    assert _names(lookup(fresh_db, "ΠΑΠΑΔΟΠΟΥΛΟΣ", "1970-07-07", TODAY)) == ["Νίκος Π."]
    assert _names(lookup(fresh_db, "司 马", "1999-09-09", TODAY)) == ["花子 司."]
    assert lookup(fresh_db, "马司", "1999-09-09", TODAY) == []


_LETTERS = "abcdefghijklmnopqrstuvwxyzабвгдежзиклмнопαβγδεζηθικλ山田中村林森"
_COUNTER = itertools.count()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(alphabet=_LETTERS, min_size=4, max_size=30), st.data())
def test_a_forgiving_match_never_hides_a_second_patient(fresh_db, name, data):
    # Two patients with the same date of birth whose names are one swap apart: typing
    # either name offers both, so the patient chooses (never one picked silently).
    i = data.draw(st.integers(0, len(name) - 2))
    assume(name[i] != name[i + 1])
    other = name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    n = next(_COUNTER)
    dob = (date(1950, 1, 1) + timedelta(days=n)).isoformat()
    book(fresh_db, f"p{n}a", "Ana", name.title(), dob, "2026-11-22T09:00", "Dr. Lee")
    book(fresh_db, f"p{n}b", "Eva", other.upper(), dob, "2026-11-22T09:30", "Dr. Lee")
    for typed in (name, other, name.upper()):
        assert sorted(_names(lookup(fresh_db, typed, dob, TODAY))) == [
            "Ana " + name.title()[0] + ".",
            "Eva " + other.upper()[0] + ".",
        ]
    other_dob = (date(1950, 1, 1) + timedelta(days=n, weeks=-1000)).isoformat()
    assert lookup(fresh_db, name, other_dob, TODAY) == []
