"""Sends the queued arrival messages over MLLP, oldest first, until each gets an AA.

One try: connect, send the row's fixed text (same MSH-10 every time), read one ACK
within the timeout. AA for that control id removes the row; anything else (no
answer, AE, AR, another control id) keeps it and waits longer, doubling to a cap.
The queue is in the database, so a restart or a receiver down for hours loses nothing.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from staffconsole.hl7.mllp import Deframer, FramingError, frame
from staffconsole.hl7.outbound import arrival_message, read_ack
from staffconsole.rules.alerting import alert_fields
from staffconsole.store import hl7_outbound as queue
from staffconsole.store.alerts import clear_alert, open_or_update_alert
from staffconsole.store.schema import open_db

log = logging.getLogger("staffconsole.hl7")
STUCK_CAUSE = "hl7_queue"
IDLE_S = 0.5  # how often an empty queue is looked at again


class DeliveryError(Exception):
    """The receiver did not take a message (no connection, no ACK, or not AA)."""


@dataclass(frozen=True)
class SendOptions:
    db_path: str
    destination: str  # HOST:PORT
    kind: str = "SIU^S14"
    facility: str = ""
    ack_timeout_s: float = 10.0
    retry_base_s: float = 2.0
    retry_max_s: float = 300.0
    stuck_alert_s: int = 900
    max_bytes: int = 1024 * 1024


def exchange(destination: str, message: bytes, timeout_s: float, max_bytes: int) -> bytes:
    """Send one framed message and return the first framed answer (DeliveryError if none)."""
    host, _, port = destination.rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=timeout_s) as conn:
            conn.settimeout(timeout_s)
            conn.sendall(frame(message))
            deframer = Deframer(max_bytes)
            while True:
                data = conn.recv(65536)
                if not data:
                    raise DeliveryError("the receiver closed the connection without an ACK")
                answers = deframer.feed(data)
                if answers:
                    return answers[0]
    except TimeoutError:
        raise DeliveryError(f"no ACK within {timeout_s:g} s") from None
    except FramingError as e:
        raise DeliveryError(f"the answer is not MLLP: {e}") from None
    except OSError as e:
        raise DeliveryError(
            f"cannot reach {destination}: {e.strerror or type(e).__name__}"
        ) from None


def backoff(attempts: int, base_s: float, max_s: float) -> float:
    """Seconds before try number attempts + 1: base, 2 base, 4 base ... up to max."""
    return min(max_s, base_s * 2 ** min(attempts, 30))


def _now() -> datetime:
    return datetime.now(UTC)


class Sender:
    """Works the queue; `run_once` is one step (tests), `start` a daemon thread."""

    def __init__(self, options: SendOptions, now: Callable[[], datetime] = _now) -> None:
        self.options = options
        self.now = now
        self._stop = threading.Event()
        self.thread: threading.Thread | None = None

    def run_once(self) -> bool:
        """Try the next due message; True when one was tried."""
        db = open_db(self.options.db_path)
        try:
            self._check_stuck(db)
            row = queue.next_due(db, self.now())
            if row is None:
                return False
            self._try(db, row)
            return True
        finally:
            db.close()

    def _try(self, db, row: dict) -> None:
        text = row["message"]
        if text is None:
            arrival = queue.arrival_for_message(db, row["arrival_id"])
            if arrival is None:  # gone before it was ever sent (a restore): nothing to say
                queue.delivered(db, row["id"])
                log.warning("HL7 arrival %s dropped: its arrival is gone", row["control_id"])
                return
            text = arrival_message(
                arrival, row["control_id"], self.options.kind, self.options.facility, self.now()
            )
            queue.keep_message(db, row["id"], text)
        try:
            raw = exchange(
                self.options.destination,
                text.encode("utf-8"),
                self.options.ack_timeout_s,
                self.options.max_bytes,
            )
            answer = read_ack(raw)
        except (DeliveryError, ValueError) as e:
            self._failed(db, row, str(e))
            return
        if answer.control_id != row["control_id"]:
            self._failed(db, row, "the ACK answers another message (MSA-2 differs)")
        elif answer.code in ("AA", "CA"):
            queue.delivered(db, row["id"])
            log.info("HL7 arrival %s delivered", row["control_id"])
        else:
            self._failed(db, row, f"receiver answered {answer.code[:2]}: {answer.text[:200]}")

    def _failed(self, db, row: dict, error: str) -> None:
        wait = backoff(row["attempts"], self.options.retry_base_s, self.options.retry_max_s)
        queue.failed(db, row["id"], error, self.now(), wait)
        log.warning(
            "HL7 arrival %s not delivered (try %d, next in %.0f s): %s",
            row["control_id"],
            row["attempts"] + 1,
            wait,
            error,
        )

    def _check_stuck(self, db) -> None:
        status = queue.queue_status(db)
        now = self.now()
        oldest = status["oldest"]
        limit = timedelta(seconds=self.options.stuck_alert_s)
        if oldest and now - datetime.fromisoformat(oldest) > limit:
            summary = (
                f"{status['length']} arrival message(s) for the practice system waiting; "
                f"oldest since {oldest[:16].replace('T', ' ')} UTC"
            )
            data = {"length": status["length"], "last_error": status["last_error"]}
            open_or_update_alert(
                db, alert_fields("hl7_queue_stuck", STUCK_CAUSE, summary, data, at=now)
            )
        else:
            clear_alert(db, STUCK_CAUSE, now)

    def start(self) -> None:
        self.thread = threading.Thread(target=self._run, name="hl7-sender", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                tried = self.run_once()
            except Exception as e:  # noqa: BLE001 -- outlive any one bad row or locked moment
                log.error("HL7 sender step failed: %s", type(e).__name__)
                tried = False
            if not tried:
                self._stop.wait(IDLE_S)

    def stop(self) -> None:
        self._stop.set()
        if self.thread is not None:
            self.thread.join(self.options.ack_timeout_s + 5)
