"""This install's version: the one place it is read at run time.

setuptools-scm writes it into the package metadata when the wheel is built (from the
git tag, pyproject.toml [tool.setuptools_scm]); here it is only read back. A source
tree that was never installed has no metadata: it says so instead of guessing.
"""

from __future__ import annotations

from importlib import metadata

DISTRIBUTION = "seen-checkin"
SOURCE_TREE = "0.0.0+source"  # importable, never installed (PYTHONPATH=checkout)


def installed_version(distribution: str = DISTRIBUTION) -> str:
    """The installed distribution's version, or SOURCE_TREE when there is none."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return SOURCE_TREE


VERSION = installed_version()
