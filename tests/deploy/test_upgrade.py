"""install.sh's code steps run for real in a --root sandbox, offline: a venv per version
built from a wheelhouse and its hashed lock, an upgrade from the previous release's
wheel to the new one (database migrated, the service restarted onto the new code,
/readyz checked), a failed upgrade that rolls back (venv, database and service), and
--uninstall. systemd is the edge we cannot have in a container: a stand-in
(systemctl_standin.py) starts and stops the units' real ExecStart in the sandbox.
Nothing downloads: the wheels are built or repacked from this machine's files."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import urllib.request
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from helpers.sandbox import SCRIPT, make_unversioned, run_install, sandbox_env, systemctl, venv
from helpers.wheels import local_wheelhouse, seen_wheel
from support import free_port, wait_for

from staffconsole.store.migrate import revision_id
from staffconsole.store.schema import SCHEMA_VERSION

pytestmark = pytest.mark.e2e

CONSOLE = "seen-console.service"
ANCHOR = "\n\n@contextmanager\ndef write("


def next_version(statement: str) -> dict:
    """Patches for a release one schema version on: its statements and its Alembic revision."""
    new, old = revision_id(SCHEMA_VERSION + 1), revision_id(SCHEMA_VERSION)
    revision = (
        f"from staffconsole.store.migrate import apply\n\nrevision = {new!r}\n"
        f"down_revision = {old!r}\n\n\ndef upgrade():\n    apply({SCHEMA_VERSION + 1})\n"
    )
    return {
        "staffconsole/store/schema.py": (
            ANCHOR,
            f"\nSCHEMA_VERSION += 1\nMIGRATIONS[SCHEMA_VERSION] = [{statement!r}]\n{ANCHOR}",
        ),
        f"staffconsole/store/migrations/versions/v{new}.py": (None, revision),
    }


# The new releases' schema: one version on, a table the previous release does not know.
SCHEMA_BUMP = next_version("CREATE TABLE upgrade_probe (id INTEGER PRIMARY KEY)")


@pytest.fixture(scope="module")
def wheels(tmp_path_factory):
    """The previous release; the new one, with a schema one version newer; and a new one
    with that schema whose /readyz never says ready (so the rollback must restore the
    database: the previous code refuses a newer schema)."""
    made = {"v0.1.0": seen_wheel(tmp_path_factory.mktemp("v0.1.0"), "v0.1.0")}
    made["v0.2.0"] = seen_wheel(tmp_path_factory.mktemp("v0.2.0"), "v0.2.0", SCHEMA_BUMP)
    made["broken"] = seen_wheel(
        tmp_path_factory.mktemp("broken"),
        "v0.3.0",
        patches={
            "staffconsole/app.py": ("reason = ready()", 'reason = "broken on purpose"'),
            **SCHEMA_BUMP,
        },
    )
    made["bad-migration"] = seen_wheel(
        tmp_path_factory.mktemp("bad-migration"),
        "v0.4.0",
        patches={
            **next_version("CREATE TABLE kiosks (id INTEGER)"),  # exists: the migration fails
        },
    )
    return made


@pytest.fixture(scope="module")
def wheelhouse(tmp_path_factory, wheels):
    """The console's dependencies and lock, and the previous release's wheel, as
    `make wheelhouse` lays them out."""
    house = local_wheelhouse(tmp_path_factory.mktemp("wheelhouse"), "console", "console")
    shutil.copy(wheels["v0.1.0"], house)
    return house


def command(root: Path, *args: str) -> str:
    """A staffconsole command of the venv in use, on the sandbox's database."""
    db = root / "var/lib/seen/seen.db"
    proc = subprocess.run(
        [str(venv(root) / "bin/staffconsole"), *args, "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=sandbox_env(),
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def served_version(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
        return json.load(answer)["version"]


def ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as answer:
            return answer.status == 200
    except OSError:
        return False


def tables(root: Path) -> set[str]:
    with sqlite3.connect(root / "var/lib/seen/seen.db") as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}


def schema_version(root: Path) -> int:
    with sqlite3.connect(root / "var/lib/seen/seen.db") as conn:
        return conn.execute("PRAGMA user_version").fetchone()[0]


@contextmanager
def serve_installed(root: Path, wheelhouse: Path, *, unversioned: bool = False):
    """A server box installed offline with the previous release (laid out as before
    versioned venvs if asked), a kiosk added, its console service started (as at boot)
    on a free port: (root, port)."""
    run_install(root, "--wheelhouse", str(wheelhouse))
    if unversioned:
        make_unversioned(root)
    port = free_port()
    (root / "etc/seen/server.toml").write_text(f'[server]\nhost = "127.0.0.1"\nport = {port}\n')
    command(root, "kiosk", "add", "Entrée Nord")
    systemctl(root, "start", CONSOLE)
    try:
        wait_for(lambda: ready(port), timeout=60, what="the installed server's /readyz")
        yield root, port
    finally:
        systemctl(root, "stop", CONSOLE)


@pytest.fixture
def serving(tmp_path, wheelhouse):
    with serve_installed(tmp_path / "pi", wheelhouse) as served:
        yield served


@pytest.fixture
def serving_unversioned(tmp_path, wheelhouse):
    with serve_installed(tmp_path / "pi", wheelhouse, unversioned=True) as served:
        yield served


def test_an_offline_install_builds_a_venv_from_the_wheelhouse_and_its_lock(tmp_path, wheelhouse):
    root = tmp_path / "pi"
    log = run_install(root, "--wheelhouse", str(wheelhouse)).stdout
    assert venv(root).is_symlink()
    target = os.readlink(venv(root))
    assert target.startswith("venvs/") and target.endswith("-0.1.0"), target
    assert command(root, "--version").strip() == "staffconsole 0.1.0"
    assert f"--no-index --find-links {wheelhouse} --require-hashes --no-deps -r " in log
    assert f"{wheelhouse}/locks/console.txt" in log
    # Every locked dependency is what the venv has, at the locked version.
    pip = subprocess.run(
        [str(venv(root) / "bin/pip"), "list", "--format=json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env=sandbox_env(PIP_CONFIG_FILE=os.devnull),
    )
    have = {p["name"].lower().replace("_", "-"): p["version"] for p in json.loads(pip.stdout)}
    for line in (wheelhouse / "locks/console.txt").read_text().splitlines():
        name, version = line.split(" ")[0].split("==")
        assert have.get(name.lower().replace("_", "-")) == version, name

    # Run again (no --upgrade): a new venv each time, the one before kept, older ones gone.
    for _ in range(2):
        again = run_install(root, "--wheelhouse", str(wheelhouse)).stdout
    assert "running services keep the old code until restarted" in again
    kept = sorted(p.name for p in (root / "opt/seen/venvs").iterdir())
    assert len(kept) == 2 and os.readlink(venv(root)) == f"venvs/{kept[-1]}"
    assert target not in [f"venvs/{name}" for name in kept]


def test_a_wheel_that_does_not_match_the_lock_is_refused(tmp_path, wheelhouse):
    tampered = tmp_path / "tampered"
    shutil.copytree(wheelhouse, tampered)
    (wheel,) = tampered.glob("tzdata-*.whl")
    with zipfile.ZipFile(wheel, "a") as archive:
        archive.writestr("tzdata/extra.txt", "not what was locked")
    proc = run_install(tmp_path / "pi", "--wheelhouse", str(tampered), check=False)
    assert proc.returncode == 2, proc.stdout
    assert "THESE PACKAGES DO NOT MATCH THE HASHES" in proc.stdout + proc.stderr
    assert "nothing was switched" in proc.stderr
    assert not venv(tmp_path / "pi").exists()
    assert list((tmp_path / "pi/opt/seen/venvs").iterdir()) == []  # the half venv is gone


def test_an_upgrade_migrates_restarts_onto_the_new_code_and_checks_readyz(
    serving_unversioned, wheels, wheelhouse
):
    # From an install made before versioned venvs: its venv is adopted as the previous
    # one; the second upgrade below goes from one versioned venv to the next.
    root, port = serving_unversioned
    assert venv(root).is_dir() and not venv(root).is_symlink()
    before = schema_version(root)
    assert served_version(port) == "0.1.0"
    (root / "systemctl.log").write_text("")
    log = run_install(
        root, "--upgrade", "--wheelhouse", str(wheelhouse), "--source", str(wheels["v0.2.0"])
    ).stdout
    new = os.readlink(venv(root))
    assert new.endswith("-0.2.0")
    [previous] = [p for p in (root / "opt/seen/venvs").iterdir() if p.name != Path(new).name]
    assert previous.name.endswith("-unversioned") and "is now /opt/seen/venvs/" in log
    assert (previous / "bin/staffconsole").is_file()  # kept for the next rollback
    assert served_version(port) == "0.2.0" and ready(port)  # restarted onto the new venv
    # Stopped for the backup and the migration, started on the new venv.
    assert (root / "systemctl.log").read_text().splitlines() == [
        f"stop {CONSOLE}",
        f"start {CONSOLE}",
    ]
    assert f"schema {before} -> {before + 1}" in log and "check-ready --wait 60" in log
    assert schema_version(root) == before + 1 and "upgrade_probe" in tables(root)
    assert list((root / "var/backups/seen").glob("before-upgrade-*.db"))
    assert "Entrée Nord" in command(root, "kiosk", "list")  # the data came along
    assert command(root, "--version").strip() == "staffconsole 0.2.0"

    # The same version again is installed again (a new venv), not skipped; the oldest goes.
    run_install(
        root, "--upgrade", "--wheelhouse", str(wheelhouse), "--source", str(wheels["v0.2.0"])
    )
    again = os.readlink(venv(root))
    assert again.endswith("-0.2.0") and again != new
    assert sorted(p.name for p in (root / "opt/seen/venvs").iterdir()) == sorted(
        [Path(new).name, Path(again).name]
    )
    assert served_version(port) == "0.2.0" and ready(port)


def test_a_failed_upgrade_rolls_back_the_venv_the_database_and_the_service(
    serving, wheels, wheelhouse
):
    root, port = serving
    previous = os.readlink(venv(root))
    before = schema_version(root)
    # The unit as this install left it (the failed upgrade writes the new release's).
    unit = root / "etc/systemd/system" / CONSOLE
    unit.write_text(unit.read_text() + "# as the previous release had it\n")
    kept = unit.read_text()
    proc = run_install(
        root,
        "--upgrade",
        "--ready-wait",
        "5",
        "--wheelhouse",
        str(wheelhouse),
        "--source",
        str(wheels["broken"]),
        check=False,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "upgrade failed (the new version's /readyz did not say ready)" in proc.stderr
    assert f"rolled back to {previous}" in proc.stderr
    assert "broken on purpose" in proc.stdout + proc.stderr  # check-ready said why
    assert os.readlink(venv(root)) == previous
    assert (
        unit.read_text() == kept
        and f"put back the previous /etc/systemd/system/{CONSOLE}" in proc.stdout
    )
    assert [p.name for p in (root / "opt/seen/venvs").iterdir()] == [Path(previous).name]
    # The previous code serves again, on the database as it was before the migration.
    wait_for(lambda: ready(port), timeout=120, what="the previous version's /readyz")
    assert served_version(port) == "0.1.0"
    assert schema_version(root) == before and "upgrade_probe" not in tables(root)
    assert "Entrée Nord" in command(root, "kiosk", "list")


def test_an_upgrade_needs_an_install_to_go_back_to(tmp_path, wheels, wheelhouse):
    proc = run_install(
        tmp_path / "pi",
        "--upgrade",
        "--wheelhouse",
        str(wheelhouse),
        "--source",
        str(wheels["v0.2.0"]),
        check=False,
    )
    assert proc.returncode == 2 and "run the installer without --upgrade first" in proc.stderr
    assert not (tmp_path / "pi/etc").exists()  # refused before writing anything


def test_uninstall_keeps_settings_and_data_unless_purged(tmp_path):
    root = tmp_path / "pi"
    plain = subprocess.run(
        ["bash", str(SCRIPT), "--root", str(root), "--role", "both"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "would point /opt/seen/venv at venvs/" in plain.stdout
    (root / "var/lib/seen/seen.db").write_text("the clinic's data")
    removed = subprocess.run(
        ["bash", str(SCRIPT), "--root", str(root), "--uninstall"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert not (root / "opt/seen").exists()
    assert list((root / "etc/systemd/system").iterdir()) == []
    assert not (root / "etc/udev/rules.d/99-seen-printer.rules").exists()
    assert (root / "etc/seen/kiosk.toml").exists() and (root / "etc/seen/server.toml").exists()
    assert (root / "var/lib/seen/seen.db").read_text() == "the clinic's data"
    for step in (
        f"systemctl disable --now {CONSOLE}",
        "systemctl disable --now seen-kiosk.service",
        "systemctl disable --now seen-backup.timer",
        "systemctl enable getty@tty1.service",
        "udevadm control --reload-rules",
    ):
        assert "would run: " + step in removed
    assert "userdel" not in removed

    purged = subprocess.run(
        ["bash", str(SCRIPT), "--root", str(root), "--uninstall", "--purge"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert not (root / "etc/seen").exists() and not (root / "var/lib/seen").exists()
    assert not (root / "var/backups/seen").exists()
    assert "would run: userdel seen" in purged


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--purge"], "--purge goes with --uninstall"),
        (["--upgrade", "--uninstall"], "--upgrade and --uninstall go one at a time"),
        (["--upgrade", "--ready-wait", "soon"], "--ready-wait must be a whole number"),
        (["--wheelhouse", "/nonexistent/usb"], "--wheelhouse /nonexistent/usb is not a folder"),
    ],
)
def test_bad_release_options_are_refused_clearly(tmp_path, args, message):
    proc = subprocess.run(
        ["bash", str(SCRIPT), "--root", str(tmp_path / "pi"), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2 and message in proc.stderr, proc.stderr


def test_a_migration_that_fails_leaves_the_previous_version_serving(serving, wheels, wheelhouse):
    root, port = serving
    previous = os.readlink(venv(root))
    before = schema_version(root)
    proc = run_install(
        root,
        "--upgrade",
        "--wheelhouse",
        str(wheelhouse),
        "--source",
        str(wheels["bad-migration"]),
        check=False,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "upgrade failed (the database migration failed)" in proc.stderr
    assert "table kiosks already exists" in proc.stderr  # the migration's own reason
    assert os.readlink(venv(root)) == previous
    wait_for(lambda: ready(port), timeout=120, what="the previous version's /readyz")
    assert served_version(port) == "0.1.0" and schema_version(root) == before
    assert "Entrée Nord" in command(root, "kiosk", "list")
