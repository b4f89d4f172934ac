"""Forgiving last names: gaps where an apostrophe or hyphen is, one swapped pair of letters
(only with the same date of birth), and what must never match."""

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from staffconsole.rules.names import (
    EXACT,
    SPACING,
    SWAPPED,
    compact,
    last_name_match,
    normalise,
)

DOB = "1980-02-04"
OTHER_DOB = "1980-04-02"  # the same digits, day and month the other way round


@pytest.mark.parametrize(
    "typed, stored, how",
    [
        ("OBRIEN NUNEZ", "O'Brien-Núñez", EXACT),
        ("O BRIEN NUNEZ", "O'Brien-Núñez", SPACING),
        ("O-BRIEN-NUNEZ", "O'Brien-Núñez", SPACING),
        ("OBRIENNUNEZ", "O'Brien-Núñez", SPACING),
        ("o brien-nunez", "O’Brien-Núñez", SPACING),
        ("TERANGI", "Te-Rangi", SPACING),
        ("O SUILLEABHAIN", "Ó Súilleabháin", EXACT),
        ("OSUILLEABHAIN", "Ó Súilleabháin", SPACING),
        ("D ANGELO", "D'Angelo", SPACING),
        ("NGATA", "Ngāta", EXACT),
        ("NGUYEN", "Nguyễn", EXACT),
        ("NGYUEN", "Nguyễn", SWAPPED),  # Vietnamese, two letters swapped
        ("OKAFRO", "Okafor", SWAPPED),
        ("OBREIN NUNEZ", "O'Brien-Núñez", SWAPPED),
        ("O BRIEN NUENZ", "O'Brien-Núñez", SWAPPED),  # a gap and a swap together
        ("ИВАНОВ", "Иванов", EXACT),
        ("ИВАНВО", "Иванов", SWAPPED),
        ("ΠΑΠΑΔΌΠΟΥΛΟΣ", "Παπαδόπουλος", EXACT),
        ("παπαδοπουλος", "Παπαδόπουλος", EXACT),
        ("παπαδοπουλοσ", "Παπαδόπουλος", EXACT),  # final sigma typed as plain sigma
        ("山田", "山田", EXACT),
        ("司马 相如", "司马相如", SPACING),
    ],
)
def test_each_forgiveness(typed, stored, how):
    assert last_name_match(typed, DOB, stored, DOB) == how


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("OKAFUR", "Okafor"),  # a different letter
        ("OKAFO", "Okafor"),  # a letter missing
        ("OKAFORR", "Okafor"),  # a letter too many
        ("KOAFRO", "Okafor"),  # two swaps
        ("NUGYNE", "Nguyen"),  # two swaps
        ("OKOFAR", "Okafor"),  # two letters swapped, not side by side
        ("EL", "Le"),  # too short to swap
        ("NG", "Gn"),
        ("田山", "山田"),  # two characters: too short to swap
        ("ИВАНОВА", "Иванов"),
        ("O BRIAN NUNEZ", "O'Brien-Núñez"),
    ],
)
def test_what_must_not_match(typed, stored):
    assert last_name_match(typed, DOB, stored, DOB) is None


@pytest.mark.parametrize("typed", ["Okafor", "OKAFRO", "O KAFOR"])
def test_a_different_date_of_birth_never_matches(typed):
    assert last_name_match(typed, OTHER_DOB, "Okafor", DOB) is None
    assert last_name_match(typed, "", "Okafor", "") is None  # no dob known: code only


def test_blank_names_never_match():
    assert last_name_match("  ", DOB, "Okafor", DOB) is None
    assert last_name_match("Okafor", DOB, "", DOB) is None


def test_very_long_names():
    stored = "Featherstonehaugh-Wolfeschlegelsteinhausenbergerdorff" * 2
    assert last_name_match(stored.replace("-", "").upper(), DOB, stored, DOB) == SPACING
    swapped = stored[:60] + stored[61] + stored[60] + stored[62:]
    assert last_name_match(swapped, DOB, stored, DOB) == SWAPPED


# -- properties over names in many scripts --------------------------------------------
# Letters that are their own matching key (lower case, no decomposition), so a change
# to a letter is a change to the key. Hangul syllables decompose into jamo: left out.
_SCRIPTS = {
    "latin": "abcdefghijklmnopqrstuvwxyz",
    "cyrillic": "абвгдежзиклмнопрстуфхцчшщъыьэюя",
    "greek": "αβγδεζηθικλμνξοπρστυφχψω",
    "cjk": "山田中村林森小川司马相如王李张刘陈杨黄赵",
    "armenian": "աբգդեզէըթժիլխծկհձղճմյնշոչպջռսվտրցւփքօֆ",
    "hebrew": "אבגדהוזחטיכלמנסעפצקרשת",
}
_GAPS = ("'", "’", "-", " ", "")


@st.composite
def names(draw, min_letters: int = 1):
    """A name of one script in 1-3 parts joined by an apostrophe, hyphen or space."""
    letters = _SCRIPTS[draw(st.sampled_from(sorted(_SCRIPTS)))]
    part = st.text(alphabet=letters, min_size=1, max_size=40)
    parts = draw(st.lists(part, min_size=1, max_size=3))
    joins = [draw(st.sampled_from(_GAPS[:4])) for _ in parts[1:]]
    name = parts[0] + "".join(j + p for j, p in zip(joins, parts[1:], strict=True))
    assume(len(compact(name)) >= min_letters)
    return name, letters


@given(names(), st.data())
def test_any_gap_where_a_gap_is_matches(named, data):
    stored, _ = named
    typed = "".join(
        data.draw(st.sampled_from(_GAPS)) if char in "'’- " else char for char in stored
    )
    assert last_name_match(typed.upper(), DOB, stored, DOB) in (EXACT, SPACING)
    assert last_name_match(typed, OTHER_DOB, stored, DOB) is None


@given(names(min_letters=4), st.data())
def test_one_swap_matches_only_with_the_same_dob(named, data):
    stored, _ = named
    key = compact(stored)
    i = data.draw(st.integers(0, len(key) - 2))
    assume(key[i] != key[i + 1])
    typed = key[:i] + key[i + 1] + key[i] + key[i + 2 :]
    assert last_name_match(typed, DOB, stored, DOB) == SWAPPED
    assert last_name_match(typed, OTHER_DOB, stored, DOB) is None


@given(names(), st.data())
def test_a_different_letter_never_matches(named, data):
    stored, letters = named
    key = compact(stored)
    i = data.draw(st.integers(0, len(key) - 1))
    other = data.draw(st.sampled_from(letters).filter(lambda c: c != key[i]))
    typed = key[:i] + other + key[i + 1 :]
    assert last_name_match(typed, DOB, stored, DOB) is None


@given(names(min_letters=4), st.data())
def test_two_swaps_never_match(named, data):
    stored, _ = named
    key = compact(stored)
    i = data.draw(st.integers(0, len(key) - 4))
    j = data.draw(st.integers(i + 2, len(key) - 2))
    assume(key[i] != key[i + 1] and key[j] != key[j + 1])
    typed = list(key)
    typed[i], typed[i + 1] = typed[i + 1], typed[i]
    typed[j], typed[j + 1] = typed[j + 1], typed[j]
    assert last_name_match("".join(typed), DOB, stored, DOB) is None


@given(st.text(max_size=60), st.text(max_size=60))
def test_matching_is_symmetric_and_never_crashes(a, b):
    assert last_name_match(a, DOB, b, DOB) == last_name_match(b, DOB, a, DOB)
    if normalise(a) and normalise(a) == normalise(b):
        assert last_name_match(a, DOB, b, DOB) == EXACT
