"""MLLP framing: whole messages out of whatever chunks the socket gives, clear errors."""

import pytest

from staffconsole.hl7.mllp import Deframer, FramingError, frame


def test_a_frame_split_anywhere_comes_back_whole():
    wire = frame(b"MSH|one\r") + frame(b"MSH|two\r")
    for cut in range(1, len(wire)):
        d = Deframer(100)
        got = d.feed(wire[:cut]) + d.feed(wire[cut:])
        assert got == [b"MSH|one\r", b"MSH|two\r"], cut
        assert not d.pending


def test_line_endings_between_frames_are_harmless():
    assert Deframer(100).feed(frame(b"A") + b"\r\n" + frame(b"B")) == [b"A", b"B"]


def test_an_unframed_message_is_named_as_such():
    with pytest.raises(FramingError, match="not MLLP-framed"):
        Deframer(100).feed(b"MSH|^~\\&|x\r")


def test_bytes_outside_a_frame_are_counted_not_quoted():
    with pytest.raises(FramingError, match="5 bytes outside an MLLP frame") as e:
        Deframer(100).feed("Zoë!".encode())  # 5 bytes in UTF-8
    assert "Zo" not in str(e.value)


def test_a_message_over_the_limit_is_refused_before_its_end_arrives():
    d = Deframer(10)
    d.feed(b"\x0b12345")
    with pytest.raises(FramingError, match="larger than 10 bytes"):
        d.feed(b"678901")


def test_a_new_start_inside_a_frame_is_an_error():
    with pytest.raises(FramingError, match="began before the last one ended"):
        Deframer(100).feed(b"\x0bMSH|a\x0bMSH|b\x1c\r")
