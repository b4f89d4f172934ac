"""What screen, touch panel and keyboards (a USB barcode scanner is one) this machine has.

Read from the kernel's own lists, under a `root` directory so tests can hand in a
tree they wrote: /proc/bus/input/devices for input devices, /sys/class/drm for
display connectors, /dev/input/by-path for stable names. Parsing is pure.
"""

from __future__ import annotations

import shutil
import struct
from dataclasses import dataclass
from pathlib import Path

# Linux input event codes (include/uapi/linux/input-event-codes.h).
EV_KEY, EV_ABS = 0x01, 0x03
ABS_X, ABS_MT_POSITION_X = 0x00, 0x35
BTN_TOUCH = 0x14A
KEY_A, KEY_Z, KEY_ENTER = 30, 44, 28
# /proc prints each capability bitmap as hex words of the kernel's `long`.
LONG_BITS = struct.calcsize("l") * 8


@dataclass(frozen=True)
class InputDevice:
    """One block of /proc/bus/input/devices, reduced to what a kiosk cares about."""

    name: str
    handlers: tuple[str, ...]
    ev: int
    key: int
    abs: int

    @property
    def is_touchscreen(self) -> bool:
        # A touch panel reports absolute positions and BTN_TOUCH; multi-touch ones MT slots.
        has_abs = bool(self.ev >> EV_ABS & 1)
        positions = bool(self.abs >> ABS_MT_POSITION_X & 1 or self.abs >> ABS_X & 1)
        return has_abs and positions and bool(self.key >> BTN_TOUCH & 1)

    @property
    def is_keyboard(self) -> bool:
        # Letters and Enter: what a keyboard-mode barcode scanner types with.
        letters = all(self.key >> code & 1 for code in range(KEY_A, KEY_A + 3))
        return bool(self.ev >> EV_KEY & 1) and letters and bool(self.key >> KEY_ENTER & 1)


def parse_bitmap(text: str, long_bits: int = LONG_BITS) -> int:
    """'120013 0' style words, most significant first, into one integer."""
    value = 0
    for word in text.split():
        value = (value << long_bits) | int(word, 16)
    return value


def parse_input_devices(text: str, long_bits: int = LONG_BITS) -> list[InputDevice]:
    """Pure: the blocks of /proc/bus/input/devices."""
    devices = []
    for block in text.strip().split("\n\n"):
        name, handlers, bits = "", (), {"EV": 0, "KEY": 0, "ABS": 0}
        for line in block.splitlines():
            kind, _, rest = line.partition(": ")
            if kind == "N" and rest.startswith("Name="):
                name = rest[len("Name=") :].strip().strip('"')
            elif kind == "H" and rest.startswith("Handlers="):
                handlers = tuple(rest[len("Handlers=") :].split())
            elif kind == "B":
                field, _, value = rest.partition("=")
                if field in bits:
                    bits[field] = parse_bitmap(value, long_bits)
        if name or handlers:
            devices.append(InputDevice(name, handlers, bits["EV"], bits["KEY"], bits["ABS"]))
    return devices


def input_devices(root: str | Path = "/") -> list[InputDevice] | None:
    """The machine's input devices, or None when the kernel list cannot be read."""
    try:
        text = (Path(root) / "proc/bus/input/devices").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    return parse_input_devices(text)


def input_paths(root: str | Path = "/") -> list[str]:
    """Stable names under /dev/input/by-path (empty when there are none)."""
    folder = Path(root) / "dev/input/by-path"
    try:
        return sorted(entry.name for entry in folder.iterdir())
    except OSError:
        return []


def connected_displays(root: str | Path = "/") -> list[str]:
    """DRM connectors that report a monitor attached ("card1-HDMI-A-1", "card1-DSI-1")."""
    folder = Path(root) / "sys/class/drm"
    found = []
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return []
    for entry in entries:
        try:
            if (entry / "status").read_text().strip() == "connected":
                found.append(entry.name)
        except OSError:
            continue
    return found


def free_bytes(path: str | Path) -> tuple[Path, int]:
    """(the existing folder measured, bytes free there) for a file that may not exist yet."""
    folder = Path(path).resolve()
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if folder.is_file():
        folder = folder.parent
    return folder, shutil.disk_usage(folder).free
