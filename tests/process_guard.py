"""Pytest plugin: a test that starts a real process must carry the `e2e` mark.

Every process Python starts goes through subprocess.Popen (subprocess.run, check_output,
asyncio's subprocesses and Playwright's driver all do), so the guard wraps
Popen._execute_child for the whole session. A process started while a test is being set
up, run or torn down fails that test unless it is marked e2e. A fixture that started a
process (a session's Xvfb or Chromium, a module's server) is remembered: every later test
that requests it counts as starting it too, since the fixture started it on its behalf.
Loaded by tests/conftest.py; tests/test_process_guard.py proves it fails.
"""

from __future__ import annotations

import os
import subprocess
import threading

import pytest

MARK = "e2e"

_original_execute_child = subprocess.Popen._execute_child
_current: list[pytest.Item] = []  # the test being set up, run or torn down
_setting_up: list[pytest.FixtureDef] = []  # fixtures whose setup is running, innermost last
_starters: set[tuple[str, str]] = set()  # (name, baseid) of fixtures that started a process
_late: dict[str, list[str]] = {}  # nodeid -> refusals raised in a thread other than the main one


def _message(item: pytest.Item, what: str) -> str:
    return (
        f"{item.nodeid} starts a real process ({what}) without the {MARK} mark: "
        f"add @pytest.mark.{MARK} (or pytestmark = pytest.mark.{MARK}) to the test"
    )


def _program(args) -> str:
    if isinstance(args, (str, bytes, os.PathLike)):
        args = os.fsdecode(args).split()[:1]
    return os.path.basename(os.fsdecode(args[0])) if args else "?"


def _guarded_execute_child(self, args, *rest, **kwargs):
    if _current:
        item = _current[-1]
        _starters.update((f.argname, f.baseid) for f in _setting_up)
        if item.get_closest_marker(MARK) is None:
            message = _message(item, _program(args))
            if threading.current_thread() is not threading.main_thread():
                # A thread may swallow the failure: fail the test after its teardown too.
                _late.setdefault(item.nodeid, []).append(message)
            pytest.fail(message, pytrace=False)
    return _original_execute_child(self, args, *rest, **kwargs)


def pytest_configure(config: pytest.Config) -> None:
    subprocess.Popen._execute_child = _guarded_execute_child


def pytest_unconfigure(config: pytest.Config) -> None:
    subprocess.Popen._execute_child = _original_execute_child


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem):
    _current.append(item)
    try:
        return (yield)
    finally:
        _current.pop()


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef, request: pytest.FixtureRequest):
    _setting_up.append(fixturedef)
    try:
        return (yield)
    finally:
        _setting_up.pop()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> None:
    if item.get_closest_marker(MARK) is not None:
        return
    for name, baseid in sorted(_starters):
        visible = not baseid or item.nodeid.startswith((f"{baseid}/", f"{baseid}::"))
        if name in item.fixturenames and visible:
            pytest.fail(_message(item, f"through the fixture {name!r}"), pytrace=False)


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    refused = _late.pop(item.nodeid, [])
    if refused:
        pytest.fail(refused[0], pytrace=False)
