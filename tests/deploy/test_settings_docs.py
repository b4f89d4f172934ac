"""docs/settings.md's tables are what the declarations generate (deploy/settings_docs.py),
and every TOML example in the docs is read by the loader without an error."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from support import REPO

from kiosk.config import KIOSK
from seen.settings import load
from staffconsole.config import SERVER

SCRIPT = REPO / "deploy" / "settings_docs.py"
DOC = REPO / "docs" / "settings.md"


def run_script(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.e2e  # runs deploy/settings_docs.py as a process
def test_the_doc_matches_the_code():
    done = run_script("--check")
    assert done.returncode == 0, done.stderr  # the message says the command to run


@pytest.mark.e2e  # runs deploy/settings_docs.py as a process
def test_a_stale_table_is_caught_and_the_message_says_how_to_fix_it(tmp_path):
    stale = tmp_path / "settings.md"
    text = DOC.read_text(encoding="utf-8")
    stale.write_text(
        text.replace("| `port` | `SEEN_PORT` | `8400` |", "| `port` | `SEEN_PORT` | `80` |")
    )
    done = run_script("--check", "--doc", str(stale))
    assert done.returncode == 1
    assert "`.venv/bin/python deploy/settings_docs.py`" in done.stderr
    assert run_script("--doc", str(stale)).returncode == 0  # regenerates in place
    assert stale.read_text(encoding="utf-8") == text


@pytest.mark.e2e  # runs deploy/settings_docs.py as a process
def test_a_doc_without_the_markers_is_refused(tmp_path):
    bare = tmp_path / "settings.md"
    bare.write_text("# Settings\n")
    done = run_script("--check", "--doc", str(bare))
    assert done.returncode != 0 and "<!-- settings:server -->" in done.stderr


def test_the_guides_link_the_settings_doc():
    assert "`settings.md`" in (REPO / "README.md").read_text(encoding="utf-8")
    for guide in ("install-raspberry-pi.md", "kiosk.md", "console.md", "security.md"):
        assert "(settings.md" in (REPO / "docs" / guide).read_text(encoding="utf-8"), guide


TOML_BLOCK = re.compile(r"```toml\n(.*?)```", re.DOTALL)
EXAMPLES = [
    (path.name, number, block)
    for path in sorted((REPO / "docs").glob("*.md")) + [REPO / "README.md"]
    for number, block in enumerate(TOML_BLOCK.findall(path.read_text(encoding="utf-8")), 1)
]


@pytest.mark.parametrize(("doc", "number", "block"), EXAMPLES, ids=lambda v: str(v)[:24])
def test_every_toml_example_in_the_docs_loads(tmp_path, doc, number, block):
    role = KIOSK if block.lstrip().startswith("[kiosk]") else SERVER
    path = tmp_path / f"{doc}-{number}.toml"
    path.write_text(block, encoding="utf-8")
    load(role, path, {})  # raises ConfigError naming the key


def test_there_are_toml_examples_to_check():
    assert {doc for doc, _, _ in EXAMPLES} >= {"install-raspberry-pi.md", "schedule.md"}
