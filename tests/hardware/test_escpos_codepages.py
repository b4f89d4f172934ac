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
