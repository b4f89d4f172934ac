"""The URL of a raw USB printer, usb://VID:PID[?serial=S][&interface=N] (pure, stdlib only).

Apart from hardware.usbraw so that the kiosk's settings can check a URL when the file
is loaded (errors naming file, key and value) without importing pyusb.
"""

from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import parse_qs

SCHEME = "usb://"
_IDS = re.compile(r"([0-9a-fA-F]{4}):([0-9a-fA-F]{4})")
_SERIAL = re.compile(r"[\x21-\x7e]{1,126}")  # printable ASCII: what a udev rule can match


class UsbTarget(NamedTuple):
    """Which USB device a usb:// URL names, and which of its interfaces prints."""

    vendor: int
    product: int
    serial: str | None
    interface: int

    @property
    def ids(self) -> str:
        return f"{self.vendor:04x}:{self.product:04x}"


def is_usb_url(url: str) -> bool:
    return url.lower().startswith(SCHEME)


def parse_usb_url(url: str) -> UsbTarget:
    """Pure: usb://VID:PID[?serial=S][&interface=N] -> UsbTarget; ValueError says what is
    wrong."""
    if not is_usb_url(url):
        raise ValueError(f"a raw USB printer URL starts with {SCHEME}")
    rest = url[len(SCHEME) :]
    ids, _, query = rest.partition("?")
    match = _IDS.fullmatch(ids)
    if match is None:
        raise ValueError(
            "a raw USB printer URL is usb://VENDOR:PRODUCT in hex, like usb://04b8:0202 "
            "(lsusb shows them)"
        )
    try:
        fields = parse_qs(query, keep_blank_values=True, strict_parsing=bool(query))
    except ValueError:
        raise ValueError("the part after ? must be serial=...&interface=N") from None
    unknown = sorted(set(fields) - {"serial", "interface"})
    if unknown:
        raise ValueError(f"unknown URL option {unknown[0]!r}: only serial and interface")
    if any(len(values) > 1 for values in fields.values()):
        raise ValueError("serial and interface may each be given once")
    serial_number = fields.get("serial", [None])[0]
    if serial_number is not None and not _SERIAL.fullmatch(serial_number):
        raise ValueError("serial must be the device's serial number: printable, no spaces")
    interface = fields.get("interface", ["0"])[0]
    if not re.fullmatch(r"\d{1,3}", interface) or int(interface) > 255:
        raise ValueError("interface must be a number from 0 to 255")
    return UsbTarget(
        int(match.group(1), 16), int(match.group(2), 16), serial_number, int(interface)
    )
