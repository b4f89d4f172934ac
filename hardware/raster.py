"""Text no code page has (Chinese, Japanese, Korean...) drawn as a bitmap for GS v 0.

Pure apart from reading the shipped font once. The font is GNU Unifont's .hex file
(hardware/data/unifont.hex.gz, licence in data/unifont-LICENSE.txt): every Basic
Multilingual Plane character as an 8x16 or 16x16 bitmap, one line per character,
"CODEPOINT:HEX". Characters it lacks are drawn as its U+FFFD replacement glyph.
"""

from __future__ import annotations

import functools
import gzip
import unicodedata
from pathlib import Path

FONT_FILE = Path(__file__).parent / "data" / "unifont.hex.gz"
GLYPH_HEIGHT = 16
MISSING = 0xFFFD


@functools.cache
def glyphs() -> dict[int, bytes]:
    """codepoint -> 16 rows of 1 (8 wide) or 2 (16 wide) bytes each, loaded once."""
    table = {}
    with gzip.open(FONT_FILE, "rt", encoding="ascii") as lines:
        for line in lines:
            point, _, bitmap = line.strip().partition(":")
            table[int(point, 16)] = bytes.fromhex(bitmap)
    return table


def glyph(char: str) -> bytes:
    """The character's rows (16 or 32 bytes); the replacement glyph when the font lacks it."""
    table = glyphs()
    return table.get(ord(char)) or table[MISSING]


def glyph_width(rows: bytes) -> int:
    """8 or 16 dots."""
    return len(rows) // GLYPH_HEIGHT * 8


def text_width(text: str, scale: int = 1) -> int:
    return sum(glyph_width(glyph(c)) for c in prepare(text)) * scale


def prepare(text: str) -> str:
    """NFC (so accents join their letter) without control or zero-width format characters."""
    text = unicodedata.normalize("NFC", text)
    return "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cf", "Zl", "Zp"))


def split(text: str, max_dots: int, scale: int = 1) -> list[str]:
    """Pieces of text that each fit max_dots when drawn (at least one character each)."""
    pieces, current, used = [], "", 0
    for char in prepare(text):
        width = glyph_width(glyph(char)) * scale
        if current and used + width > max_dots:
            pieces.append(current)
            current, used = "", 0
        current += char
        used += width
    return [*pieces, current] if current or not pieces else pieces


def render(text: str, scale: int = 1) -> tuple[int, int, bytes]:
    """(width in bytes, height in dots, rows) of text drawn left to right, scale x scale."""
    chars = [glyph(c) for c in prepare(text)] or [glyph(" ")]
    width_dots = sum(glyph_width(g) for g in chars) * scale
    width_bytes = (width_dots + 7) // 8
    height = GLYPH_HEIGHT * scale
    out = bytearray()
    for row in range(GLYPH_HEIGHT):
        bits: list[int] = []
        for rows in chars:
            per_row = len(rows) // GLYPH_HEIGHT
            value = int.from_bytes(rows[row * per_row : (row + 1) * per_row], "big")
            for bit in range(per_row * 8 - 1, -1, -1):
                bits.extend([(value >> bit) & 1] * scale)
        bits.extend([0] * (width_bytes * 8 - len(bits)))
        packed = bytes(int("".join(map(str, bits[i : i + 8])), 2) for i in range(0, len(bits), 8))
        out += packed * scale
    return width_bytes, height, bytes(out)
