"""The checks behind `kiosk doctor`: each a Check(status, name, reason) for clinic IT.

PASS is fine, WARN works but deserves a look, FAIL stops the kiosk doing its job
(`kiosk doctor` then exits non-zero). Reasons name files, devices and values.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

import requests

from hardware import devices
from kiosk import __version__
from kiosk.client import ClientError, KioskClient, NotAuthorised, Untrusted
from kiosk.controller import utcnow_iso
from kiosk.heartbeat import printer_status
from kiosk.outbox import Outbox, OutboxError
from kiosk.peer_cert import CertDates, PeerCertError, read_dates
from kiosk.printing import open_configured_printer
from kiosk.speech.check import headphones_check, speech_checks
from seen.cert_expiry import expires_soon, expiry_words
from seen.settings import ConfigError
from seen.vocabulary import PRINTER_STATES, printable

CLOCK_WARN_S, CLOCK_FAIL_S = 10, 120  # receipts print kiosk time; the server keeps its own
DISK_WARN_MB, DISK_FAIL_MB = 500, 50


class Check(NamedTuple):
    """One line of the doctor's report."""

    status: str  # PASS, WARN or FAIL
    name: str
    reason: str

    @property
    def ok(self) -> bool:
        return self.status != "FAIL"


def _pass(name: str, reason: str) -> Check:
    return Check("PASS", name, reason)


def _fail(name: str, reason: str) -> Check:
    return Check("FAIL", name, reason)


def run_checks(
    load: Callable,
    test_slip: bool = False,
    root: str | Path = "/",
    environ: Mapping[str, str] = os.environ,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    speech: bool = False,
) -> Iterator[Check]:
    """Every check in order; `speech` adds the voice and the sound card (`kiosk doctor`
    does: it speaks a test phrase on the headphones)."""
    try:
        config = load()
    except ConfigError as e:
        yield _fail("config", str(e))
        return
    yield _pass("config", f"{config.source} loaded")
    client = KioskClient(config.server_url, config.token, ca_file=config.ca_file)
    server_up = False
    try:
        client.healthz()
        tls = " over verified TLS" if config.server_url.startswith("https:") else ""
        yield _pass("server", f"{config.server_url} answers /healthz{tls}")
        server_up = True
        yield readyz_check(client)
    except Untrusted as e:
        yield _fail("server", f"refusing an unverified server: {e}")
    except ClientError as e:
        yield _fail("server", str(e))
    dates = None
    if server_up and config.server_url.startswith("https:"):
        try:
            dates = read_dates(config.server_url, config.ca_file, client.timeout)
        except PeerCertError:
            dates = None  # it answered /healthz a moment ago: say what is known
    yield tls_check(config.server_url, config.ca_file, dates, now())
    state, detail, printer_check = _printer(config, test_slip)
    if server_up:
        check, answer = _token_check(client, state, detail, config)
        yield check
        if answer is not None:
            yield clock_check(answer.get("server_time"), now())
    yield printer_check
    yield display_check(root, environ, config.require_display)
    yield touch_check(root, config.require_touch)
    yield disk_check(config.outbox_path)
    yield _outbox_check(config.outbox_path)
    if speech:
        for status, name, reason in speech_checks(config, root):
            yield Check(status, name, reason)
        yield Check(*headphones_check(config, root))


# -- printer -------------------------------------------------------------------------

TEST_SLIP_LINES = ("Seen printer test", "Ticket 000", "Zoë O'Brien-Núñez, Łukasz, Siobhán")
TEST_SLIP_IMAGE_LINE = "Image: 王小明 김민준 田中"


def test_slip_bytes(config, when: datetime) -> bytes:
    """A short slip with accented names, then one line per code page the profile claims
    (letters only that page has), so clinic IT sees on paper which pages really work."""
    from hardware.escpos import Line, encode, get_profile, page_samples

    lines = [
        Line(TEST_SLIP_LINES[0], bold=True, align="center"),
        Line(config.clinic_name, align="center"),
        Line(TEST_SLIP_LINES[1], double=True, align="center"),
        Line(TEST_SLIP_LINES[2]),
        Line(f"{when:%Y-%m-%d %H:%M} - profile {config.printer_profile}"),
        Line("Code pages (ESC t n): letters should match"),
    ]
    for number, codec, sample in page_samples(get_profile(config.printer_profile)):
        lines.append(Line(f"{number:>2} {codec}: {sample}", page=number))
    lines.append(Line(TEST_SLIP_IMAGE_LINE))  # no page has these: drawn as an image
    return encode(lines, profile=config.printer_profile, width=config.printer_width or None)


def _printer(config, test_slip: bool) -> tuple[str, str, Check]:
    """(state, detail) for the heartbeat, and the printer's line of the report."""
    printer = None
    try:
        printer = open_configured_printer(config)
        state, detail = printer_status(printer)
        slip = ""
        if test_slip and printable(state):
            printer.print_bytes(test_slip_bytes(config, datetime.now().astimezone()))
            state, detail = printer_status(printer)  # the slip may have emptied the roll
            slip = "; test slip sent" if printable(state) else "; test slip may be incomplete"
        elif test_slip and state != "none":
            slip = "; no test slip: the printer cannot print now"
    except Exception as e:  # noqa: BLE001 - a bad printer setting is a FAIL line, not a crash
        return "error", str(e), _fail("printer", f"{config.printer}: {e}")
    finally:
        if printer is not None:
            printer.close()
    if "exclusively lock" in detail:
        detail = "in use by another program (is seen-kiosk running? stop it first)"
    words = f"{config.printer}: {state}" + (f" ({detail})" if detail else "") + slip
    known = PRINTER_STATES.get(state)
    if known is None or "incomplete" in slip:
        return state, detail, _fail("printer", words)
    if state == "no_status":  # it prints, but nobody will hear of paper out
        words += '; set printer_status = "dle_eot" if this printer should answer status'
        return state, detail, Check("WARN", "printer", words)
    if not known.needs_attention:
        return state, detail, _pass("printer", words)
    if known.prints:  # paper nearly out: it works, but deserves a look
        return state, detail, Check("WARN", "printer", words)
    return state, detail, _fail("printer", words)


# -- server --------------------------------------------------------------------------


def _token_check(client: KioskClient, state: str, detail: str, config) -> tuple[Check, dict | None]:
    if not config.token:
        return _fail("token", f"{config.source}: token is empty"), None
    try:
        answer = client.heartbeat(utcnow_iso(), __version__, state, detail)
    except NotAuthorised as e:
        return _fail("token", f"the server refuses this kiosk's token: {e.detail}"), None
    except ClientError as e:
        return _fail("token", f"heartbeat failed: {e}"), None
    return _pass("token", "accepted (heartbeat sent)"), answer


def readyz_check(client: KioskClient) -> Check:
    """Can the server's database take a write? /healthz only says the process answers."""
    try:
        response = requests.get(
            client.base_url + "/readyz", timeout=client.timeout, verify=client.verify
        )
    except requests.RequestException as e:
        return _fail("readyz", f"{client.base_url}/readyz: no answer ({type(e).__name__})")
    if response.status_code == 404:  # a server from before /readyz (issue 16)
        return Check("WARN", "readyz", "this server has no /readyz (upgrade the staff console)")
    # Escaped and cut short: the reason goes to clinic IT's terminal as it came.
    reason = response.text[:200].encode("unicode_escape").decode("ascii") or "(no reason)"
    if response.status_code == 200:
        return _pass("readyz", "the server's database takes writes")
    if response.status_code == 503:
        return _fail("readyz", f"the server cannot save check-ins: {reason}")
    return _fail("readyz", f"/readyz answered {response.status_code}: {reason}")


def tls_check(
    server_url: str, ca_file: str, dates: CertDates | None = None, now: datetime | None = None
) -> Check:
    """Pure: is what goes over the network (names, dates of birth) encrypted, and for how
    long yet? dates: the ends of the server's certificate and of ca_file's CAs, if read."""
    if server_url.startswith("https:"):
        against = f"ca_file {ca_file}" if ca_file else "the system's CAs"
        words = f"https, the server's certificate checked against {against}"
        if dates is None or now is None:
            return _pass("tls", words)
        soon = []
        if expires_soon(dates.server_not_after, now):
            soon.append(
                expiry_words("the server's certificate", dates.server_not_after, now)
                + " (renew it on the server: staffconsole tls renew; this kiosk needs nothing)"
            )
        for name, end in dates.ca_not_after:
            if expires_soon(end, now):
                soon.append(
                    expiry_words(f"the clinic CA {name!r} in ca_file", end, now)
                    + " (make a new CA on the server and copy its ca.pem to every kiosk)"
                )
        if soon:
            return Check(
                "WARN",
                "tls",
                f"{words}; " + "; ".join(soon) + "; from that day this kiosk refuses the server",
            )
        return _pass("tls", f"{words}; valid until {dates.server_not_after:%Y-%m-%d}")
    unused = f"; ca_file {ca_file} is not used over http" if ca_file else ""
    return Check(
        "WARN",
        "tls",
        "server_url is http: patients' names and dates of birth cross "
        "the network unencrypted (see docs/install-raspberry-pi.md, HTTPS)" + unused,
    )


def clock_check(server_time, now: datetime) -> Check:
    """Pure: compare this machine's UTC clock with the server_time of a heartbeat answer."""
    try:
        server = datetime.fromisoformat(str(server_time))
        skew = (now - server).total_seconds()
    except (TypeError, ValueError):
        return Check("WARN", "clock", f"the server sent no usable server_time ({server_time!r})")
    words = f"{abs(skew):.1f} s {'ahead of' if skew > 0 else 'behind'} the server"
    if abs(skew) > CLOCK_FAIL_S:
        return _fail("clock", words + " (is NTP running? `timedatectl`)")
    if abs(skew) > CLOCK_WARN_S:
        return Check("WARN", "clock", words)
    return _pass("clock", words)


# -- this machine ----------------------------------------------------------------------


def _missing(name: str, words: str, required: bool, setting: str) -> Check:
    if required:
        return _fail(name, f"{words} ({setting} = true)")
    return Check("WARN", name, f"{words} (set {setting} = true to make this a failure)")


def display_check(root, environ: Mapping[str, str], required: bool) -> Check:
    for variable in ("WAYLAND_DISPLAY", "DISPLAY"):
        if environ.get(variable):
            return _pass("display", f"{variable}={environ[variable]}")
    connected = devices.connected_displays(root)
    if connected:
        return _pass("display", "connected: " + ", ".join(connected) + " (KMS/DRM)")
    return _missing(
        "display",
        "no connected screen in /sys/class/drm and no DISPLAY",
        required,
        "require_display",
    )


def touch_check(root, required: bool) -> Check:
    found = devices.input_devices(root)
    if found is None:
        return _missing("touch", "cannot read /proc/bus/input/devices", required, "require_touch")
    touch = [d.name for d in found if d.is_touchscreen]
    keyboards = sum(1 for d in found if d.is_keyboard and not d.is_touchscreen)
    extra = f"; {keyboards} keyboard(s) or barcode scanner(s)"
    if not touch:
        return _missing(
            "touch", "no touch panel among the input devices" + extra, required, "require_touch"
        )
    paths = devices.input_paths(root)
    by_path = f"; /dev/input/by-path: {', '.join(paths)}" if paths else ""
    return _pass("touch", ", ".join(touch) + extra + by_path)


def disk_check(outbox_path: str) -> Check:
    try:
        folder, free = devices.free_bytes(outbox_path)
    except OSError as e:
        return _fail("disk", f"{outbox_path}: {e.strerror or e}")
    mb = free // (1024 * 1024)
    words = f"{folder}: {mb} MB free"
    if mb < DISK_FAIL_MB:
        return _fail("disk", words + f" (under {DISK_FAIL_MB} MB: events may not be kept)")
    if mb < DISK_WARN_MB:
        return Check("WARN", "disk", words)
    return _pass("disk", words)


def _outbox_check(path: str) -> Check:
    if not Path(path).exists():
        return _pass("outbox", f"{path}: not created yet")
    try:
        box = Outbox(path)
    except OutboxError as e:
        return _fail("outbox", str(e))
    try:
        waiting, held = box.unsent_count(), box.held()
    finally:
        box.close()
    if held:
        reasons = "; ".join(f"{event_id}: {reason}" for event_id, reason in held[:3])
        return _fail("outbox", f"{path}: {len(held)} event(s) refused by the server ({reasons})")
    return _pass("outbox", f"{path}: {waiting} event(s) waiting to be sent")
