"""Each ESC/POS command our encoder sends, byte for byte."""

from __future__ import annotations

import pytest

from hardware import escpos


def test_init_is_esc_at():
    assert escpos.cmd_init() == b"\x1b\x40"


@pytest.mark.parametrize("page", [0, 16, 19])
def test_code_page_is_esc_t_n(page):
    assert escpos.cmd_code_page(page) == bytes([0x1B, 0x74, page])


def test_bold_on_and_off():
    assert escpos.cmd_bold(True) == b"\x1b\x45\x01"
    assert escpos.cmd_bold(False) == b"\x1b\x45\x00"


def test_double_size_sets_width_and_height_nibbles():
    assert escpos.cmd_size(True) == b"\x1d\x21\x11"
    assert escpos.cmd_size(False) == b"\x1d\x21\x00"


@pytest.mark.parametrize("align, n", [("left", 0), ("center", 1), ("right", 2)])
def test_align_is_esc_a_n(align, n):
    assert escpos.cmd_align(align) == bytes([0x1B, 0x61, n])


def test_feed_is_esc_d_n():
    assert escpos.cmd_feed(4) == b"\x1b\x64\x04"


@pytest.mark.parametrize("lines", [-1, 256])
def test_feed_out_of_range_is_refused(lines):
    with pytest.raises(escpos.EncodeError, match="0..255"):
        escpos.cmd_feed(lines)


def test_cut_is_function_b_partial_cut():
    assert escpos.cmd_cut() == b"\x1d\x56\x42\x00"


def test_qr_is_model_size_level_store_print():
    assert escpos.cmd_qr("AB") == (
        b"\x1d\x28\x6b\x04\x00\x31\x41\x32\x00"  # model 2
        b"\x1d\x28\x6b\x03\x00\x31\x43\x06"  # module size 6 dots
        b"\x1d\x28\x6b\x03\x00\x31\x45\x31"  # error correction M
        b"\x1d\x28\x6b\x05\x00\x31\x50\x30AB"  # store 2 bytes (pL = 2 + 3)
        b"\x1d\x28\x6b\x03\x00\x31\x51\x30"  # print
    )


def test_qr_store_length_uses_both_length_bytes():
    data = "x" * 300
    store = escpos.cmd_qr(data).split(b"\x1d\x28\x6b")[4]
    # 303 = 0x012F: pL 0x2F, pH 0x01
    assert store[:5] == b"\x2f\x01\x31\x50\x30"
    assert store[5:] == data.encode()


def test_qr_utf8_payload_counts_bytes_not_characters():
    store = escpos.cmd_qr("Zoë").split(b"\x1d\x28\x6b")[4]
    assert store == b"\x07\x00\x31\x50\x30Zo\xc3\xab"


def test_qr_empty_or_too_long_is_refused():
    with pytest.raises(escpos.EncodeError, match="empty"):
        escpos.cmd_qr("")
    with pytest.raises(escpos.EncodeError, match="limit"):
        escpos.cmd_qr("x" * 8000)


def test_bad_alignment_names_the_value():
    with pytest.raises(escpos.EncodeError, match="'middle'"):
        escpos.Line("x", align="middle")


def test_unknown_profile_lists_known_ones():
    with pytest.raises(
        escpos.UnknownProfile,
        match="'star'.*epson, tm-t20, generic58, generic58-nocut, epson-nocut",
    ):
        escpos.encode([escpos.Line("x")], profile="star")


def test_non_line_items_are_refused():
    with pytest.raises(escpos.EncodeError, match="got str"):
        escpos.encode(["plain string"])
