"""The pure parts of the kiosk's look checks (tests/helpers/kiosk_looks.py)."""

from __future__ import annotations

from helpers import kiosk_looks as looks

WHITE, BLACK, INK = (255, 255, 255), (0, 0, 0), (20, 20, 26)


def test_contrast_follows_wcag():
    assert round(looks.contrast(WHITE, BLACK), 1) == 21.0
    assert looks.contrast(WHITE, WHITE) == 1.0
    # WCAG's own example: #777 on white is just under AA.
    assert 4.4 < looks.contrast((119, 119, 119), WHITE) < 4.5


def test_ink_is_the_glyphs_not_a_few_edge_pixels():
    field = [WHITE] * 900 + [INK] * 80 + [(128, 128, 128)] * 20
    ratio, _what = looks.ink_contrast(field)
    assert ratio > 15
    white_on_white = [WHITE] * 980 + [INK] * 10  # the border's corner, no text
    assert looks.ink_contrast(white_on_white)[0] == 1.0


def test_a_shown_text_must_be_the_catalogues_or_the_patients():
    patterns = looks.catalogue_patterns(["Necesito ayuda", "{time} con {provider}"])
    assert looks.foreign("Necesito ayuda", patterns, set()) == []
    assert looks.foreign("10:30 con Dr. Lee", patterns, set()) == []
    assert looks.foreign("I need help", patterns, set()) == ["I need help"]
    assert looks.foreign("Nombre\nSeán", patterns, {"Seán"}) == ["Nombre"]
    assert looks.foreign("Español", patterns, set()) == []  # a language's own name


def test_buttons_need_a_gap_between_them():
    key = (0, 0, 100, 90)
    assert looks.touching(key, (100, 0, 200, 90))  # side by side, no gap
    assert not looks.touching(key, (106, 0, 206, 90))  # the keyboard's 6 px
    assert not looks.touching((0, 0, 1280, 800), key)  # a full-screen button beneath


def test_colours_blend_over_what_is_beneath():
    assert looks.rgb8((1, 1, 1, 1)) == WHITE
    assert looks.rgb8((0, 0, 0, 0.5), under=(1, 1, 1)) == (128, 128, 128)
    assert looks.rgb8((0, 0, 0, 0), under=(0, 0, 0)) == BLACK
