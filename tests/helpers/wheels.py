"""Wheels for the install tests, made here from what is on disk, never downloaded.

- `seen_wheel`: this checkout copied into a fresh git repository, tagged as asked, built
  by setuptools-scm as a release would be (no build isolation: nothing downloads).
- `local_wheelhouse`: the dependencies of an extra, repacked as wheels from the running
  environment's installed files, with a lock file of their hashes - the same shape
  `make wheelhouse` writes, so the installer's offline path runs for real.
"""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from support import REPO

# What a wheel of seen-checkin is built from (pyproject.toml's packages and data files).
BUILD_INPUTS = (
    "pyproject.toml",
    "README.md",
    "LICENSE",
    "seen",
    "kiosk",
    "staffconsole",
    "hardware",
    "assets",
)
GIT = [
    "git",
    "-c",
    "user.name=Seen tests",
    "-c",
    "user.email=tests@example.invalid",
    "-c",
    "init.defaultBranch=main",
    "-c",
    "commit.gpgsign=false",
    "-c",
    "tag.gpgsign=false",
]


def source_copy(dest: Path, tag: str | None = None, patches: dict | None = None) -> Path:
    """This checkout's build inputs (as they are now, edits included) in a new git
    repository at dest, committed and, if asked, tagged. patches: {path: (old, new)}, old None for a new file."""
    listed = (
        subprocess.run(
            [
                "git",
                "-C",
                str(REPO),
                "ls-files",
                "-z",
                "--cached",
                "--others",
                "--exclude-standard",
                "--",
                *BUILD_INPUTS,
            ],
            capture_output=True,
            check=True,
            timeout=60,
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    for name, (old, new) in (patches or {}).items():
        if old is None:  # a new file
            (dest / name).write_text(new)
            continue
        text = (dest / name).read_text()
        assert old in text, f"{name}: the patch no longer applies ({old!r} not found)"
        (dest / name).write_text(text.replace(old, new, 1))
    for step in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "release"]):
        subprocess.run([*GIT, "-C", str(dest), *step], check=True, timeout=60, capture_output=True)
    if tag:
        subprocess.run([*GIT, "-C", str(dest), "tag", tag], check=True, timeout=60)
    return dest


def build_wheel(source: Path, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--quiet",
            "--wheel-dir",
            str(out),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    (wheel,) = out.glob("seen_checkin-*.whl")
    return wheel


def seen_wheel(tmp: Path, tag: str | None, patches: dict | None = None) -> Path:
    """A seen-checkin wheel built from a copy of this checkout tagged `tag`."""
    source = source_copy(tmp / "src", tag, patches)
    return build_wheel(source, tmp / "dist")


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return "sha256=" + digest.decode()


def repack(dist: metadata.Distribution, out: Path) -> Path:
    """An installed distribution back into a wheel (its files inside site-packages; pip
    writes the console scripts again from entry_points.txt)."""
    info = next(f for f in dist.files if f.name == "WHEEL" and f.parent.name.endswith(".dist-info"))
    tags = [
        line.split(":", 1)[1].strip().split("-")
        for line in dist.locate_file(info).read_text().splitlines()
        if line.startswith("Tag:")
    ]
    # py2-none-any + py3-none-any -> py2.py3-none-any (the file name's compressed tag set)
    tag = "-".join(".".join(dict.fromkeys(t[i] for t in tags)) for i in range(3))
    name = re.sub(r"[-_.]+", "_", dist.metadata["Name"])
    wheel = out / f"{name}-{dist.version}-{tag}.whl"
    skip = {"RECORD", "INSTALLER", "REQUESTED", "direct_url.json"}
    records = []
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_STORED) as archive:
        for path in dist.files:
            if ".." in path.parts or "__pycache__" in path.parts:
                continue
            if path.parent == info.parent and path.name in skip:
                continue
            data = dist.locate_file(path).read_bytes()
            archive.writestr(path.as_posix(), data)
            records.append(f"{path.as_posix()},{_record_hash(data)},{len(data)}")
        record = f"{info.parent.as_posix()}/RECORD"
        records.append(f"{record},,")
        archive.writestr(record, "\n".join(records) + "\n")
    return wheel


def requirements_of(extra: str) -> list[metadata.Distribution]:
    """Every installed distribution seen-checkin[extra] needs (pyproject.toml's list),
    transitively, by the installed metadata of each."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    wanted = [
        Requirement(text)
        for text in project["dependencies"] + project["optional-dependencies"][extra]
    ]
    found: dict[str, metadata.Distribution] = {}
    done: set[tuple[str, str]] = set()
    while wanted:
        req = wanted.pop()
        key = canonicalize_name(req.name)
        for extra_name in sorted(req.extras) or [""]:
            if (key, extra_name) in done:
                continue
            done.add((key, extra_name))
            dist = found.setdefault(key, metadata.distribution(req.name))
            for text in dist.requires or []:
                sub = Requirement(text)
                if sub.marker is None or sub.marker.evaluate({"extra": extra_name}):
                    if extra_name and (sub.marker is None or "extra" not in str(sub.marker)):
                        continue  # a base requirement, queued with the base already
                    wanted.append(sub)
            if extra_name:
                wanted.append(Requirement(req.name))
    return sorted(found.values(), key=lambda d: canonicalize_name(d.metadata["Name"]))


def local_wheelhouse(dest: Path, extra: str, lock_name: str) -> Path:
    """dest/ with a wheel for each dependency of [extra] and dest/locks/LOCK_NAME.txt
    pinning each with its sha256, as `make wheelhouse` lays one out."""
    dest.mkdir(parents=True, exist_ok=True)
    lines = []
    for dist in requirements_of(extra):
        wheel = repack(dist, dest)
        digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
        lines.append(f"{dist.metadata['Name']}=={dist.version} --hash=sha256:{digest}")
    (dest / "locks").mkdir(exist_ok=True)
    (dest / "locks" / f"{lock_name}.txt").write_text("\n".join(lines) + "\n")
    return dest
