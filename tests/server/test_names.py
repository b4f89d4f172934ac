"""Name matching forgives accents, case, apostrophes, hyphens and spacing; display hides the rest."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from staffconsole.names import display_name, normalise


@pytest.mark.parametrize("typed, stored", [
    ("okafor", "Okafor"),
    ("OKAFOR", "Okafor"),
    ("  Okafor  ", "Okafor"),
    ("nunez", "Núñez"),
    ("NÚÑEZ", "Nun\u0303ez"),  # precomposed vs combining tilde
    ("O'Brien", "O’Brien"),  # straight vs curly apostrophe
    ("OBrien", "O'Brien"),
    ("obrien nunez", "O'Brien-Núñez"),
    ("Te-Rangi", "Te  Rangi"),
    ("te rangi", "Te\u00a0Rangi"),  # no-break space
    ("Kowalski", "Kowalski"),
    ("lukasz", "Łukasz"),
    ("ni bhriain", "Ní Bhriain"),
    ("strasse", "Straße"),
    ("Smith–Jones", "Smith-Jones"),  # en dash
])
def test_variants_match(typed, stored):
    assert normalise(typed) == normalise(stored)


@pytest.mark.parametrize("a, b", [("Okafor", "Okafur"), ("Lee", "Le"), ("Te Rangi", "Terangi")])
def test_different_names_stay_different(a, b):
    assert normalise(a) != normalise(b)


def test_blank_and_very_long_names():
    assert normalise("   \t ") == ""
    long = "Featherstonehaugh-Wolfeschlegel" * 4
    assert normalise(long) == long.lower().replace("-", " ")


@given(st.text())
def test_normalise_is_idempotent(text):
    once = normalise(text)
    assert normalise(once) == once


@given(st.text())
def test_normalised_has_no_edge_or_double_spaces(text):
    key = normalise(text)
    assert key == key.strip() and "  " not in key


# Latin letters with and without accents: what a clinic's schedule holds.
@given(st.text(alphabet=st.characters(min_codepoint=0x41, max_codepoint=0x24F,
                                      categories=["Lu", "Ll"]), min_size=1))
def test_case_and_accents_do_not_matter(text):
    assert normalise(text.upper()) == normalise(text.lower()) == normalise(text)


@pytest.mark.parametrize("first, last, shown", [
    ("María José", "Okafor", "María José O."),
    ("Zoë", "O'Brien-Núñez", "Zoë O."),
    ("Jean-Luc", "'t Hooft", "Jean-Luc T."),
    ("  Maria   Ann ", "smith", "Maria Ann S."),
    ("Cher", "", "Cher"),
    ("", "Okafor", "O."),
])
def test_display_name_shows_first_name_and_initial_only(first, last, shown):
    assert display_name(first, last) == shown
