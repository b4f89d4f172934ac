"""Raw USB through pyusb (libusb): printers that no kernel driver claims, as a port.

The URL is `usb://VID:PID`, with `?serial=SERIAL` to pick one of two identical
printers and `&interface=N` when the printer's interface is not 0. The port finds
the interface's bulk OUT endpoint (the print data) and its bulk IN endpoint if it
has one (the DLE EOT replies); a printer without bulk IN is one way, so its reads
time out and `printer_status = "auto"` takes it as a printer without status.

The interface class is not checked: printers that want raw USB are often
vendor-specific (class 0xff), which is why the kernel's usblp left them alone. When a
kernel driver does hold the interface (usblp on a class-7 printer), it is detached
first, as libusb cannot claim an interface a driver holds. libusb's claim is
exclusive, so a second program on the same printer fails to open it.

SerialPrinter uses this port for usb:// URLs through the same calls as a serial port
(write, read, reset_input_buffer, in_waiting, close); USB errors are OSErrors, so a
printer that is unplugged is "disconnected" and reopened on the next call.
"""

from __future__ import annotations

import errno
import time

import serial
import usb.core
import usb.util

from hardware.usburl import parse_usb_url

# Bounds the draining of unasked status bytes (a printer that never stops sending).
_MAX_DRAIN_READS = 16
_DRAIN_TIMEOUT_MS = 10
_PROBE_TIMEOUT_MS = 500


class UsbPortError(serial.SerialException):
    """A raw USB printer could not be found, opened or claimed; the message says why."""

    def __str__(self) -> str:
        return self.strerror or super().__str__()  # the reason alone, no "[Errno 19]"


def _is_bulk(direction: int):
    def match(endpoint) -> bool:
        return (
            usb.util.endpoint_type(endpoint.bmAttributes) == usb.util.ENDPOINT_TYPE_BULK
            and usb.util.endpoint_direction(endpoint.bEndpointAddress) == direction
        )

    return match


class UsbPort:
    """An open, claimed printer interface with pyserial-like write/read timeouts.

    backend is a pyusb backend (usb.backend.IBackend); None lets pyusb load libusb-1.0.
    """

    def __init__(self, url: str, write_timeout: float, timeout: float, backend=None) -> None:
        self.url = url
        self.target = parse_usb_url(url)
        self.write_timeout = write_timeout
        self.timeout = timeout
        self._buffer = bytearray()  # bytes of a bulk IN packet not yet read
        self._device = self._find(backend)
        try:
            self._claim()
        except BaseException:
            usb.util.dispose_resources(self._device)
            raise

    @property
    def one_way(self) -> bool:
        return self._in is None

    # -- opening ---------------------------------------------------------------

    def _find(self, backend):
        target = self.target
        try:
            found = list(
                usb.core.find(
                    find_all=True,
                    idVendor=target.vendor,
                    idProduct=target.product,
                    backend=backend,
                )
            )
        except usb.core.NoBackendError:
            raise UsbPortError(
                errno.ENOENT,
                "pyusb finds no libusb: install the libusb-1.0-0 package "
                "(deploy/raspberry-pi/install.sh does)",
            ) from None
        if target.serial is not None:
            chosen = []
            for device in found:
                if self._serial_of(device) == target.serial:
                    chosen.append(device)
                else:
                    usb.util.dispose_resources(device)  # reading its serial opened it
            found = chosen
        if not found:
            which = target.ids + (f" with serial {target.serial}" if target.serial else "")
            raise UsbPortError(
                errno.ENODEV, f"no USB device {which} is connected (lsusb lists what is)"
            )
        if len(found) > 1:
            raise UsbPortError(
                errno.EBUSY,
                f"{len(found)} USB devices {target.ids} are connected: add ?serial=... to "
                "the URL to say which one prints (lsusb -v -d "
                f"{target.ids} shows iSerial)",
            )
        return found[0]

    def _serial_of(self, device) -> str | None:
        if not device.iSerialNumber:
            return None
        # Not device.serial_number: its language look-up takes "access denied" for "no
        # strings", and a printer we may not open would look like one with no serial.
        try:
            langids = usb.util.get_langids(device)
            if not langids:
                return None
            return usb.util.get_string(device, device.iSerialNumber, langids[0])
        except usb.core.USBError as exc:  # reading it opens the device
            if exc.errno == errno.EACCES:
                raise self._explain(exc, "read the serial number of") from None
            return None  # no string descriptors: a serial it cannot tell us

    def _claim(self) -> None:
        device, number = self._device, self.target.interface
        try:
            try:
                if device.is_kernel_driver_active(number):
                    device.detach_kernel_driver(number)
            except NotImplementedError:  # a backend without kernel drivers (not Linux)
                pass
            try:
                config = device.get_active_configuration()
            except usb.core.USBError:  # not configured yet: no driver took it
                device.set_configuration()
                config = device.get_active_configuration()
            interface = usb.util.find_descriptor(config, bInterfaceNumber=number)
            if interface is None:
                raise UsbPortError(
                    errno.ENODEV, f"USB device {self.target.ids} has no interface {number}"
                )
            self._out = usb.util.find_descriptor(
                interface, custom_match=_is_bulk(usb.util.ENDPOINT_OUT)
            )
            if self._out is None:
                raise UsbPortError(
                    errno.ENODEV,
                    f"USB device {self.target.ids} has no bulk OUT endpoint on interface "
                    f"{number}: not a printer interface (try another ?interface=)",
                )
            self._in = usb.util.find_descriptor(
                interface, custom_match=_is_bulk(usb.util.ENDPOINT_IN)
            )
            usb.util.claim_interface(device, number)
        except usb.core.USBError as exc:
            raise self._explain(exc, "open") from None

    def _explain(self, exc: usb.core.USBError, doing: str) -> UsbPortError:
        ids = self.target.ids
        if exc.errno == errno.EACCES:
            return UsbPortError(
                errno.EACCES,
                f"permission denied to {doing} USB device {ids}: install the udev rule "
                f"(deploy/raspberry-pi/install.sh --printer-usb {ids}) that gives the "
                "kiosk user the device, then unplug and replug it",
            )
        if exc.errno == errno.EBUSY:
            return UsbPortError(
                errno.EBUSY,
                f"USB device {ids} is in use by another program or driver "
                "(is the kiosk already running?)",
            )
        return UsbPortError(exc.errno, f"cannot {doing} USB device {ids}: {exc.strerror}")

    # -- the port calls SerialPrinter makes ---------------------------------------

    def write(self, data: bytes) -> int:
        try:
            return self._out.write(data, timeout=max(1, round(self.write_timeout * 1000)))
        except usb.core.USBTimeoutError:
            raise serial.SerialTimeoutException("write timeout") from None

    def read(self, size: int = 1) -> bytes:
        if self._in is None:
            time.sleep(self.timeout)  # nothing can come back: a timeout, as pyserial gives
            return b""
        deadline = time.monotonic() + self.timeout
        while not self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                return b""
            # A whole packet: asking for fewer bytes than the printer sends overflows.
            if not self._read_packet(max(1, round(left * 1000))):
                return b""
        got = bytes(self._buffer[:size])
        del self._buffer[:size]
        return got

    def _read_packet(self, timeout_ms: int) -> bool:
        """Append one bulk IN packet to the buffer; False when none came in time."""
        try:
            packet = self._in.read(self._in.wMaxPacketSize, timeout=timeout_ms)
        except usb.core.USBTimeoutError:
            return False
        if not packet:  # a zero-length packet: nothing yet; do not spin on them
            time.sleep(min(0.005, timeout_ms / 1000))
        self._buffer += bytes(packet)
        return True

    def reset_input_buffer(self) -> None:
        self._buffer.clear()
        if self._in is None:
            return
        for _ in range(_MAX_DRAIN_READS):
            if not self._read_packet(_DRAIN_TIMEOUT_MS):
                break
        self._buffer.clear()

    @property
    def in_waiting(self) -> int:
        """Bytes already read from the printer; raises OSError when it has been unplugged."""
        # GET_STATUS on the default pipe: harmless, and fails once the device is gone.
        self._device.ctrl_transfer(0x80, 0x00, 0, 0, 2, timeout=_PROBE_TIMEOUT_MS)
        return len(self._buffer)

    def close(self) -> None:
        try:
            usb.util.release_interface(self._device, self.target.interface)
        except usb.core.USBError:  # unplugged: nothing left to release
            pass
        finally:
            usb.util.dispose_resources(self._device)
