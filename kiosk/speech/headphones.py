"""Headphones plugged in or pulled out, as the hardware reports it (pure: text and bytes
in, answers out; kiosk.speech.jack reads the files on its own thread).

Two reports exist. A USB headset or USB sound adapter appears as a new ALSA card in
/proc/asound/cards and goes when pulled. A jack with a detect switch (many codecs, not
the Pi's own) sends evdev switch events, SW_HEADPHONE_INSERT, on an input device.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass

EV_SW = 0x05
SW_HEADPHONE_INSERT = 0x02
SW_MAX = 0x10
# struct input_event: struct timeval (two longs), __u16 type, __u16 code, __s32 value.
EVENT = struct.Struct("llHHi")
# EVIOCGSW(len): _IOC(_IOC_READ, 'E', 0x1b, len), the switches' state as a bitmask.
SWITCH_BYTES = (SW_MAX + 8) // 8
EVIOCGSW = (2 << 30) | (SWITCH_BYTES << 16) | (ord("E") << 8) | 0x1B

# " 2 [Device         ]: USB-Audio - USB Audio Device"
_CARD = re.compile(r"^\s*(\d+)\s+\[([^\]]*)\]:\s*(\S+)\s+-\s+(.*)$")
AUDIO_OUT_DRIVERS = ("USB-Audio",)  # snd-usb-audio: headsets, dongles with a jack
AUDIO_OUT_WORDS = ("headset", "headphone", "usb audio", "earphone")
NOT_HEADPHONES = ("hdmi", "webcam", "camera")  # a screen's or camera's sound is not a jack


@dataclass(frozen=True)
class Card:
    number: int
    id: str
    driver: str
    name: str

    @property
    def key(self) -> tuple[int, str]:
        return self.number, self.id


def parse_cards(text: str) -> list[Card]:
    """The cards of a /proc/asound/cards text (its second line per card is ignored)."""
    cards = []
    for line in text.splitlines():
        match = _CARD.match(line)
        if match:
            number, card_id, driver, name = match.groups()
            cards.append(Card(int(number), card_id.strip(), driver, name.strip()))
    return cards


def looks_like_headphones(card: Card) -> bool:
    """A card a patient plugs in to listen: USB audio, not a screen's HDMI sound."""
    words = f"{card.id} {card.driver} {card.name}".lower()
    if any(word in words for word in NOT_HEADPHONES):
        return False
    return card.driver in AUDIO_OUT_DRIVERS or any(word in words for word in AUDIO_OUT_WORDS)


def headphone_cards(text: str) -> frozenset[tuple[int, str]]:
    return frozenset(card.key for card in parse_cards(text) if looks_like_headphones(card))


class CardWatch:
    """What changed since the last look at the cards file: the cards there at start are
    the kiosk's own (a USB adapter fitted for good), never a plug-in."""

    def __init__(self, first_text: str) -> None:
        self.known = headphone_cards(first_text)
        self.plugged: frozenset[tuple[int, str]] = frozenset()

    def look(self, text: str) -> bool | None:
        """True: headphones just appeared; False: the last ones went; None: no change."""
        now = headphone_cards(text)
        self.known &= now  # a fitted card pulled and put back counts as a plug-in
        before, self.plugged = self.plugged, now - self.known
        if self.plugged - before:
            return True
        if before and not self.plugged:
            return False
        return None


def decode_events(data: bytes) -> tuple[list[bool], bytes]:
    """The headphone switch's changes in these input_event bytes (True: plugged in), and
    the bytes of an unfinished event left over for the next read."""
    changes = []
    whole = len(data) - len(data) % EVENT.size
    for offset in range(0, whole, EVENT.size):
        _sec, _usec, kind, code, value = EVENT.unpack_from(data, offset)
        if kind == EV_SW and code == SW_HEADPHONE_INSERT:
            changes.append(bool(value))
    return changes, data[whole:]


def encode_event(plugged: bool, sec: int = 0, usec: int = 0) -> bytes:
    """The input_event a jack's driver writes (for stand-ins and tests)."""
    return EVENT.pack(sec, usec, EV_SW, SW_HEADPHONE_INSERT, 1 if plugged else 0)


def switch_state(bitmask: bytes) -> bool:
    """Whether EVIOCGSW's answer has the headphone switch on."""
    byte, bit = divmod(SW_HEADPHONE_INSERT, 8)
    return len(bitmask) > byte and bool(bitmask[byte] & (1 << bit))


def switch_devices(text: str) -> list[str]:
    """The /dev/input/eventN of /proc/bus/input/devices entries with a headphone switch."""
    found = []
    for block in text.split("\n\n"):
        handlers, switches = [], 0
        for line in block.splitlines():
            if line.startswith("H: Handlers="):
                handlers = line.split("=", 1)[1].split()
            elif line.startswith("B: SW="):
                words = line.split("=", 1)[1].split()
                # Most significant word first, each a C long in hex.
                switches = int(words[-1], 16) if words else 0
        if switches & (1 << SW_HEADPHONE_INSERT):
            found += [f"/dev/input/{name}" for name in handlers if name.startswith("event")]
    return found
