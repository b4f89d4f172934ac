"""The checks behind `kiosk doctor`: each gives (passed, name, reason) for clinic IT."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from kiosk import __version__
from kiosk.client import ClientError, KioskClient, NotAuthorised
from kiosk.config import ConfigError
from kiosk.controller import utcnow_iso
from kiosk.heartbeat import printer_status
from kiosk.outbox import Outbox, OutboxError

PRINTER_OK = ("ok", "none", "paper_near_end")


def run_checks(load: Callable) -> Iterator[tuple[bool, str, str]]:
    try:
        config = load()
    except ConfigError as e:
        yield False, "config", str(e)
        return
    yield True, "config", f"{config.source} loaded"
    client = KioskClient(config.server_url, config.token)
    try:
        client.healthz()
        yield True, "server", f"{config.server_url} answers /healthz"
        server_up = True
    except ClientError as e:
        yield False, "server", str(e)
        server_up = False
    printer, state, detail = None, "error", ""
    try:
        from hardware.printer import open_printer

        printer = open_printer(config.printer, baudrate=config.printer_baudrate)
        state, detail = printer_status(printer)
    except Exception as e:  # noqa: BLE001 - a bad printer setting is a FAIL line, not a crash
        detail = str(e)
    finally:
        if printer is not None:
            printer.close()
    if server_up:
        yield _token_check(client, state, detail, config)
    words = f"{config.printer}: {state}" + (f" ({detail})" if detail else "")
    yield state in PRINTER_OK, "printer", words
    yield _outbox_check(config.outbox_path)


def _outbox_check(path: str) -> tuple[bool, str, str]:
    if not Path(path).exists():
        return True, "outbox", f"{path}: not created yet"
    try:
        box = Outbox(path)
    except OutboxError as e:
        return False, "outbox", str(e)
    try:
        waiting, held = box.unsent_count(), box.held()
    finally:
        box.close()
    if held:
        reasons = "; ".join(f"{event_id}: {reason}" for event_id, reason in held[:3])
        return False, "outbox", f"{path}: {len(held)} event(s) refused by the server ({reasons})"
    return True, "outbox", f"{path}: {waiting} event(s) waiting to be sent"


def _token_check(client: KioskClient, state: str, detail: str, config) -> tuple[bool, str, str]:
    if not config.token:
        return False, "token", f"{config.source}: token is empty"
    try:
        client.heartbeat(utcnow_iso(), __version__, state, detail)
    except NotAuthorised as e:
        return False, "token", f"the server refuses this kiosk's token: {e.detail}"
    except ClientError as e:
        return False, "token", f"heartbeat failed: {e}"
    return True, "token", "accepted (heartbeat sent)"
