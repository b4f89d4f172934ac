"""Name matching forgives accents, case, apostrophes, hyphens and spacing; display hides the rest."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from staffconsole.rules.names import display_name, normalise, normalise_dob, split_display


@pytest.mark.parametrize(
    "typed, stored",
    [
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
        ("obrien ruiz", "O'Brien-Ruiz"),
        ("OBRIEN RUIZ", "O'Brien-Ruiz"),
    ],
)
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
@given(
    st.text(
        alphabet=st.characters(min_codepoint=0x41, max_codepoint=0x24F, categories=["Lu", "Ll"]),
        min_size=1,
    )
)
def test_case_and_accents_do_not_matter(text):
    assert normalise(text.upper()) == normalise(text.lower()) == normalise(text)


@pytest.mark.parametrize(
    "first, last, shown",
    [
        ("María José", "Okafor", "María José O."),
        ("Zoë", "O'Brien-Núñez", "Zoë O."),
        ("Jean-Luc", "'t Hooft", "Jean-Luc T."),
        ("  Maria   Ann ", "smith", "Maria Ann S."),
        ("Cher", "", "Cher"),
        ("", "Okafor", "O."),
    ],
)
def test_display_name_shows_first_name_and_initial_only(first, last, shown):
    assert display_name(first, last) == shown


@pytest.mark.parametrize(
    "text, fmt, iso",
    [
        ("1980-02-04", "%Y-%m-%d", "1980-02-04"),
        (" 04/02/1980 ", "%d/%m/%Y", "1980-02-04"),
        ("02/04/1980", "%m/%d/%Y", "1980-02-04"),
        ("1980-02-04", "%d/%m/%Y", "1980-02-04"),  # ISO is always read, whatever the format
        ("4.2.1980", "%d.%m.%Y", "1980-02-04"),
    ],
)
def test_dates_of_birth_are_stored_as_iso(text, fmt, iso):
    assert normalise_dob(text, fmt) == iso


@pytest.mark.parametrize(
    "text, fmt, reason",
    [
        ("1980-02-30", "%Y-%m-%d", "is not a real date in YYYY-MM-DD form"),
        ("13/13/1980", "%d/%m/%Y", "is not a real date in DD/MM/YYYY form"),
        ("1879-12-31", "%Y-%m-%d", "is before 1880"),
        ("", "%Y-%m-%d", "is not a real date in YYYY-MM-DD form"),
    ],
)
def test_bad_dates_of_birth_say_why_without_the_date(text, fmt, reason):
    with pytest.raises(ValueError) as caught:
        normalise_dob(text, fmt)
    assert str(caught.value) == reason


@pytest.mark.parametrize(
    "display, parts",
    [
        ("Peter James Chalmers", ("Peter James", "Chalmers")),
        ("  Zoë   Núñez ", ("Zoë", "Núñez")),
        ("Cher", ("", "Cher")),
        ("", ("", "")),
    ],
)
def test_split_display_takes_the_last_word_as_family_name(display, parts):
    assert split_display(display) == parts
