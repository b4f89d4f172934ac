"""The kiosk's words through gettext: the .po reader and .mo writer, and a Spanish catalogue
that covers every message the screens show (with the same {placeholders})."""

from __future__ import annotations

import gettext
import io
import re
import string
from pathlib import Path

import pytest

from kiosk import i18n

KIOSK = Path(i18n.__file__).resolve().parent
# _("…"), N_("…") and in_language(lang, "…") (welcome's line in another language).
MESSAGE = re.compile(
    r"""\b(?:N?_\(|in_language\([^,()]+,)\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')"""
)


def source_messages() -> set[str]:
    """Every literal passed to _() or N_() in the kiosk's .py and .kv files."""
    found = set()
    for path in KIOSK.rglob("*"):
        if path.suffix in (".py", ".kv") and path.name != "i18n.py":
            for match in MESSAGE.finditer(path.read_text(encoding="utf-8")):
                text = match.group(1) if match.group(1) is not None else match.group(2)
                found.add(text.encode().decode("unicode_escape").encode("latin-1").decode())
    return found


def fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


def test_po_round_trips_through_mo_and_gettext():
    po = """# comment
msgid ""
msgstr "Content-Type: text/plain; charset=UTF-8\\n"

msgid "Next"
msgstr "Siguiente"

msgid "He said \\"hi\\""
msgstr ""
"Dijo "
"\\"hola\\""

#, fuzzy
msgid "Unsure"
msgstr "Dudoso"

msgid "Untranslated"
msgstr ""
"""
    catalogue = i18n.parse_po(po)
    assert catalogue["Next"] == "Siguiente" and catalogue['He said "hi"'] == 'Dijo "hola"'
    assert "Unsure" not in catalogue and "Untranslated" not in catalogue
    translations = gettext.GNUTranslations(io.BytesIO(i18n.compile_mo(catalogue)))
    assert translations.gettext("Next") == "Siguiente"
    assert translations.gettext('He said "hi"') == 'Dijo "hola"'
    assert translations.gettext("Untranslated") == "Untranslated"


def test_a_broken_po_names_the_file_and_line():
    with pytest.raises(i18n.CatalogueError, match=r"es\.po:2: expected a quoted string"):
        i18n.parse_po('msgid "a"\nmsgstr oops\n', "es.po")


def test_spanish_covers_every_message_with_the_same_placeholders():
    spanish = i18n.parse_po(i18n.po_path("es").read_text(encoding="utf-8"))
    messages = source_messages()
    assert len(messages) > 40  # the extraction itself works
    missing = sorted(messages - set(spanish))
    assert not missing, f"not in the Spanish catalogue: {missing}"
    stale = sorted(set(spanish) - messages - {""})
    assert not stale, f"in the catalogue but no longer used: {stale}"
    for message in messages:
        assert fields(spanish[message]) == fields(message), message


def test_switching_language_changes_every_later_message():
    assert "es" in i18n.languages()
    try:
        i18n.set_language("es")
        assert i18n._("I need help") == "Necesito ayuda"
        assert i18n._("Your number is {ticket}.").format(ticket=7) == "Su número es el 7."
        i18n.set_language("en")
        assert i18n._("I need help") == "I need help"
        i18n.set_language("xx")  # no catalogue: the English words, never a crash
        assert i18n._("I need help") == "I need help"
        # Welcome speaks Spanish too, whatever the session's language.
        assert i18n.in_language("es", "I need help") == "Necesito ayuda"
        assert i18n._("I need help") == "I need help"
    finally:
        i18n.set_language("en")
