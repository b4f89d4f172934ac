"""`shown`: control, bidi and separator characters escaped; real names untouched."""

import json
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from seen.terminal import UNSAFE, json_line, shown, shown_all, shown_lines

NAMES = [
    "José Núñez",
    "Zoë O'Brien-Smith",
    "Анна Кузнецова",
    "Γιώργος Παπαδόπουλος",
    "王小明",
    "Nguyễn Thị Minh Khai",
    "محمد علی",
    "X" * 500,
]


def test_named_escapes_for_the_common_controls():
    assert shown("line\nforged") == "line\\nforged"
    assert shown("a\tb\rc") == "a\\tb\\rc"


def test_escape_sequences_and_c1_are_hex():
    assert shown("\x1b[2J") == "\\x1b[2J"
    assert shown("\x00\x7f\x9b") == "\\x00\\x7f\\x9b"


def test_bidi_and_separators_are_shown():
    assert shown("evil\u202etxt.exe") == "evil\\u202etxt.exe"
    assert shown("\u2066a\u2069") == "\\u2066a\\u2069"
    assert shown("a\u2028b\u2029c") == "a\\u2028b\\u2029c"


def test_real_names_are_unchanged():
    for name in NAMES:
        assert shown(name) == name


def test_non_strings_are_shown_as_text():
    assert shown(None) == "None" and shown(42) == "42"


def test_shown_lines_keeps_its_own_newlines_only():
    assert shown_lines("a\x1b\nb\r\n") == "a\\x1b\nb\\r\n"


@given(st.text())
def test_output_never_holds_an_unsafe_character(text):
    out = shown(text)
    assert not any(ord(c) in UNSAFE for c in out)
    assert not any(unicodedata.category(c) == "Cc" for c in out)


@given(st.text(alphabet=st.characters(blacklist_categories=["Cc", "Cs", "Zl", "Zp", "Cf"])))
def test_printable_text_is_unchanged(text):
    assert shown(text) == text


@given(st.text())
def test_shown_never_merges_two_texts_into_extra_lines(text):
    assert "\n" not in shown(text) and len(shown(text)) >= len(text)


@given(st.dictionaries(st.text(), st.text() | st.integers() | st.none()))
def test_json_line_is_the_same_value_on_one_safe_line(value):
    line = json_line(value)
    assert json.loads(line) == value
    assert not any(ord(c) in UNSAFE for c in line)


def test_json_line_keeps_names_readable():
    assert json_line({"name": "Zoë Анна 王"}) == '{"name": "Zoë Анна 王"}'
    assert json_line(["\x9b\u202e"]) == '["\\u009b\\u202e"]'


def test_shown_all_reaches_every_string_and_leaves_numbers():
    figures = {"by_kiosk": [{"label": "Lobby\x1b[2J\nx", "count": 3}], "pct\n": None}
    assert shown_all(figures) == {
        "by_kiosk": [{"label": "Lobby\\x1b[2J\\nx", "count": 3}],
        "pct\\n": None,
    }
