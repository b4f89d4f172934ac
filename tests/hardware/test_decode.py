"""Reading printer bytes back as text: what the simulator's .text() and the demo log rely on."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from hardware.decode import decode
from hardware.escpos import (
    DOTS_PER_COLUMN,
    PROFILES,
    TEAR_OFF_FEED_LINES,
    Line,
    encode,
    fold_text,
    needs_image,
    wrap,
)
from hardware.raster import render, split


def test_commands_are_stripped_and_pages_followed():
    data = encode([Line("Zoë", bold=True), Line("Šárka", align="right"), Line("Øre")], qr="Q1")
    decoded = decode(data)
    assert decoded.text == "Zoë\nŠárka\nØre\n\n"
    assert decoded.qr_codes == ["Q1"]
    assert decoded.cuts == 1


def test_receipts_are_split_at_each_cut():
    data = encode([Line("first")]) + b"\x10\x04\x01" + encode([Line("second")], cut=False)
    data += encode([Line("third")])
    decoded = decode(data)
    assert decoded.cuts == 2
    assert decoded.receipts == ["first\n", "second\n\n\n\n\nthird\n"]


def test_incomplete_trailing_command_is_ignored():
    assert decode(b"abc\x1d(k\x10\x00").text == "abc"
    assert decode(b"abc\x1b").text == "abc"


@given(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=120), st.sampled_from(sorted(PROFILES))
)
def test_decode_inverts_encode(text, profile_name):
    profile = PROFILES[profile_name]
    decoded = decode(encode([Line(text)], profile=profile_name))
    if needs_image(text, profile):  # drawn: exactly the font's rendering, a line per piece
        pieces = split(text, profile.width * DOTS_PER_COLUMN)
        assert decoded.images == [render(piece) for piece in pieces]
        assert "?" not in decoded.text.replace("\ufffd", "") or "?" in text
        return
    assert not decoded.images
    expected = "".join(piece + "\n" for piece in wrap(fold_text(text, profile), profile.width))
    if not profile.cutter:  # fed past the tear bar instead of cut
        expected += "\n" * TEAR_OFF_FEED_LINES
    assert decoded.text == expected
