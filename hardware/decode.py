"""Read ESC/POS bytes back into plain text: the inverse of escpos.encode, for tests and the demo.

Pure. Knows the commands our encoder sends (and the real-time DLE EOT query);
other ESC/GS sequences are skipped by their documented lengths where we know
them, otherwise by one parameter byte.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

# ESC t page number -> Python codec, from Epson's ESC t table (written out here, not
# read from the encoder's data, so a wrong number in either shows up in tests).
# fmt: off
PAGE_CODECS = {
    0: "cp437", 2: "cp850", 3: "cp860", 4: "cp863", 5: "cp865", 13: "cp857", 14: "cp737",
    15: "iso8859_7", 16: "cp1252", 17: "cp866", 18: "cp852", 19: "cp858", 33: "cp775",
    34: "cp855", 35: "cp861", 38: "cp869", 39: "iso8859_2", 40: "iso8859_15", 44: "cp1125",
    45: "cp1250", 46: "cp1251", 47: "cp1253", 48: "cp1254", 51: "cp1257", 52: "cp1258",
}
# fmt: on

# Commands with exactly n parameter bytes after their two-byte prefix.
_ESC_PARAMS = {b"@"[0]: 0, b"E"[0]: 1, b"a"[0]: 1, b"d"[0]: 1, b"t"[0]: 1, b"!"[0]: 1, b"-"[0]: 1}
_GS_PARAMS = {b"!"[0]: 1}


@dataclass
class Decoded:
    """What a stream of printer bytes says: text, cut count, QR payloads, text per cut slip."""

    text: str = ""
    cuts: int = 0
    qr_codes: list[str] = field(default_factory=list)
    receipts: list[str] = field(default_factory=list)  # text of each slip ended by a cut
    images: list[tuple[int, int, bytes]] = field(default_factory=list)  # GS v 0 (x, y, rows)


def decode(data: bytes) -> Decoded:
    """Decode a whole stream; incomplete trailing commands are ignored."""
    out = Decoded()
    text: list[str] = []
    slip_start = 0
    codec = PAGE_CODECS[0]
    i = 0
    n = len(data)
    while i < n:
        byte = data[i]
        if byte == 0x1B and i + 1 < n:  # ESC
            cmd = data[i + 1]
            params = _ESC_PARAMS.get(cmd, 1)
            if i + 2 + params > n:
                break
            if cmd == b"t"[0]:
                codec = PAGE_CODECS.get(data[i + 2], PAGE_CODECS[0])
            elif cmd == b"d"[0]:
                text.append("\n" * data[i + 2])
            elif cmd == b"@"[0]:
                codec = PAGE_CODECS[0]
            i += 2 + params
        elif byte == 0x1D and i + 1 < n:  # GS
            cmd = data[i + 1]
            if cmd == b"V"[0]:
                # GS V m: m 0/1/48/49 cut now; m 65/66 feed then cut, one more byte n.
                if i + 2 >= n:
                    break
                length = 4 if data[i + 2] in (65, 66) else 3
                if i + length > n:
                    break
                out.cuts += 1
                joined = "".join(text)
                out.receipts.append(joined[slip_start:])
                slip_start = len(joined)
                i += length
            elif cmd == b"("[0]:
                # GS ( x pL pH payload: pL + 256*pH payload bytes follow.
                if i + 5 > n:
                    break
                size = data[i + 3] + 256 * data[i + 4]
                if i + 5 + size > n:
                    break
                payload = data[i + 5 : i + 5 + size]
                # QR store (k, cn 49, fn 80, m 48) carries the symbol's data.
                if data[i + 2] == b"k"[0] and payload[:3] == b"1P0":
                    out.qr_codes.append(payload[3:].decode("utf-8", "replace"))
                i += 5 + size
            elif cmd == b"v"[0]:
                # GS v 0 m xL xH yL yH, then x*y bytes of raster rows.
                if i + 8 > n:
                    break
                x = data[i + 4] + 256 * data[i + 5]
                y = data[i + 6] + 256 * data[i + 7]
                if i + 8 + x * y > n:
                    break
                rows = data[i + 8 : i + 8 + x * y]
                out.images.append((x, y, rows))
                text.append(read_image(x, y, rows) + "\n")
                i += 8 + x * y
            else:
                i += 2 + _GS_PARAMS.get(cmd, 1)
        elif byte == 0x10 and i + 2 < n and data[i + 1] == 0x04:  # DLE EOT n status query
            i += 3
        elif byte == 0x0A:
            text.append("\n")
            i += 1
        elif byte < 0x20:
            i += 1  # other control bytes print nothing
        else:
            start = i
            while i < n and data[i] >= 0x20:
                i += 1
            text.append(data[start:i].decode(codec, "replace"))
    out.text = "".join(text)
    return out


# -- reading raster lines back ----------------------------------------------------------


@functools.cache
def _glyph_index() -> dict[bytes, str]:
    """Unifont bitmap -> character; the lowest code point wins where glyphs look alike."""
    from hardware.raster import glyphs  # the shipped font; drawing is not shared

    index: dict[bytes, str] = {}
    for point in sorted(glyphs(), reverse=True):
        index[glyphs()[point]] = chr(point)
    return index


def _dot(rows: bytes, x_bytes: int, x: int, y: int) -> int:
    return (rows[y * x_bytes + x // 8] >> (7 - x % 8)) & 1


def read_image(x_bytes: int, height: int, rows: bytes) -> str:
    """The text a raster line draws, read glyph by glyph against the font ("\ufffd" for
    a cell no glyph matches). Its scale is its height over the font's 16 dots."""
    scale = max(1, height // 16)
    dots = x_bytes * 8 // scale
    index = _glyph_index()
    chars, x = [], 0
    while x + 8 <= dots:
        found = None
        for cell in (16, 8):  # wide glyphs first: a CJK glyph's halves are not glyphs
            if x + cell > dots:
                continue
            bits = bytearray()
            for y in range(16):
                value = 0
                for dx in range(cell):
                    value = value << 1 | _dot(rows, x_bytes, (x + dx) * scale, y * scale)
                bits += value.to_bytes(cell // 8, "big")
            if bytes(bits) in index:
                found = (index[bytes(bits)], cell)
                break
        if found is None:
            chars.append("\ufffd")
            x += 8
        else:
            chars.append(found[0])
            x += found[1]
    return "".join(chars).rstrip(" ")
