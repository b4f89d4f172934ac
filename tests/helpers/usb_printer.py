"""A pyusb backend (usb.backend.IBackend) presenting USB printers, for tests.

A USB bus is an edge these tests cannot own, so pyusb is given this backend in place of
libusb: pyusb's own find, descriptor, configuration, claiming and transfer code runs
unchanged on top of it. Each device's bulk OUT endpoint writes into a simulated printer
(hardware.simulator on a pty) and its bulk IN endpoint reads what that printer answers,
so DLE EOT is answered exactly as on the other transports. Faults a real bus has are
flags: a kernel driver holding the interface, no permission, a stalled endpoint,
another program's claim, unplugging. Synthetic devices only.
"""

from __future__ import annotations

import errno
import os
import select
import time
from dataclasses import dataclass, field
from types import SimpleNamespace

import usb.backend
from usb.core import USBError, USBTimeoutError

PRINTER_CLASS, VENDOR_CLASS = 7, 0xFF
BULK = 0x02
LANG_EN_US = 0x0409
STRING_SERIAL = 3


@dataclass
class UsbInterface:
    """One interface: its number, class, and which bulk endpoints it has."""

    number: int = 0
    cls: int = PRINTER_CLASS
    bulk_out: int | None = 0x01
    bulk_in: int | None = 0x82
    max_packet: int = 64


@dataclass
class UsbPrinter:
    """One device on the bus, wired to a simulated printer's port (a pty path)."""

    port: str | None
    vendor: int = 0x0416
    product: int = 0x5011
    serial: str | None = "SEEN0001"
    interfaces: list[UsbInterface] = field(default_factory=lambda: [UsbInterface()])
    kernel_driver: bool = False  # usblp (or another driver) holds the interfaces
    permitted: bool = True  # False: opening it is "Access denied", as without a udev rule
    stalled: bool = False  # bulk OUT takes nothing (printer busy, flow held)
    zero_length: bool = False  # bulk IN with nothing to say answers at once, empty
    configuration: int = 1  # 0: not configured yet
    address: int = 5
    present: bool = True
    claimed_by: dict = field(default_factory=dict)  # interface number -> handle
    detached: list[int] = field(default_factory=list)
    open_handles: int = 0
    fd: int | None = None

    def connect(self) -> None:
        if self.port is not None and self.fd is None:
            self.fd = os.open(self.port, os.O_RDWR | os.O_NOCTTY)

    def unplug(self) -> None:
        self.present = False
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def interface(self, number: int) -> UsbInterface:
        for interface in self.interfaces:
            if interface.number == number:
                return interface
        raise USBError("Entity not found", -5, errno.ENOENT)

    def endpoints(self, interface: UsbInterface) -> list[int]:
        return [a for a in (interface.bulk_out, interface.bulk_in) if a is not None]


class Handle:
    """An open device, as libusb's device handle."""

    def __init__(self, device: UsbPrinter) -> None:
        self.device = device
        self.open = True


def _gone() -> USBError:
    return USBError("No such device (it may have been disconnected)", -4, errno.ENODEV)


def _discard(fd: int) -> None:
    while select.select([fd], [], [], 0)[0]:
        os.read(fd, 4096)


class UsbPrinterBackend(usb.backend.IBackend):
    """The bus: the devices plugged in, and what pyusb asked of them."""

    def __init__(self, *devices: UsbPrinter) -> None:
        super().__init__()
        self.devices = list(devices)
        for device in self.devices:
            device.connect()

    def close(self) -> None:
        for device in self.devices:
            device.unplug()

    # -- descriptors ---------------------------------------------------------

    def enumerate_devices(self):
        return [device for device in self.devices if device.present]

    def get_parent(self, dev):
        return None

    def get_device_descriptor(self, dev: UsbPrinter):
        return SimpleNamespace(
            bLength=18,
            bDescriptorType=1,
            bcdUSB=0x0200,
            bDeviceClass=0,  # the class is in the interface descriptors
            bDeviceSubClass=0,
            bDeviceProtocol=0,
            bMaxPacketSize0=64,
            idVendor=dev.vendor,
            idProduct=dev.product,
            bcdDevice=0x0100,
            iManufacturer=0,
            iProduct=0,
            iSerialNumber=STRING_SERIAL if dev.serial is not None else 0,
            bNumConfigurations=1,
            address=dev.address,
            bus=1,
            port_number=dev.address,
            port_numbers=(dev.address,),
            speed=2,
        )

    def get_configuration_descriptor(self, dev: UsbPrinter, config: int):
        if config != 0:
            raise IndexError("configuration index out of range")
        return SimpleNamespace(
            bLength=9,
            bDescriptorType=2,
            wTotalLength=9 + 23 * len(dev.interfaces),
            bNumInterfaces=len(dev.interfaces),
            bConfigurationValue=1,
            iConfiguration=0,
            bmAttributes=0xC0,
            bMaxPower=50,
            extra_descriptors=[],
        )

    def get_interface_descriptor(self, dev: UsbPrinter, intf: int, alt: int, config: int):
        if alt != 0 or intf >= len(dev.interfaces):
            raise IndexError("interface index out of range")
        interface = dev.interfaces[intf]
        bidirectional = interface.bulk_in is not None
        return SimpleNamespace(
            bLength=9,
            bDescriptorType=4,
            bInterfaceNumber=interface.number,
            bAlternateSetting=0,
            bNumEndpoints=len(dev.endpoints(interface)),
            bInterfaceClass=interface.cls,
            bInterfaceSubClass=1,  # printers
            bInterfaceProtocol=2 if bidirectional else 1,
            iInterface=0,
            extra_descriptors=[],
        )

    def get_endpoint_descriptor(self, dev: UsbPrinter, ep: int, intf: int, alt: int, config: int):
        addresses = dev.endpoints(dev.interfaces[intf])
        if ep >= len(addresses):
            raise IndexError("endpoint index out of range")
        return SimpleNamespace(
            bLength=7,
            bDescriptorType=5,
            bEndpointAddress=addresses[ep],
            bmAttributes=BULK,
            wMaxPacketSize=dev.interfaces[intf].max_packet,
            bInterval=0,
            bRefresh=0,
            bSynchAddress=0,
            extra_descriptors=[],
        )

    # -- handles, configuration, interfaces --------------------------------------

    def _live(self, handle: Handle) -> UsbPrinter:
        if not handle.open or not handle.device.present:
            raise _gone()
        return handle.device

    def open_device(self, dev: UsbPrinter) -> Handle:
        if not dev.present:
            raise _gone()
        if not dev.permitted:
            raise USBError("Access denied (insufficient permissions)", -3, errno.EACCES)
        dev.open_handles += 1
        return Handle(dev)

    def close_device(self, dev_handle: Handle) -> None:
        if dev_handle.open:
            dev_handle.device.open_handles -= 1
        dev_handle.open = False
        for number, holder in list(dev_handle.device.claimed_by.items()):
            if holder is dev_handle:
                del dev_handle.device.claimed_by[number]

    def get_configuration(self, dev_handle: Handle) -> int:
        return self._live(dev_handle).configuration

    def set_configuration(self, dev_handle: Handle, config_value: int) -> None:
        device = self._live(dev_handle)
        if device.kernel_driver or device.claimed_by:
            raise USBError("Resource busy", -6, errno.EBUSY)
        device.configuration = config_value

    def set_interface_altsetting(self, dev_handle: Handle, intf: int, altsetting: int) -> None:
        self._live(dev_handle).interface(intf)

    def claim_interface(self, dev_handle: Handle, intf: int) -> None:
        device = self._live(dev_handle)
        device.interface(intf)
        holder = device.claimed_by.get(intf)
        if device.kernel_driver or (holder is not None and holder is not dev_handle):
            raise USBError("Resource busy", -6, errno.EBUSY)
        device.claimed_by[intf] = dev_handle

    def release_interface(self, dev_handle: Handle, intf: int) -> None:
        device = self._live(dev_handle)
        if device.claimed_by.get(intf) is dev_handle:
            del device.claimed_by[intf]

    def is_kernel_driver_active(self, dev_handle: Handle, intf: int) -> bool:
        return self._live(dev_handle).kernel_driver

    def detach_kernel_driver(self, dev_handle: Handle, intf: int) -> None:
        device = self._live(dev_handle)
        device.kernel_driver = False
        device.detached.append(intf)

    # -- transfers -----------------------------------------------------------------

    def _claimed(self, dev_handle: Handle, intf: int) -> UsbPrinter:
        device = self._live(dev_handle)
        if device.claimed_by.get(intf) is not dev_handle:
            raise USBError("Entity not found", -5, errno.ENOENT)  # libusb: claim first
        return device

    def bulk_write(self, dev_handle: Handle, ep: int, intf: int, data, timeout: int) -> int:
        device = self._claimed(dev_handle, intf)
        if device.stalled:
            time.sleep(timeout / 1000)
            raise USBTimeoutError("Operation timed out", -7, errno.ETIMEDOUT)
        payload = bytes(data)
        view = memoryview(payload)
        while view:
            view = view[os.write(device.fd, view) :]
        if device.interface(intf).bulk_in is None:
            _discard(device.fd)  # one way: what the printer answers reaches nobody
        return len(payload)

    def bulk_read(self, dev_handle: Handle, ep: int, intf: int, buff, timeout: int) -> int:
        device = self._claimed(dev_handle, intf)
        ready, _, _ = select.select(
            [device.fd], [], [], 0 if device.zero_length else timeout / 1000
        )
        if not ready and device.zero_length:
            return 0
        if not ready:
            raise USBTimeoutError("Operation timed out", -7, errno.ETIMEDOUT)
        got = os.read(device.fd, len(buff))
        buff[: len(got)] = type(buff)(buff.typecode, got)
        return len(got)

    def ctrl_transfer(self, dev_handle, bmRequestType, bRequest, wValue, wIndex, data, timeout):
        device = self._live(dev_handle)
        if (bmRequestType, bRequest) == (0x80, 0x00):  # GET_STATUS: self-powered, no wakeup
            reply = b"\x01\x00"
        elif (bmRequestType, bRequest) == (0x80, 0x06) and wValue >> 8 == 3:  # a string
            if wValue & 0xFF == 0:
                reply = bytes([4, 3]) + LANG_EN_US.to_bytes(2, "little")
            elif wValue & 0xFF == STRING_SERIAL and device.serial is not None:
                text = device.serial.encode("utf-16-le")
                reply = bytes([2 + len(text), 3]) + text
            else:
                raise USBError("Pipe error", -9, errno.EPIPE)
        else:
            raise USBError("Pipe error", -9, errno.EPIPE)  # a stall: not a request we know
        reply = reply[: len(data)]
        data[: len(reply)] = type(data)(data.typecode, reply)
        return len(reply)
