"""ESC/POS encoder: receipt lines -> printer bytes. Pure: no I/O, no clock.

We write our own small encoder instead of using python-escpos: its 3.1 release
reports "plenty of paper" when the printer does not answer, re-parses its
capability file on every import and pulls in Pillow/qrcode/barcode/YAML, while a
check-in slip needs a dozen commands.

Text is sent one byte per character in a code page the printer knows. Each
profile's pages come from hardware/data/codepages.json, a subset of python-escpos's
capability data (MIT, see data/python-escpos-LICENSE.txt), in order of preference;
a line is printed in the current page when that page can encode it, otherwise
in the first page that can (so the page only switches mid-receipt when needed).
Characters no page has get a readable fallback ("Ħ" -> "H", curly quotes ->
straight ones); a line with a character that has none (Chinese...) is drawn as a
bitmap (hardware.raster, GS v 0) instead: never "?" or mojibake.
"""

from __future__ import annotations

import json
import re
import textwrap
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from hardware import raster

ESC = b"\x1b"
GS = b"\x1d"
LF = b"\n"

ALIGNMENTS = {"left": 0, "center": 1, "right": 2}

# Module size (dots per QR cell, 1..16) and error correction level for receipts:
# 6 dots scans well from a phone at arm's length on 80 mm and 58 mm paper.
QR_MODULE_SIZE = 6
QR_ERROR_LEVEL_M = 49  # 48=L 49=M 50=Q 51=H
QR_MAX_BYTES = 7089 - 3  # symbol storage limit minus the 3 header bytes in pL/pH

# Lines fed before the end when there is no cutter, so the last printed line
# clears the tear bar.
TEAR_OFF_FEED_LINES = 4


class EncodeError(ValueError):
    """A receipt could not be turned into printer bytes."""


class UnknownProfile(EncodeError):
    """The printer profile name is not one we know."""


@dataclass(frozen=True)
class Profile:
    """What a printer model can print: its code pages, its paper width, whether it cuts."""

    name: str
    width: int  # characters per line in font A at normal size
    pages: tuple[tuple[int, str], ...]  # (ESC t page number, Python codec), preferred first
    cutter: bool = True  # False: the slip is fed past the tear bar instead of cut


CODE_PAGES_FILE = Path(__file__).parent / "data" / "codepages.json"
# Right-to-left scripts would print in storage order (backwards) through a code page.
_RTL_CODECS = {"cp720", "cp862", "cp864", "cp1255", "cp1256"}
# Tried first, in this order, so Western slips keep the bytes they always had.
_FIRST_PAGES = (0, 19, 16)


def _pages(model: str) -> tuple[tuple[int, str], ...]:
    """A model's (ESC t number, codec) pairs from the vendored capability table."""
    table = json.loads(CODE_PAGES_FILE.read_text(encoding="utf-8"))["profiles"][model]
    pages = {int(number): codec for number, codec in table["codePages"].items()}
    order = [n for n in _FIRST_PAGES if n in pages] + sorted(set(pages) - set(_FIRST_PAGES))
    return tuple((n, pages[n]) for n in order if pages[n] not in _RTL_CODECS)


_EPSON, _TM_T20, _GENERIC58 = _pages("epson"), _pages("tm-t20"), _pages("generic58")

PROFILES = {
    # Epson TM-T88 and most 80 mm clones, 42 columns.
    "epson": Profile("epson", 42, _EPSON),
    # The TM-T20 family prints 48 columns of font A on 80 mm paper.
    "tm-t20": Profile("tm-t20", 48, _TM_T20),
    # Cheap 58 mm printers (the ZJ-5870's table), 32 columns.
    "generic58": Profile("generic58", 32, _GENERIC58),
    # The same with no cutter (most 58 mm clones): the slip is torn off by hand.
    "generic58-nocut": Profile("generic58-nocut", 32, _GENERIC58, cutter=False),
    # An 80 mm printer without a cutter.
    "epson-nocut": Profile("epson-nocut", 42, _EPSON, cutter=False),
}


@dataclass(frozen=True)
class Line:
    """One paragraph of receipt text with its style; long text is word-wrapped."""

    text: str
    bold: bool = False
    double: bool = False
    align: str = "left"
    page: int | None = None  # ESC t number to print in when it has every letter (test slip)

    def __post_init__(self) -> None:
        if self.align not in ALIGNMENTS:
            raise EncodeError(f"align must be one of {', '.join(ALIGNMENTS)}, not {self.align!r}")


def page_samples(profile: Profile, letters: int = 12) -> list[tuple[int, str, str]]:
    """(ESC t number, codec, sample) per page: the first letters of the page's upper half,
    for a test slip line printed in that page (Line(page=number))."""
    samples = []
    for number, codec in profile.pages:
        upper = bytes(range(0x80, 0x100)).decode(codec, errors="ignore")
        samples.append((number, codec, "".join(c for c in upper if c.isalpha())[:letters]))
    return samples


def get_profile(name: str) -> Profile:
    """Return the named profile or raise UnknownProfile listing the known ones."""
    try:
        return PROFILES[name]
    except KeyError:
        raise UnknownProfile(
            f"unknown printer profile {name!r}; known profiles: {', '.join(PROFILES)}"
        ) from None


# --- commands, one function each, bytes explained -------------------------


def cmd_init() -> bytes:
    """ESC @ (1B 40): reset styles, alignment and code page to power-on values."""
    return ESC + b"@"


def cmd_code_page(page: int) -> bytes:
    """ESC t n (1B 74 n): select character code table n for bytes 0x80-0xFF."""
    return ESC + b"t" + bytes([page])


def cmd_bold(on: bool) -> bytes:
    """ESC E n (1B 45 n): emphasised on when the low bit of n is 1."""
    return ESC + b"E" + bytes([1 if on else 0])


def cmd_size(double: bool) -> bytes:
    """GS ! n (1D 21 n): bits 0-3 height multiplier - 1, bits 4-7 width multiplier - 1.

    0x11 is double width and double height; 0x00 is normal.
    """
    return GS + b"!" + bytes([0x11 if double else 0x00])


def cmd_align(align: str) -> bytes:
    """ESC a n (1B 61 n): 0 left, 1 centre, 2 right.

    Quirk: it only takes effect at the start of a line, so we send it before text.
    """
    return ESC + b"a" + bytes([ALIGNMENTS[align]])


def cmd_feed(lines: int) -> bytes:
    """ESC d n (1B 64 n): print the buffer and feed n lines (0..255)."""
    if not 0 <= lines <= 255:
        raise EncodeError(f"feed must be 0..255 lines, not {lines}")
    return ESC + b"d" + bytes([lines])


def cmd_cut() -> bytes:
    """GS V 66 0 (1D 56 42 00): function B, feed to the cutter then partial cut.

    Function B does the feed itself (to cutting position + 0 dots), so no ESC d
    is needed before it; the partial cut leaves a hinge so the slip does not fall.
    """
    return GS + b"V" + bytes([66, 0])


def cmd_raster(width_bytes: int, height: int, rows: bytes) -> bytes:
    """GS v 0 m xL xH yL yH d1..dk (1D 76 30 00 ...): print a raster bit image now.

    m 0 is normal density; x is the width in bytes (8 dots each, MSB leftmost), y the
    height in dots; k = x * y bytes, row by row. ESC a alignment applies to it.
    """
    if len(rows) != width_bytes * height or not (0 < width_bytes < 256 * 256):
        raise EncodeError(f"raster of {width_bytes}x{height} needs {width_bytes * height} bytes")
    head = bytes([0, width_bytes & 0xFF, width_bytes >> 8, height & 0xFF, height >> 8])
    return GS + b"v0" + head + rows


# Font A is 12 dots a column: a line of `width` columns is width * 12 dots wide.
DOTS_PER_COLUMN = 12


def needs_image(text: str, profile: Profile) -> bool:
    """True when some character of text has no page and no readable stand-in (CJK...)."""
    codecs = [codec for _, codec in profile.pages]
    return any(c != "?" and _fold_char(c, codecs) == "?" for c in raster.prepare(text))


def _qr_function(fn: int, payload: bytes) -> bytes:
    """GS ( k pL pH cn fn [payload]: pL + 256*pH counts cn, fn and the payload; cn 49 = QR."""
    size = len(payload) + 2
    return GS + b"(k" + bytes([size & 0xFF, size >> 8, 49, fn]) + payload


def cmd_qr(data: str) -> bytes:
    """The five GS ( k calls that print one QR code.

    fn 65 (0x41) model: n1 50 = model 2, n2 0.
    fn 67 (0x43) module size in dots.
    fn 69 (0x45) error correction level.
    fn 80 (0x50) store data: m 48 then the data bytes.
    fn 81 (0x51) print the stored symbol: m 48.
    """
    payload = data.encode("utf-8")
    if not payload:
        raise EncodeError("QR data is empty")
    if len(payload) > QR_MAX_BYTES:
        raise EncodeError(f"QR data is {len(payload)} bytes; the limit is {QR_MAX_BYTES}")
    return (
        _qr_function(65, bytes([50, 0]))
        + _qr_function(67, bytes([QR_MODULE_SIZE]))
        + _qr_function(69, bytes([QR_ERROR_LEVEL_M]))
        + _qr_function(80, b"0" + payload)
        + _qr_function(81, b"0")
    )


# --- text ------------------------------------------------------------------

# Letters and signs that NFKD does not decompose into ASCII, with what a reader
# expects to see instead.
# fmt: off
_FALLBACKS = {
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'",
    "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"',
    "–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-",
    "…": "...", "\u00a0": " ", "•": "*",
    "Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h",
    "Œ": "OE", "œ": "oe", "Æ": "AE", "æ": "ae", "Þ": "Th", "þ": "th", "ß": "ss",
    "ı": "i", "Ŀ": "L", "ŀ": "l", "Ŧ": "T", "ŧ": "t", "€": "EUR",
    "Ð": "D", "ð": "d", "ĸ": "k", "Ŋ": "N", "ŋ": "n", "Ə": "E", "ə": "e",
    "Ʒ": "Z", "ʒ": "z", "Ǯ": "Z", "ǯ": "z", "Ƹ": "Z", "ƹ": "z", "ƺ": "z",
    "Ȝ": "Y", "ȝ": "y", "Ƿ": "W", "ƿ": "w", "Ƕ": "Hv", "ƕ": "hv", "Ƣ": "OI", "ƣ": "oi",
    "Ȣ": "OU", "ȣ": "ou", "ȸ": "db", "ȹ": "qp", "Ʀ": "R", "Ʃ": "S", "ʃ": "s",
    "Ɣ": "G", "ɣ": "g", "Ɩ": "I", "ɩ": "i", "Ʊ": "U", "ʊ": "u", "ƛ": "l",
    "ẞ": "SS", "ẜ": "s", "ẝ": "s", "Ỻ": "LL", "ỻ": "ll", "Ỽ": "V", "ỽ": "v",
}
# fmt: on

# "LATIN SMALL LETTER B WITH HOOK" -> "b": the base letter named in Unicode, for
# the many hooked/stroked letters that NFKD leaves alone.
_BASE_LETTER = re.compile(
    r"^LATIN (CAPITAL|SMALL) LETTER (?:(?:SMALL|OPEN|TURNED|REVERSED|AFRICAN|DOTLESS) )?"
    r"([A-Z])(?: |$)"
)


def _encodable(text: str, codec: str) -> bool:
    try:
        text.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


def _fold_char(char: str, codecs: list[str]) -> str:
    """One character as some page can print it: itself, a look-alike, or '?'."""
    if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp"):
        # Control characters in text would be read as printer commands.
        return " " if char in "\t\r\n" else ""
    if any(_encodable(char, codec) for codec in codecs):
        return char
    if char in _FALLBACKS and any(_encodable(_FALLBACKS[char], c) for c in codecs):
        return _FALLBACKS[char]
    stripped = "".join(
        c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
    )
    if stripped and all(any(_encodable(c, codec) for codec in codecs) for c in stripped):
        return stripped
    named = _BASE_LETTER.match(unicodedata.name(char, ""))
    if named:
        return named[2] if named[1] == "CAPITAL" else named[2].lower()
    return "?"


def fold_text(text: str, profile: Profile) -> str:
    """Replace every character no page of the profile has with a readable stand-in."""
    codecs = [codec for _, codec in profile.pages]
    return "".join(_fold_char(char, codecs) for char in text)


def wrap(text: str, width: int) -> list[str]:
    """Word-wrap to width columns; words longer than a line are split."""
    if not text.strip():
        return [""]
    return textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=True)


class _Encoder:
    """Tracks the printer's current style and page so commands are sent only on change."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.out = bytearray(cmd_init())
        self.page = profile.pages[0]
        self.out += cmd_code_page(self.page[0])
        self.bold, self.double, self.align = False, False, "left"

    def style(self, bold: bool, double: bool, align: str) -> None:
        if align != self.align:
            self.out += cmd_align(align)
            self.align = align
        if bold != self.bold:
            self.out += cmd_bold(bold)
            self.bold = bold
        if double != self.double:
            self.out += cmd_size(double)
            self.double = double

    def text(self, text: str, page: int | None = None) -> None:
        """Encode folded text, switching page only when the current one cannot encode it
        (or to `page` when asked and it can)."""
        wanted = [p for p in self.profile.pages if p[0] == page and _encodable(text, p[1])]
        if wanted and wanted[0] != self.page:
            self._switch(wanted[0])
        if _encodable(text, self.page[1]):
            self.out += text.encode(self.page[1])
            return
        for candidate in self.profile.pages:
            if _encodable(text, candidate[1]):
                self._switch(candidate)
                self.out += text.encode(candidate[1])
                return
        # No single page has every character: switch per character.
        for char in text:
            self.text(char)

    def _switch(self, page: tuple[int, str]) -> None:
        self.out += cmd_code_page(page[0])
        self.page = page


def encode(
    lines: Iterable[Line],
    profile: str = "epson",
    width: int | None = None,
    cut: bool | None = None,
    qr: str | None = None,
) -> bytes:
    """Turn receipt lines into ESC/POS bytes.

    width defaults to the profile's (42 for epson, 48 for tm-t20, 32 for generic58);
    double-size lines get half of it. cut defaults to whether the profile has a cutter.
    qr, when given, is printed centred after the text.
    """
    prof = get_profile(profile)
    width = prof.width if width is None else width
    cut = prof.cutter if cut is None else cut
    if width < 2:
        raise EncodeError(f"width must be at least 2 characters, not {width}")
    enc = _Encoder(prof)
    for line in lines:
        if not isinstance(line, Line):
            raise EncodeError(f"expected hardware.escpos.Line, got {type(line).__name__}")
        enc.style(line.bold, line.double, line.align)
        columns = width // 2 if line.double else width
        if needs_image(line.text, prof):
            # Drawn, never "?": double lines at twice the size.
            scale = 2 if line.double else 1
            for piece in raster.split(line.text, width * DOTS_PER_COLUMN, scale):
                enc.out += cmd_raster(*raster.render(piece, scale))
            continue
        for piece in wrap(fold_text(line.text, prof), columns):
            enc.text(piece, line.page)
            enc.out += LF
    if qr is not None:
        enc.style(False, False, "center")
        enc.out += cmd_qr(qr) + LF
    if cut:
        enc.out += cmd_cut()
    else:
        enc.out += cmd_feed(TEAR_OFF_FEED_LINES)
    return bytes(enc.out)
