"""`kiosk doctor`'s checks: against the simulated printer on a real pty and a real HTTP
server we own (FakeConsole), with fault after fault; the device probes read a machine
tree written by the test. Process-level runs against uvicorn are in test_cli.py."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from support import free_port, wait_for

from hardware import devices
from hardware.decode import decode
from hardware.printer import SerialPrinter
from hardware.simulator import SimulatedPrinter
from kiosk.config import load_config
from kiosk.doctor import clock_check, disk_check, display_check, run_checks, touch_check

# /proc/bus/input/devices on a 64-bit Pi with the official touch display and a USB scanner.
TOUCH_BLOCK = """I: Bus=0000 Vendor=0000 Product=0000 Version=0000
N: Name="raspberrypi-ts"
P: Phys=raspberrypi-ts/input0
H: Handlers=mouse0 event0
B: PROP=2
B: EV=b
B: KEY=400 0 0 0 0 0
B: ABS=260800000000003
"""
SCANNER_BLOCK = """I: Bus=0003 Vendor=0c2e Product=0b61 Version=0111
N: Name="Honeywell Imaging & Mobility 1900"
H: Handlers=sysrq kbd leds event1
B: EV=120013
B: KEY=1000000000007 ff9f207ac14057ff febeffdfffefffff fffffffffffffffe
"""
HDMI_CEC_BLOCK = """I: Bus=0000 Vendor=0000 Product=0000 Version=0000
N: Name="vc4-hdmi-0"
H: Handlers=event2
B: EV=100013
B: KEY=400 0 0 0 0 0 0 0 0 0
"""


def machine(tmp_path, blocks=(), drm=(), by_path=()):
    """A root directory with the kernel files the probes read."""
    root = tmp_path / "root"
    (root / "proc/bus/input").mkdir(parents=True)
    (root / "proc/bus/input/devices").write_text("\n".join(blocks))
    for name, status in drm:
        (root / "sys/class/drm" / name).mkdir(parents=True)
        (root / "sys/class/drm" / name / "status").write_text(status + "\n")
    for name in by_path:
        (root / "dev/input/by-path").mkdir(parents=True, exist_ok=True)
        (root / "dev/input/by-path" / name).write_text("")
    return root


# -- pure parts --------------------------------------------------------------------------


def test_input_devices_are_told_apart():
    found = devices.parse_input_devices(
        f"{TOUCH_BLOCK}\n{SCANNER_BLOCK}\n{HDMI_CEC_BLOCK}", long_bits=64
    )
    assert [(d.name, d.is_touchscreen, d.is_keyboard) for d in found] == [
        ("raspberrypi-ts", True, False),
        ("Honeywell Imaging & Mobility 1900", False, True),
        ("vc4-hdmi-0", False, False),
    ]
    assert found[0].handlers == ("mouse0", "event0")


def test_bitmaps_follow_the_kernels_word_size():
    # A 32-bit kernel prints the same touch panel's ABS bits as two words.
    assert devices.parse_bitmap("2608000 3", long_bits=32) == devices.parse_bitmap(
        "260800000000003", long_bits=64
    )


@pytest.mark.parametrize(("offset_s", "status"), [(0.4, "PASS"), (-30, "WARN"), (600, "FAIL")])
def test_clock_skew(offset_s, status):
    server = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
    check = clock_check(server.isoformat(), server + timedelta(seconds=offset_s))
    assert check.status == status and check.name == "clock"
    assert f"{abs(offset_s):.1f} s" in check.reason


def test_clock_without_a_server_time_warns():
    assert clock_check(None, datetime.now(UTC)).status == "WARN"


# -- this machine, from a written tree ---------------------------------------------------


def test_touch_panel_and_scanner_found(tmp_path):
    root = machine(tmp_path, [TOUCH_BLOCK, SCANNER_BLOCK], by_path=["platform-3f204000.spi-event"])
    check = touch_check(root, required=True)
    assert check.status == "PASS"
    assert check.reason.startswith("raspberrypi-ts; 1 keyboard(s) or barcode scanner(s)")
    assert "platform-3f204000.spi-event" in check.reason


def test_no_touch_panel_warns_unless_required(tmp_path):
    root = machine(tmp_path, [SCANNER_BLOCK])
    assert touch_check(root, required=False).status == "WARN"
    failed = touch_check(root, required=True)
    assert failed.status == "FAIL" and "require_touch = true" in failed.reason
    assert touch_check(tmp_path / "nowhere", required=False).status == "WARN"


def test_display_from_drm_connectors_or_the_environment(tmp_path):
    root = machine(tmp_path, drm=[("card1-HDMI-A-1", "disconnected"), ("card1-DSI-1", "connected")])
    check = display_check(root, {}, required=True)
    assert check.status == "PASS" and check.reason == "connected: card1-DSI-1 (KMS/DRM)"
    assert display_check(tmp_path / "nowhere", {"DISPLAY": ":99"}, True).status == "PASS"
    missing = display_check(tmp_path / "nowhere", {}, required=True)
    assert missing.status == "FAIL" and "require_display = true" in missing.reason


def test_disk_check_measures_the_outbox_folder(tmp_path):
    check = disk_check(str(tmp_path / "not-yet" / "outbox.db"))
    assert check.name == "disk" and str(tmp_path) in check.reason and "MB free" in check.reason


# -- the whole doctor against the simulator and a server we own ----------------------------


@pytest.fixture
def sim():
    with SimulatedPrinter() as printer:
        yield printer


def doctor(tmp_path, url, printer="none", extra="", test_slip=False, root=None):
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f'[kiosk]\nserver_url = "{url}"\ntoken = "t0ken"\nprinter = "{printer}"\n'
        f'clinic_name = "Clínica Añil"\n{extra}',
        encoding="utf-8",
    )
    root = root or machine(tmp_path, [TOUCH_BLOCK], drm=[("card1-DSI-1", "connected")])
    return {
        c.name: c
        for c in run_checks(
            lambda: load_config(path, environ={}), test_slip=test_slip, root=root, environ={}
        )
    }


def test_all_pass_with_a_good_printer_and_server(tmp_path, sim, fake_console):
    checks = doctor(tmp_path, fake_console.url, sim.port)
    assert list(checks) == [
        "config",
        "server",
        "readyz",
        "tls",
        "token",
        "clock",
        "printer",
        "display",
        "touch",
        "disk",
        "outbox",
    ]
    assert checks["tls"].status == "WARN" and "unencrypted" in checks["tls"].reason
    assert checks["printer"] == ("PASS", "printer", f"{sim.port}: ok (ready)")
    assert checks["token"].status == "PASS"
    # The fake answers a fixed server_time, long ago: the skew check really compares.
    assert checks["clock"].status == "FAIL" and "ahead of the server" in checks["clock"].reason
    heartbeat = [body for call, body, _ in fake_console.requests if call == "heartbeat"]
    assert heartbeat[0]["printer"] == {"state": "ok", "detail": "ready"}
    assert sim.text() == ""  # no slip unless asked


@pytest.mark.parametrize(
    ("state", "words"),
    [
        ("paper_out", "paper_out (paper roll is empty)"),
        ("cover_open", "cover_open (printer cover is open)"),
        ("offline", "offline (printer "),
        ("error", "error (printer reports autocutter error)"),
    ],
)
def test_printer_faults_fail_with_the_state(tmp_path, sim, fake_console, state, words):
    sim.set_state(state)
    # dle_eot: silence is offline (auto would take a never-answering printer as status-less)
    checks = doctor(tmp_path, fake_console.url, sim.port, extra='printer_status = "dle_eot"\n')
    assert checks["printer"].status == "FAIL"
    assert checks["printer"].reason.startswith(f"{sim.port}: {words}")


@pytest.mark.parametrize("mode", ["auto", "none"])
def test_a_printer_without_status_warns_and_still_gets_the_test_slip(
    tmp_path, sim, fake_console, mode
):
    sim.set_state("offline")  # answers nothing, prints everything
    extra = f'printer_status = "{mode}"\n'
    check = doctor(tmp_path, fake_console.url, sim.port, extra=extra, test_slip=True)["printer"]
    assert check.status == "WARN" and f"{sim.port}: no_status" in check.reason
    assert "test slip sent" in check.reason and 'printer_status = "dle_eot"' in check.reason
    wait_for(lambda: sim.cuts == 1, timeout=5, what="the test slip's cut")


def test_paper_near_end_warns(tmp_path, sim, fake_console):
    sim.set_state("paper_near_end")
    assert doctor(tmp_path, fake_console.url, sim.port)["printer"].status == "WARN"


def test_an_unplugged_printer_fails_naming_the_device(tmp_path, sim, fake_console):
    sim.unplug()
    check = doctor(tmp_path, fake_console.url, sim.port)["printer"]
    assert check.status == "FAIL"
    assert check.reason.startswith(f"{sim.port}: disconnected (cannot open printer {sim.port}")


@pytest.mark.e2e  # pyusb finds the system's libusb through ctypes, which runs ldconfig
def test_an_absent_raw_usb_printer_fails_naming_the_url(tmp_path, fake_console):
    url = "usb://ffff:fffe?serial=NONE1"
    check = doctor(tmp_path, fake_console.url, url)["printer"]
    assert check.status == "FAIL"
    assert check.reason.startswith(
        f"{url}: disconnected (cannot open printer {url}: no USB device ffff:fffe with "
        "serial NONE1 is connected"
    )


def test_test_slip_prints_accents_in_the_right_code_page(tmp_path, sim, fake_console):
    checks = doctor(tmp_path, fake_console.url, sim.port, test_slip=True)
    assert checks["printer"].status == "PASS" and checks["printer"].reason.endswith(
        "; test slip sent"
    )
    text = sim.text()
    assert "Seen printer test" in text and "Clínica Añil" in text
    assert "Zoë O'Brien-Núñez, Łukasz, Siobhán" in text
    assert sim.cuts == 1


def test_test_slip_has_a_line_per_code_page_in_that_page(tmp_path, sim, fake_console):
    from hardware.escpos import PROFILES, page_samples

    doctor(tmp_path, fake_console.url, sim.port, test_slip=True)
    wait_for(lambda: sim.cuts == 1, timeout=5, what="the test slip's cut")
    text, received = sim.text(), sim.received
    samples = page_samples(PROFILES["epson"])
    assert len(samples) == len(PROFILES["epson"].pages) > 20
    for number, codec, sample in samples:
        assert sample, codec  # every page has letters to show
        line = f"{number:>2} {codec}: {sample}"
        assert line + "\n" in text  # read back by the independent decoder
        # Printed in its own page: ESC t number right before the line's bytes.
        assert b"\x1b\x74" + bytes([number]) + line.encode(codec) in received
    assert "Image: 王小明 김민준 田中\n" in text and len(decode(sim.received).images) == 1


def test_no_test_slip_on_a_printer_out_of_paper(tmp_path, sim, fake_console):
    sim.set_state("paper_out")
    check = doctor(tmp_path, fake_console.url, sim.port, test_slip=True)["printer"]
    assert check.status == "FAIL" and "no test slip" in check.reason and sim.text() == ""


def test_server_down_skips_token_and_clock(tmp_path):
    checks = doctor(tmp_path, f"http://127.0.0.1:{free_port()}")
    assert checks["server"].status == "FAIL" and "token" not in checks and "clock" not in checks


def test_required_touch_and_display_fail_on_a_bare_machine(tmp_path, fake_console):
    checks = doctor(
        tmp_path,
        fake_console.url,
        extra="require_touch = true\nrequire_display = true\n",
        root=machine(tmp_path, [SCANNER_BLOCK]),
    )
    assert checks["touch"].status == "FAIL" and checks["display"].status == "FAIL"


def test_a_printer_held_by_the_running_kiosk_is_named_as_such(tmp_path, sim, fake_console):
    kiosk = SerialPrinter(sim.port)  # the kiosk app has the port open
    try:
        check = doctor(tmp_path, fake_console.url, sim.port)["printer"]
    finally:
        kiosk.close()
    words = "in use by another program (is seen-kiosk running? stop it first)"
    assert check == ("FAIL", "printer", f"{sim.port}: disconnected ({words})")


@pytest.mark.e2e
def test_the_command_prints_a_test_slip_when_asked(tmp_path, sim, fake_console):
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f'[kiosk]\nserver_url = "{fake_console.url}"\ntoken = "t"\nprinter = "{sim.port}"\n'
    )
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SEEN_KIOSK")}
    proc = subprocess.run(
        [sys.executable, "-m", "kiosk", "doctor", "--config", str(path), "--test-slip"],
        capture_output=True,
        text=True,
        timeout=60,
        env=environ,
        check=False,
    )
    assert f"PASS printer: {sim.port}: ok (ready); test slip sent" in proc.stdout, proc.stdout
    assert "Seen printer test" in sim.text() and sim.cuts == 1
