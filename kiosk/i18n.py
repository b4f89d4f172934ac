"""The kiosk's words in the patient's language, through gettext.

Catalogues are `assets/locale/<lang>/LC_MESSAGES/kiosk.po`, committed as text and
compiled to the binary .mo form in memory when first used (no build step, nothing
downloaded). English is the source language: its messages are the msgids.

Screens call `_("text")`; kv rules call `_("text", app.language)`, the extra argument
only there so Kivy re-evaluates the rule when the language changes.
"""

from __future__ import annotations

import ast
import gettext
import io
import struct
import sys
from pathlib import Path

ASSETS = Path(__file__).resolve().parent.parent / "assets"
# A checkout (or editable install) reads assets/ beside the packages; an installed wheel
# (the Raspberry Pi install) carries the catalogues as data files under the prefix.
INSTALLED_LOCALE_DIR = Path(sys.prefix) / "share" / "seen-checkin" / "locale"


def locale_dir(checkout: Path = ASSETS / "locale", installed: Path = INSTALLED_LOCALE_DIR) -> Path:
    """Where the catalogues are: the checkout's assets/locale, else the installed copy."""
    return checkout if checkout.is_dir() else installed


LOCALE_DIR = locale_dir()
DOMAIN = "kiosk"
SOURCE_LANGUAGE = "en"


class CatalogueError(Exception):
    """A .po file could not be read; the message names the file and line."""


def _unquote(text: str, where: str) -> str:
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        raise CatalogueError(f"{where}: expected a quoted string, found {text!r}") from None
    if not isinstance(value, str):
        raise CatalogueError(f"{where}: expected a quoted string, found {text!r}")
    return value


def parse_po(text: str, source: str = "catalogue") -> dict[str, str]:
    """msgid -> msgstr of a .po file (the header under ""; fuzzy and empty entries left out)."""
    catalogue: dict[str, str] = {}
    entry: dict[str, str] = {}
    key = None
    fuzzy = False

    def flush() -> None:
        nonlocal entry, key, fuzzy
        if "msgid" in entry and entry.get("msgstr") and not fuzzy:
            catalogue[entry["msgid"]] = entry["msgstr"]
        entry, key, fuzzy = {}, None, False

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        where = f"{source}:{number}"
        if not line:
            flush()
        elif line.startswith("#"):
            if line.startswith("#,") and "fuzzy" in line:
                if "msgid" in entry:
                    flush()
                fuzzy = True
        elif line.startswith("msgid "):
            if "msgstr" in entry:
                flush()
            key = "msgid"
            entry[key] = _unquote(line[6:], where)
        elif line.startswith("msgstr "):
            key = "msgstr"
            entry[key] = _unquote(line[7:], where)
        elif line.startswith('"') and key is not None:
            entry[key] += _unquote(line, where)
        else:
            raise CatalogueError(f"{where}: cannot read {line!r}")
    flush()
    return catalogue


def compile_mo(catalogue: dict[str, str]) -> bytes:
    """The GNU .mo bytes of a catalogue (what msgfmt writes), sorted by msgid."""
    keys = sorted(catalogue)
    ids = [key.encode("utf-8") for key in keys]
    strs = [catalogue[key].encode("utf-8") for key in keys]
    count = len(keys)
    ids_start = 7 * 4 + 16 * count  # header, then the two offset tables
    offsets, data = [], b""
    for blob in ids:
        offsets.append((len(blob), ids_start + len(data)))
        data += blob + b"\0"
    str_offsets = []
    for blob in strs:
        str_offsets.append((len(blob), ids_start + len(data)))
        data += blob + b"\0"
    header = struct.pack("<7I", 0x950412DE, 0, count, 7 * 4, 7 * 4 + 8 * count, 0, 0)
    tables = b"".join(struct.pack("<2I", *pair) for pair in offsets + str_offsets)
    return header + tables + data


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def languages() -> tuple[str, ...]:
    """The source language and every language with a catalogue."""
    found = sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return (SOURCE_LANGUAGE, *[lang for lang in found if lang != SOURCE_LANGUAGE])


def load(language: str) -> gettext.NullTranslations:
    """The translations for a language (English, or an unknown language: the msgids)."""
    path = po_path(language)
    if language == SOURCE_LANGUAGE or not path.exists():
        return gettext.NullTranslations()
    catalogue = parse_po(path.read_text(encoding="utf-8"), str(path))
    return gettext.GNUTranslations(io.BytesIO(compile_mo(catalogue)))


_cache: dict[str, gettext.NullTranslations] = {}
_current: gettext.NullTranslations = gettext.NullTranslations()


def _translations(language: str) -> gettext.NullTranslations:
    if language not in _cache:
        _cache[language] = load(language)
    return _cache[language]


def set_language(language: str) -> None:
    """Use this language for every `_()` from now on."""
    global _current
    _current = _translations(language)


def in_language(language: str, message: str) -> str:
    """The message in a given language, whatever the session's (welcome speaks both)."""
    return _translations(language).gettext(message)


def N_(message: str) -> str:
    """Marks a message for the catalogue where it is defined; translated where it is shown."""
    return message


def _(message: str, *_watched) -> str:
    """The message in the current language."""
    return _current.gettext(message)
