"""Code pages from the vendored capability table: each name prints in a page that has
every letter of it, byte for byte, and the independent decoder reads it back."""

from __future__ import annotations

import json

import pytest

from hardware.decode import PAGE_CODECS, decode
from hardware.escpos import CODE_PAGES_FILE, PROFILES, Line, encode

START = b"\x1b\x40\x1b\x74\x00"  # init, page 0 (PC437)
TEAR = b"\n\x1b\x64\x04"

# (name, ESC t page the encoder must switch to, the name's bytes in that page)
NAMES = [
    ("Łukasz Wałęsa", 18, b"\x9dukasz Wa\x88\xa9sa"),  # PC852
    ("Erdős Győző", 18, b"Erd\x8bs Gy\x8bz\x8b"),  # PC852 (ő is 0x8B)
    ("Иванов", 17, b"\x88\xa2\xa0\xad\xae\xa2"),  # PC866
    ("Παπαδόπουλος", 14, b"\x8f\x98\xa7\x98\x9b\xe6\xa7\xa6\xac\xa2\xa6\xaa"),  # PC737
]


@pytest.mark.parametrize(("name", "page", "encoded"), NAMES)
@pytest.mark.parametrize("profile", ["epson", "tm-t20"])
def test_names_print_in_a_page_that_has_them_byte_exact(profile, name, page, encoded):
    data = encode([Line(name)], profile=profile, cut=False)
    assert data == START + b"\x1b\x74" + bytes([page]) + encoded + TEAR
    assert decode(data).text == name + "\n" * 5


@pytest.mark.parametrize(("name", "page", "encoded"), NAMES[:3])
def test_generic58_prints_latin2_and_cyrillic_names(name, page, encoded):
    data = encode([Line(name)], profile="generic58", cut=False)
    assert decode(data).text.startswith(name + "\n") and b"?" not in data


def test_the_decoder_knows_every_page_a_profile_uses_with_the_same_codec():
    for profile in PROFILES.values():
        for number, codec in profile.pages:
            assert PAGE_CODECS[number].replace("-", "_") == codec.replace("-", "_"), (
                profile.name,
                number,
            )


def test_the_table_is_the_vendored_data_with_its_licence():
    table = json.loads(CODE_PAGES_FILE.read_text(encoding="utf-8"))
    assert "MIT" in table["_source"] and "python-escpos" in table["_source"]
    licence = CODE_PAGES_FILE.parent / "python-escpos-LICENSE.txt"
    assert "MIT License" in licence.read_text(encoding="utf-8")
    assert table["profiles"]["tm-t20"]["columns"] == PROFILES["tm-t20"].width == 48
    assert table["profiles"]["generic58"]["columns"] == PROFILES["generic58"].width == 32


def test_a_mixed_slip_switches_page_only_when_a_line_needs_it():
    data = encode([Line("Zoë"), Line("Иванов"), Line("Пётр")], cut=False)
    assert data.count(b"\x1b\x74\x11") == 1  # PC866 once, kept for the next Cyrillic line
    assert decode(data).text == "Zoë\nИванов\nПётр\n" + "\n" * 4


def test_a_line_can_ask_for_its_page_and_gets_it_only_when_the_page_has_it():
    data = encode([Line("Zoë", page=18), Line("Zoë", page=17)], cut=False)
    # PC852 has ë (0x89); PC866 does not, so the second line stays in PC852.
    assert data == START + b"\x1b\x74\x12Zo\x89\nZo\x89" + TEAR
    assert decode(data).text == "Zoë\nZoë\n" + "\n" * 4


# --- names no page has: drawn with the shipped Unifont (GS v 0) ---------------------


@pytest.mark.parametrize("profile", ["epson", "tm-t20", "generic58"])
def test_a_chinese_name_is_drawn_and_read_back(profile):
    from hardware.raster import render

    data = encode([Line("王小明", double=True), Line("王小明")], profile=profile, cut=False)
    decoded = decode(data)
    assert decoded.text == "王小明\n王小明\n" + "\n" * 4  # read back glyph by glyph
    big, small = render("王小明", scale=2), render("王小明")
    assert decoded.images == [big, small]
    assert big[:2] == (12, 32) and small[:2] == (6, 16)  # 3 wide glyphs, 16 dots each
    x_bytes, height, rows = small
    assert data.endswith(
        b"\x1d\x76\x30\x00" + bytes([x_bytes, 0, height, 0]) + rows + b"\x1b\x64\x04"
    )


def test_a_long_drawn_line_is_split_to_the_paper_width():
    name = "王" * 30  # 30 x 16 dots = 480; generic58 has 32 x 12 = 384 dots
    decoded = decode(encode([Line(name)], profile="generic58", cut=False))
    assert [image[0] * 8 for image in decoded.images] == [384, 96]
    assert decoded.text.replace("\n", "") == name


def test_greek_on_a_printer_without_a_greek_page_is_drawn_not_mojibake():
    from hardware.raster import render

    decoded = decode(encode([Line("Παπαδόπουλος")], profile="generic58", cut=False))
    assert decoded.images == [render("Παπαδόπουλος")]  # never cp437's maths letters


@pytest.mark.parametrize(("name", "page", "encoded"), NAMES)
def test_the_five_names_never_print_a_question_mark_on_any_profile(name, page, encoded):
    for profile in PROFILES:
        for text in (name, "王小明"):
            decoded = decode(encode([Line(text)], profile=profile))
            assert "?" not in decoded.text and "\ufffd" not in decoded.text, (profile, text)
