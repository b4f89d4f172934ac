"""MLLP framing (HL7 v2 Minimal Lower Layer Protocol): VT, the message, FS CR. Pure.

A `Deframer` takes bytes as they come off a socket and gives back whole messages;
bytes outside a frame or a frame over the size limit are a `FramingError`, which
says what was wrong without quoting the bytes (they may hold patient data).
"""

from __future__ import annotations

START = b"\x0b"  # VT
END = b"\x1c\r"  # FS CR


class FramingError(Exception):
    """The bytes on the connection are not MLLP frames (or a frame is too large)."""


def frame(message: bytes) -> bytes:
    """One message wrapped for the wire."""
    return START + message + END


class Deframer:
    """Collects bytes and splits them into messages; `max_bytes` bounds one message."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._buffer = bytearray()

    @property
    def pending(self) -> bool:
        """Part of a frame has arrived and its end has not."""
        return bool(self._buffer)

    def feed(self, data: bytes) -> list[bytes]:
        """The messages completed by `data`; FramingError on bytes no frame explains."""
        self._buffer += data
        found = []
        while self._buffer:
            if self._buffer[:1] != START:
                # Some senders put a line ending between frames: harmless.
                stripped = self._buffer.lstrip(b"\r\n")
                if not stripped:
                    self._buffer.clear()
                    break
                if stripped[:1] != START:
                    raise FramingError(_outside(stripped))
                self._buffer = bytearray(stripped)
            end = self._buffer.find(END)
            if end < 0:
                if len(self._buffer) - 1 > self.max_bytes:
                    raise FramingError(f"message larger than {self.max_bytes} bytes")
                if START in self._buffer[1:]:
                    raise FramingError("a new frame (VT) began before the last one ended (FS CR)")
                break
            body = bytes(self._buffer[1:end])
            del self._buffer[: end + len(END)]
            if len(body) > self.max_bytes:
                raise FramingError(f"message larger than {self.max_bytes} bytes")
            if START in body:
                raise FramingError("a new frame (VT) began before the last one ended (FS CR)")
            found.append(body)
        return found


def _outside(data: bytes) -> str:
    if data.startswith(b"MSH"):
        return "message not MLLP-framed: it must start with VT (0x0B) and end with FS CR"
    return f"{len(data)} bytes outside an MLLP frame (expected VT, 0x0B, first)"
