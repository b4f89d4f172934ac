"""Whole receipts, byte for byte, on both printer profiles."""

from __future__ import annotations

import pytest

from hardware.decode import decode
from hardware.escpos import Line, encode

RECEIPT = [
    Line("Riverside Clinic", bold=True, double=True, align="center"),
    Line("Checked in: Zoë Ł.", align="center"),
    Line("Ticket 17", bold=True),
    Line("Dr O'Brien-Núñez 10:30"),
    Line("Thank you"),
]


def test_epson_receipt_byte_exact():
    assert encode(RECEIPT) == (
        b"\x1b\x40"  # init
        b"\x1b\x74\x00"  # page 0, PC437
        b"\x1b\x61\x01\x1b\x45\x01\x1d\x21\x11"  # centre, bold, double
        b"Riverside Clinic\n"
        b"\x1b\x45\x00\x1d\x21\x00"  # bold off, normal size (still centred)
        b"\x1b\x74\x12"  # page 18, PC852: the first that has Ł
        b"Checked in: Zo\x89 \x9d.\n"  # ë 0x89, Ł 0x9D in PC852
        b"\x1b\x61\x00\x1b\x45\x01"  # left, bold
        b"Ticket 17\n"  # PC852 has it: no switch
        b"\x1b\x45\x00"
        b"\x1b\x74\x00"  # PC852 has no ñ: back to PC437
        b"Dr O'Brien-N\xa3\xa4ez 10:30\n"  # ú 0xA3, ñ 0xA4
        b"Thank you\n"
        b"\x1d\x56\x42\x00"  # feed to cutter, partial cut
    )


def test_generic58_receipt_wraps_at_32_and_16_double():
    lines = [
        Line("Riverside Family Clinic", double=True),
        Line("Welcome Maximiliana Wolfeschlegelsteinhausen-Bergerdorff"),
    ]
    assert encode(lines, profile="generic58", cut=False) == (
        b"\x1b\x40\x1b\x74\x00"
        b"\x1d\x21\x11"
        b"Riverside Family\n"  # 16 columns at double width
        b"Clinic\n"
        b"\x1d\x21\x00"
        b"Welcome Maximiliana\n"
        b"Wolfeschlegelsteinhausen-\n"  # split at the hyphen to fit 32
        b"Bergerdorff\n"
        b"\x1b\x64\x04"  # no cutter: feed past the tear bar
    )


def test_epson_receipt_with_qr_centres_it_before_the_cut():
    data = encode([Line("Ticket 3")], qr="T3")
    assert data == (
        b"\x1b\x40\x1b\x74\x00"
        b"Ticket 3\n"
        b"\x1b\x61\x01"
        b"\x1d\x28\x6b\x04\x00\x31\x41\x32\x00"
        b"\x1d\x28\x6b\x03\x00\x31\x43\x06"
        b"\x1d\x28\x6b\x03\x00\x31\x45\x31"
        b"\x1d\x28\x6b\x05\x00\x31\x50\x30T3"
        b"\x1d\x28\x6b\x03\x00\x31\x51\x30"
        b"\n"
        b"\x1d\x56\x42\x00"
    )


def test_width_can_be_narrowed_explicitly():
    data = encode([Line("one two three")], width=8, cut=False)
    assert data == b"\x1b\x40\x1b\x74\x00one two\nthree\n\x1b\x64\x04"


def test_empty_line_is_a_blank_line():
    assert encode([Line("")], cut=False) == b"\x1b\x40\x1b\x74\x00\n\x1b\x64\x04"


# --- profiles own their width and their cutter ---------------------------------------


@pytest.mark.parametrize(("profile", "columns"), [("generic58", 32), ("epson", 42), ("tm-t20", 48)])
def test_profile_width_wraps_lines_at_its_columns(profile, columns):
    text = "word " * 40
    data = encode([Line(text)], profile=profile, cut=False)
    lines = decode(data).text.split("\n")
    assert all(len(line) <= columns for line in lines)
    assert any(len(line) > columns - 5 for line in lines)  # and the line is really used


def test_generic58_slip_is_32_columns_byte_exact():
    data = encode([Line("a" * 40)], profile="generic58", cut=False)
    assert data == b"\x1b\x40\x1b\x74\x00" + b"a" * 32 + b"\n" + b"a" * 8 + b"\n\x1b\x64\x04"


def test_explicit_width_beats_the_profile():
    data = encode([Line("a" * 40)], profile="tm-t20", width=20, cut=False)
    assert data == b"\x1b\x40\x1b\x74\x00" + b"a" * 20 + b"\n" + b"a" * 20 + b"\n\x1b\x64\x04"


def test_no_cutter_profile_feeds_past_the_tear_bar_instead_of_cutting():
    assert encode([Line("x")], profile="generic58-nocut") == b"\x1b\x40\x1b\x74\x00x\n\x1b\x64\x04"
    assert encode([Line("x")], profile="epson-nocut") == b"\x1b\x40\x1b\x74\x00x\n\x1b\x64\x04"
    assert encode([Line("x")], profile="tm-t20") == b"\x1b\x40\x1b\x74\x00x\n\x1d\x56\x42\x00"
    # An explicit cut still wins over the profile.
    assert encode([Line("x")], profile="generic58-nocut", cut=True).endswith(b"\x1d\x56\x42\x00")
