"""Text on paper: code page choice, readable fallbacks, control characters, word-wrap."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from hardware.escpos import PROFILES, Line, encode, fold_text, wrap

HEAD = b"\x1b\x40\x1b\x74\x00"
CUT = b"\x1d\x56\x42\x00"


def body(*texts, profile="epson"):
    data = encode([Line(t) for t in texts], profile=profile)
    assert data.startswith(HEAD) and data.endswith(CUT)
    return data[len(HEAD) : -len(CUT)]


def test_pc437_text_needs_no_page_switch():
    assert body("Zoë Núñez") == b"Zo\x89 N\xa3\xa4ez\n"


def test_switches_to_pc858_first_when_pc437_lacks_a_letter():
    # Ø is not in PC437; PC858 (page 19) is preferred over WPC1252 (page 16).
    assert body("Øre") == b"\x1b\x74\x13\x9dre\n"


def test_switches_to_wpc1252_for_caron_letters_and_stays_there():
    assert body("Zoë", "Šárka", "Zoë", "€ 5") == (
        b"Zo\x89\n"
        b"\x1b\x74\x10\x8a\xe1rka\n"  # Š 0x8A, á 0xE1 in WPC1252
        b"Zo\xeb\n"  # WPC1252 has ë too: no switch back
        b"\x80 5\n"  # € 0x80
    )


def test_a_line_no_single_page_has_switches_mid_line():
    # α only in PC437, Š only in WPC1252.
    assert body("α Š") == b"\xe0 \x1b\x74\x10\x8a\n"


def test_letters_no_page_has_fall_back_readably():
    # Maltese Ħ and Sami Ŧ are in none of the epson pages we use.
    assert body("Ħal Ŧ") == b"Hal T\n"


def test_generic58_uses_the_pages_its_table_claims():
    # WPC1252 (page 16) for Š, curly quotes and €; PC852 (page 18) for Ł.
    assert body("Šárka O’Brien “Zoë” €5 Łukasz", profile="generic58") == (
        b"\x1b\x74\x10\x8a\xe1rka O\x92Brien \x93Zo\xeb\x94 \x805 \x1b\x74\x12\x9dukasz\n"
    )


def test_curly_quotes_kept_where_a_page_has_them():
    # WPC1252 prints ’ as 0x92; straightening is only a fallback.
    assert body("O’Brien") == b"\x1b\x74\x10O\x92Brien\n"


def test_non_latin_without_a_page_is_drawn_never_question_mark():
    from hardware.escpos import cmd_raster
    from hardware.raster import render

    width_bytes, height, rows = render("李")
    assert (width_bytes, height) == (2, 16)  # one 16x16 Unifont glyph
    assert body("李") == b"\x1d\x76\x30\x00\x02\x00\x10\x00" + rows
    assert cmd_raster(width_bytes, height, rows) == body("李")


def test_control_characters_in_text_cannot_become_commands():
    assert body("A\x1bB\x1dC\x10\x04\x01D\tE") == b"ABCD E\n"


def latin_letters():
    ranges = [range(0xC0, 0x250), range(0x1E00, 0x1F00)]
    return [
        chr(cp)
        for r in ranges
        for cp in r
        if unicodedata.category(chr(cp)).startswith("L")
        and unicodedata.name(chr(cp), "").startswith("LATIN")
    ]


# Phonetic signs that are letters only to Unicode: tone marks, clicks, glottal stops.
NOT_NAME_LETTERS = ("TONE", "CLICK", "GLOTTAL", "DELTA", "TWO WITH STROKE", "ESH LOOP")


def test_no_latin_letter_ever_prints_as_question_mark():
    for name, profile in PROFILES.items():
        missing = [
            unicodedata.name(c)
            for c in latin_letters()
            if "?" in fold_text(c, profile)
            and not any(word in unicodedata.name(c) for word in NOT_NAME_LETTERS)
        ]
        assert missing == [], name


def test_hooked_letters_fall_back_to_their_base_letter_in_case():
    assert fold_text("Ɓƀ Ƈƈ ɍ Ǝ", PROFILES["generic58"]) == "Bb Cc r E"


def test_common_name_letters_all_print():
    names = "Zoë Łukasz O'Brien-Núñez Søren Ærø Dvořák Şahin Ðặng Œuvre Ålesund Müller Çelik"
    for name, profile in PROFILES.items():
        assert "?" not in fold_text(names, profile), name


def test_very_long_name_wraps_at_word_boundaries():
    text = "Checked in: Maximiliana Alexandrina Wolfeschlegelsteinhausen-Bergerdorff"
    assert wrap(text, 42) == [
        "Checked in: Maximiliana Alexandrina",
        "Wolfeschlegelsteinhausen-Bergerdorff",
    ]


def test_word_longer_than_the_line_is_split():
    assert wrap("x" * 50, 42) == ["x" * 42, "x" * 8]


def test_double_size_halves_the_width():
    data = encode([Line("abcdefghij " * 3, double=True)], cut=False)
    assert b"abcdefghij abcdefghij\nabcdefghij\n" in data


@given(st.text(max_size=200), st.integers(min_value=2, max_value=48))
def test_wrap_never_overflows_and_keeps_every_word(text, width):
    pieces = wrap(text, width)
    assert all(len(p) <= width for p in pieces)
    assert "".join("".join(p.split()) for p in pieces) == "".join(text.split())
