"""An installed kiosk (a wheel, as the Raspberry Pi install makes) speaks every language
a checkout does: the catalogues under assets/ travel in the wheel."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from helpers.wheels import build_wheel
from support import REPO

from kiosk import i18n


def test_locale_dir_prefers_the_checkout_then_the_installed_copy(tmp_path):
    checkout, installed = tmp_path / "assets" / "locale", tmp_path / "share" / "locale"
    assert i18n.locale_dir(checkout, installed) == installed
    checkout.mkdir(parents=True)
    assert i18n.locale_dir(checkout, installed) == checkout


@pytest.mark.e2e
def test_the_wheel_carries_every_catalogue(tmp_path):
    wheel = build_wheel(REPO, tmp_path)
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
