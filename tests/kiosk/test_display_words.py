"""The slip and the done screen say where the lobby display is, only when there is one,
in English and Spanish (kiosk settings display_location, display_location_es)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from kiosk import i18n
from kiosk.config import display_locations, load_config
from kiosk.receipt import build_receipt
from kiosk.words import display_line

NOW = datetime(2026, 11, 22, 10, 20, tzinfo=timezone(timedelta(hours=-5)))
ARRIVAL = {
    "display_name": "María José O.",
    "time": "10:30",
    "provider": "Dr. Lee",
    "arrived_at": "2026-11-22T15:20:00+00:00",
    "ticket": 12,
}
BOTH = {"en": "the screen by the window", "es": "la pantalla junto a la ventana"}

CASES = [
    ("no display", {"en": "", "es": "x"}, "en", ""),
    ("no display, Spanish", {"en": "", "es": "x"}, "es", ""),
    ("English", BOTH, "en", "Watch the screen by the window: your number will be called there."),
    ("Spanish", BOTH, "es", "Mire la pantalla junto a la ventana: allí llamaremos su número."),
    (
        "Spanish without Spanish words",
        {"en": "the screen by the window", "es": ""},
        "es",
        "Mire la pantalla de la sala de espera: allí llamaremos su número.",
    ),
]


@pytest.mark.parametrize(("case", "where", "lang", "expected"), CASES, ids=[c[0] for c in CASES])
def test_the_display_line(case, where, lang, expected):
    assert display_line(where, lang, i18n.load(lang).gettext) == expected


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_slip_says_it_before_telling_the_desk_only_with_a_display(lang):
    t = i18n.load(lang).gettext
    plain = [line.text for line in build_receipt(ARRIVAL, "C", NOW, 15, t)]
    line = display_line(BOTH, lang, t)
    with_display = build_receipt(ARRIVAL, "C", NOW, 15, t, line)
    texts = [x.text for x in with_display]
    assert texts == plain[:-1] + [line, ""] + plain[-1:]
    assert with_display[-3].bold and "12" in texts[6]


def test_the_settings_name_the_place(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_text('[kiosk]\ndisplay_location = "the screen by the window"\n', encoding="utf-8")
    config = load_config(path, environ={})
    assert display_locations(config) == {"en": "the screen by the window", "es": ""}
    assert display_locations(load_config(None, environ={})) == {"en": "", "es": ""}
