"""deploy/locks/: one lock per install role, every package pinned with its hashes and
agreeing with pyproject.toml's extras, so `make locks` cannot be forgotten after an
extra changes. (The installer's use of them runs in test_upgrade.py.)"""

from __future__ import annotations

import re
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from support import REPO

LOCKS = REPO / "deploy" / "locks"
ROLES = {"kiosk": ["kiosk"], "console": ["console"], "both": ["kiosk", "console"]}


def pins(name: str) -> dict[str, tuple[str, int]]:
    """{package: (version, number of hashes)} of one lock file."""
    text = (LOCKS / f"{name}.txt").read_text()
    found = {}
    for entry in re.split(r"\n(?=[A-Za-z0-9])", text):
        first = entry.split(" ", 1)[0].strip()
        if not first or first.startswith("#"):
            continue
        package, sep, version = first.partition("==")
        assert sep, f"{name}.txt: {first!r} is not pinned with =="
        found[canonicalize_name(package)] = (version, len(re.findall(r"--hash=sha256:", entry)))
    return found


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_package_is_pinned_with_hashes(role):
    locked = pins(role)
    assert locked, role
    assert [p for p, (_, hashes) in locked.items() if hashes == 0] == []


@pytest.mark.parametrize("role", sorted(ROLES))
def test_the_lock_satisfies_pyproject(role):
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    locked = pins(role)
    wanted = list(project["dependencies"])
    for extra in ROLES[role]:
        wanted += project["optional-dependencies"][extra]
    for text in wanted:
        req = Requirement(text)
        name = canonicalize_name(req.name)
        assert name in locked, f"{role}.txt lacks {req.name}: run `make locks`"
        assert req.specifier.contains(locked[name][0], prereleases=True), (
            f"{role}.txt pins {req.name}=={locked[name][0]}, not {req.specifier}: run `make locks`"
        )


def test_the_roles_agree_on_every_shared_version():
    both = pins("both")
    for role in ("kiosk", "console"):
        for package, (version, _) in pins(role).items():
            assert both.get(package, (None,))[0] == version, (role, package)
