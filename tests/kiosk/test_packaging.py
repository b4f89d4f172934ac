"""An installed kiosk (a wheel, as the Raspberry Pi install makes) speaks every language
a checkout does: the catalogues under assets/ travel in the wheel."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from support import REPO

from kiosk import i18n


def test_locale_dir_prefers_the_checkout_then_the_installed_copy(tmp_path):
    checkout, installed = tmp_path / "assets" / "locale", tmp_path / "share" / "locale"
    assert i18n.locale_dir(checkout, installed) == installed
    checkout.mkdir(parents=True)
    assert i18n.locale_dir(checkout, installed) == checkout


@pytest.mark.e2e
def test_the_wheel_carries_every_catalogue(tmp_path):
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "--wheel-dir",
            str(tmp_path),
            str(REPO),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = tmp_path.glob("seen_checkin-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    catalogues = sorted(
        p.relative_to(REPO / "assets" / "locale").as_posix()
        for p in (REPO / "assets" / "locale").glob("*/LC_MESSAGES/*.po")
    )
    assert catalogues, "no catalogues in assets/locale"
    for catalogue in catalogues:
        assert any(
            n.endswith(f".data/data/share/seen-checkin/locale/{catalogue}") for n in names
        ), f"{catalogue} is not in {Path(wheel).name}"
    assert any(n.endswith("kiosk/screens/welcome.kv") for n in names)
