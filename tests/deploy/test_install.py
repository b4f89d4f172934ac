"""deploy/raspberry-pi/install.sh run for real into a temporary root: the files it writes,
their permissions and contents, the system changes it only logs, and the systemd units
checked twice - by systemd-analyze verify and by our own reading of them."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
from support import REPO

from kiosk.config import KIOSK, SETTINGS, load_config
from staffconsole.config import SERVER, load_settings
from staffconsole.store.schema import ensure_schema, open_db

pytestmark = pytest.mark.e2e

SCRIPT = REPO / "deploy" / "raspberry-pi" / "install.sh"


def install(
    root: Path, *args: str, check: bool = True, env: dict | None = None
) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        ["bash", str(SCRIPT), "--root", str(root), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, **(env or {})},
    )
    if check:
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def read_unit(path: Path) -> dict[str, list[tuple[str, str]]]:
    """A systemd unit as {section: [(key, value), ...]}: keys may repeat, order is kept."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current = None
    for number, raw in enumerate(path.read_text().splitlines(), 1):
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
            continue
        key, sep, value = line.partition("=")
        assert sep and current is not None and re.fullmatch(r"[A-Za-z]+", key), (
            f"{path.name}:{number}: not a Key=value line in a section: {raw!r}"
        )
        current.append((key, value))
    return sections


def values(unit, section, key):
    return [v for k, v in unit[section] if k == key]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(root, what the script printed) for one install of both roles."""
    root = tmp_path_factory.mktemp("pi-root")
    return root, install(root, "--role", "both", "--printer-usb", "067B:2303").stdout


@pytest.fixture
def root(installed):
    return installed[0]


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_files_and_permissions(root):
    assert {str(p.relative_to(root)): oct(mode(p)) for p in root.rglob("*") if p.is_file()} == {
        "etc/seen/kiosk.toml": "0o640",
        "etc/seen/server.toml": "0o640",
        "etc/udev/rules.d/99-seen-printer.rules": "0o644",
        "etc/systemd/system/seen-kiosk.service": "0o644",
        "etc/systemd/system/seen-console.service": "0o644",
        "etc/systemd/system/seen-backup.service": "0o644",
        "etc/systemd/system/seen-backup.timer": "0o644",
        "var/lib/seen/kivy/config.ini": "0o644",
        "opt/seen/docs/install-raspberry-pi.md": "0o644",
    }
    assert mode(root / "var/lib/seen") == 0o750 and mode(root / "etc/seen") == 0o755
    assert mode(root / "var/backups/seen") == 0o700  # backups hold patients' names


def test_system_changes_are_logged_not_made(installed):
    root, log = installed
    assert (
        "would run: useradd --system --user-group --home-dir /var/lib/seen --shell "
        "/usr/sbin/nologin seen" in log
    )
    assert "would run: usermod -a -G video,render,input,dialout,audio seen" in log
    # The code: a new venv, the role's locked dependencies (hashes checked), the package.
    venv = re.search(r"would run: python3 -m venv (/opt/seen/venvs/\d{8}T\d{6})\n", log)
    assert venv, log
    pip = f"would run: {venv[1]}/bin/pip install --quiet"
    assert f"{pip} --require-hashes --no-deps -r {REPO}/deploy/locks/both.txt" in log
    assert f"{pip} --no-deps {REPO}\n" in log
    assert f"would point /opt/seen/venv at {venv[1].removeprefix('/opt/seen/')}" in log
    assert "would run: chown root:seen " + str(root / "etc/seen/kiosk.toml") in log
    for step in (
        "systemctl enable seen-kiosk.service",
        "systemctl enable seen-console.service",
        "systemctl enable seen-backup.timer",
        "systemctl disable getty@tty1.service",
        "systemctl set-default multi-user.target",
        "udevadm control --reload-rules",
        "apt-get update",
    ):
        assert "would run: " + step in log
    assert "running:" not in log


def test_kiosk_unit(root):
    unit = read_unit(root / "etc/systemd/system/seen-kiosk.service")
    service = dict(unit["Service"])
    assert service["Type"] == "notify" and service["Restart"] == "always"
    assert service["WatchdogSec"] == "30" and service["User"] == "seen"
    groups = ["video", "render", "input", "dialout", "audio"]
    assert service["SupplementaryGroups"].split() == groups
    assert service["ExecStart"] == "/opt/seen/venv/bin/kiosk run --config /etc/seen/kiosk.toml"
    env = dict(v.split("=", 1) for v in values(unit, "Service", "Environment"))
    assert env["SDL_VIDEODRIVER"] == "kmsdrm" and env["KIVY_HOME"] == "/var/lib/seen/kivy"
    assert env["KIVY_GL_BACKEND"] == "sdl2" and env["SEEN_KIOSK_CONFIG"] == "/etc/seen/kiosk.toml"
    assert dict(unit["Unit"])["StartLimitIntervalSec"] == "0"
    assert values(unit, "Unit", "Conflicts") == ["getty@tty1.service"]
    assert values(unit, "Install", "WantedBy") == ["multi-user.target"]
    for name in ("seen-kiosk.service", "seen-console.service"):
        text = (root / "etc/systemd/system" / name).read_text()
        assert not re.search(r"@[A-Z]+@", text), f"{name}: a template word was not filled in"


def test_console_unit(root):
    unit = read_unit(root / "etc/systemd/system/seen-console.service")
    service = dict(unit["Service"])
    assert service["ExecStart"] == (
        "/opt/seen/venv/bin/staffconsole serve --config /etc/seen/server.toml"
    )
    assert service["User"] == "seen" and service["ReadWritePaths"] == "/var/lib/seen"
    assert service["LimitNOFILE"] == "8192"  # a connection is a file (docs/security.md)


def test_units_pass_systemd_analyze_verify(root, tmp_path):
    if not shutil.which("systemd-analyze"):
        pytest.fail("systemd-analyze is missing: run `make test` (installs systemd)")
    # verify checks that ExecStart exists: point it at stand-ins in the temporary root.
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    for name in ("kiosk", "staffconsole"):
        (fake_bin / name).write_text("#!/bin/sh\n")
        (fake_bin / name).chmod(0o755)
    for unit in ("seen-kiosk.service", "seen-console.service", "seen-backup.service"):
        text = (root / "etc/systemd/system" / unit).read_text()
        (tmp_path / unit).write_text(text.replace("/opt/seen/venv/bin", str(fake_bin)))
    # The timer is verified beside the service it starts.
    (tmp_path / "seen-backup.timer").write_text(
        (root / "etc/systemd/system/seen-backup.timer").read_text()
    )
    for unit in (
        "seen-kiosk.service",
        "seen-console.service",
        "seen-backup.service",
        "seen-backup.timer",
    ):
        proc = subprocess.run(
            ["systemd-analyze", "verify", str(tmp_path / unit)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert proc.returncode == 0 and proc.stderr.strip() == "", (unit, proc.stderr)


# systemd-analyze security's exposure (0 safe … 10 exposed): the targets.
EXPOSURE_LIMITS = {
    "seen-console.service": 4.0,
    "seen-kiosk.service": 5.0,
    "seen-backup.service": 4.0,
}


def test_units_are_hardened(root, tmp_path):
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    for name in ("kiosk", "staffconsole"):
        (fake_bin / name).write_text("#!/bin/sh\n")
        (fake_bin / name).chmod(0o755)
    for unit, limit in EXPOSURE_LIMITS.items():
        text = (root / "etc/systemd/system" / unit).read_text()
        (tmp_path / unit).write_text(text.replace("/opt/seen/venv/bin", str(fake_bin)))
        proc = subprocess.run(
            ["systemd-analyze", "security", "--offline=true", "--no-pager", str(tmp_path / unit)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        found = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", proc.stdout)
        assert found, (unit, proc.stdout[-500:], proc.stderr)
        assert float(found.group(1)) <= limit, (unit, found.group(1), proc.stdout)


def test_the_kiosk_unit_keeps_its_devices(root):
    """No device allow-list on the kiosk (ProtectClock= would imply one): it needs the
    screen, GPU, touch panel and printer."""
    service = dict(read_unit(root / "etc/systemd/system/seen-kiosk.service")["Service"])
    assert "DeviceAllow" not in service and "ProtectClock" not in service
    assert "PrivateDevices" not in service and "AF_NETLINK" in service["RestrictAddressFamilies"]


def test_nightly_backup_timer(root):
    timer = read_unit(root / "etc/systemd/system/seen-backup.timer")
    assert values(timer, "Timer", "OnCalendar") == ["*-*-* 02:30:00"]
    assert values(timer, "Timer", "Persistent") == ["true"]
    assert values(timer, "Install", "WantedBy") == ["timers.target"]
    service = dict(read_unit(root / "etc/systemd/system/seen-backup.service")["Service"])
    assert service["Type"] == "oneshot" and service["User"] == "seen"
    assert service["ReadWritePaths"].split() == ["/var/lib/seen", "/var/backups/seen"]
    assert service["ExecStart"] == (
        "/opt/seen/venv/bin/staffconsole backup /var/backups/seen --keep 14 "
        "--config /etc/seen/server.toml"
    )


def test_the_backup_units_command_makes_and_prunes_backups(root, tmp_path):
    """The timer's command line, run for real (paths moved into tmp) on a real database."""
    service = dict(read_unit(root / "etc/systemd/system/seen-backup.service")["Service"])
    db, backups = tmp_path / "seen.db", tmp_path / "backups"
    backups.mkdir()
    ensure_schema(open_db(db))
    config = tmp_path / "server.toml"
    config.write_text(f'[server]\ndb_path = "{db}"\n')
    words = service["ExecStart"].split()
    words[0] = str(Path(sys.executable).with_name("staffconsole"))
    words = [str(backups) if w == "/var/backups/seen" else w for w in words]
    words = [str(config) if w == "/etc/seen/server.toml" else w for w in words]
    words[words.index("14")] = "2"  # three nights, two kept
    for _ in range(3):
        proc = subprocess.run(words, capture_output=True, text=True, timeout=60, check=False)
        assert proc.returncode == 0, proc.stderr
        time.sleep(1.1)  # backups are named by the second
    assert len(list(backups.glob("seen-*.db"))) == 2


def test_a_32_bit_system_cannot_become_a_kiosk(tmp_path):
    proc = install(
        tmp_path / "k", "--role", "kiosk", check=False, env={"SEEN_INSTALL_ARCH": "armv7l"}
    )
    assert proc.returncode == 2 and "64-bit Raspberry Pi OS" in proc.stderr
    assert not (tmp_path / "k/etc").exists()  # refused before writing anything
    server = install(tmp_path / "s", "--role", "server", env={"SEEN_INSTALL_ARCH": "armv7l"})
    assert "warning: a 32-bit system (armv7l)" in server.stdout


def test_an_overlay_root_file_system_is_warned_about(tmp_path):
    mounts = tmp_path / "mounts"
    mounts.write_text(
        "proc /proc proc rw 0 0\noverlayroot / overlay rw,lowerdir=/media/root-ro 0 0\n"
    )
    proc = install(tmp_path / "r", "--role", "kiosk", env={"SEEN_INSTALL_MOUNTS": str(mounts)})
    assert "WARNING: / is an overlay file system" in proc.stdout
    mounts.write_text("/dev/mmcblk0p2 / ext4 rw,noatime 0 0\n")
    plain = install(tmp_path / "p", "--role", "kiosk", env={"SEEN_INSTALL_MOUNTS": str(mounts)})
    assert "overlay file system" not in plain.stdout


def test_apt_get_update_comes_before_install(installed):
    log = installed[1]
    assert log.index("would run: apt-get update") < log.index("would run: apt-get install")


def test_udev_rule_names_the_adapter(root):
    rule = [
        line
        for line in (root / "etc/udev/rules.d/99-seen-printer.rules").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    assert rule == [
        (
            'SUBSYSTEM=="tty", ATTRS{idVendor}=="067b", ATTRS{idProduct}=="2303", '
            'SYMLINK+="seen-printer", GROUP="dialout", MODE="0660"'
        ),
        (
            'SUBSYSTEM=="usbmisc", KERNEL=="lp[0-9]*", ATTRS{idVendor}=="067b", '
            'ATTRS{idProduct}=="2303", SYMLINK+="seen-printer", GROUP="dialout", MODE="0660"'
        ),
        (  # raw USB (usb://067b:2303): the device node libusb opens, no kernel driver
            'SUBSYSTEM=="usb", ENV{DEVTYPE}=="usb_device", ATTRS{idVendor}=="067b", '
            'ATTRS{idProduct}=="2303", GROUP="dialout", MODE="0660"'
        ),
    ]
    text = (root / "etc/udev/rules.d/99-seen-printer.rules").read_text()
    assert 'printer = "usb://067b:2303"' in text and "@" not in text


def test_the_rules_subsystems_are_triggered_and_libusb_installed(installed):
    log = installed[1]
    assert (
        "would run: udevadm trigger --subsystem-match=tty --subsystem-match=usbmisc "
        "--subsystem-match=usb" in log
    )
    install_line = next(line for line in log.splitlines() if "apt-get install" in line)
    assert " libusb-1.0-0" in install_line  # pyusb's backend for usb:// printers
    assert " espeak-ng " in install_line and " alsa-utils" in install_line  # speech mode


def test_udev_rule_pins_the_adapter_by_serial_number(tmp_path):
    install(tmp_path, "--printer-usb", "0403:6001", "--printer-serial", "A10K5XYZ")
    rules = (tmp_path / "etc/udev/rules.d/99-seen-printer.rules").read_text().splitlines()
    rules = [line for line in rules if line and not line.startswith("#")]
    assert len(rules) == 3
    for line in rules[:2]:
        assert 'ATTRS{idProduct}=="6001", ATTRS{serial}=="A10K5XYZ", SYMLINK' in line
    assert 'ATTRS{idProduct}=="6001", ATTRS{serial}=="A10K5XYZ", GROUP="dialout"' in rules[2]
    bad = install(tmp_path, "--printer-serial", 'x" RUN+="/bin/sh', check=False)
    assert bad.returncode == 2 and "--printer-serial must be" in bad.stderr


def test_config_templates_load_and_list_every_kiosk_setting(root):
    path = root / "etc/seen/kiosk.toml"
    config = load_config(path, environ={})
    assert config.printer == "/dev/seen-printer" and config.require_touch
    assert config.outbox_path == "/var/lib/seen/kiosk-outbox.db"
    text = path.read_text()
    missing = [s.name for s in SETTINGS if not re.search(rf"^#? ?{s.name} = ", text, re.MULTILINE)]
    assert missing == [], "add these settings to deploy/raspberry-pi/kiosk.toml.template"
    server = load_settings(root / "etc/seen/server.toml", environ={})
    assert server.db_path == "/var/lib/seen/seen.db" and server.host == "0.0.0.0"


@pytest.mark.parametrize("template", ["kiosk.toml.template", "server.toml.template"])
def test_commented_settings_in_the_templates_show_the_declared_default(template):
    # "Commented settings show their default": a copy that can drift, so it is checked.
    role = KIOSK if template.startswith("kiosk") else SERVER
    defaults = {s.name: s.default for s in role.settings}
    # The server's TLS lines below "# HTTPS" show what to set, not the default.
    text = (SCRIPT.parent / template).read_text().split("# HTTPS")[0]
    shown = re.findall(r"^# ?([a-z_]+ = .+)$", text, re.MULTILINE)
    commented = {k: v for line in shown for k, v in tomllib.loads(line).items() if k in defaults}
    assert commented, template
    wrong = {k: v for k, v in commented.items() if v != defaults[k] and "@" not in str(v)}
    assert wrong == {}, f"deploy/raspberry-pi/{template} comments show old defaults"


def test_a_second_run_keeps_edited_settings(tmp_path):
    install(tmp_path, "--role", "kiosk")
    edited = tmp_path / "etc/seen/kiosk.toml"
    edited.write_text('[kiosk]\ntoken = "kept"\n')
    proc = install(tmp_path, "--role", "kiosk")
    assert edited.read_text() == '[kiosk]\ntoken = "kept"\n'
    assert "kept /etc/seen/kiosk.toml" in proc.stdout
    assert not (tmp_path / "etc/systemd/system/seen-console.service").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "tablet"], "--role must be kiosk, server or both, not 'tablet'"),
        (["--printer-usb", "FTDI"], "--printer-usb must be VENDOR:PRODUCT in hex"),
        (["--user", "Bad User"], "--user 'Bad User' is not a valid user name"),
        (["--colour", "red"], "unknown option: --colour"),
    ],
)
def test_bad_options_are_refused_clearly(tmp_path, args, message):
    proc = install(tmp_path, *args, check=False)
    assert proc.returncode == 2 and message in proc.stderr
