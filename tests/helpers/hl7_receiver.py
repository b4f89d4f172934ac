"""A practice system's MLLP receiver for tests: a real socket server that records and ACKs.

Each framed message it gets is kept (bytes) with the answer it gave; `answer` decides
that answer: "AA", "AE", or "silent" (read, never answer). `stop()` closes the port,
so a sender sees the receiver down; `start()` on the same port brings it back.
"""

from __future__ import annotations

import socket
import threading

import hl7

from staffconsole.hl7.mllp import Deframer, frame


class Receiver:
    def __init__(self, port: int = 0, answer: str = "AA") -> None:
        self.port = port
        self.answer = answer
        self.received: list[tuple[str, str]] = []  # (message text, answer given)
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> Receiver:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        sock.listen(16)
        self.port = sock.getsockname()[1]
        self._sock = sock
        self._thread = threading.Thread(target=self._accept, args=(sock,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._sock is not None:
            try:
                self._sock.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept() on Linux
            except OSError:
                pass
            self._sock.close()
            self._sock = None
        if self._thread is not None:
            self._thread.join(5)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def accepted(self) -> list[str]:
        """The messages it answered AA, in order."""
        with self._lock:
            return [text for text, answer in self.received if answer == "AA"]

    def _accept(self, sock: socket.socket) -> None:
        while True:
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        deframer = Deframer(1024 * 1024)
        with conn:
            conn.settimeout(10)
            try:
                while data := conn.recv(65536):
                    for raw in deframer.feed(data):
                        text = raw.decode("utf-8")
                        answer = self.answer
                        with self._lock:
                            self.received.append((text, answer))
                        if answer == "silent":
                            continue
                        control = str(hl7.parse(text).segment("MSH")[10])
                        ack = f"MSH|^~\\&|PMS|CLINIC|SEEN||20261122||ACK|R{control}|P|2.5\r"
                        ack += f"MSA|{answer}|{control}|" + ("" if answer == "AA" else "busy")
                        conn.sendall(frame(ack.encode("utf-8") + b"\r"))
            except OSError:
                return


def control_id(text: str) -> str:
    return str(hl7.parse(text).segment("MSH")[10])
