"""`kiosk run` starts the check-in screen; `kiosk doctor` checks its setup, one line per check."""

from __future__ import annotations

import argparse
import os
import sys

from kiosk import __version__
from kiosk.config import load_config
from seen import log_setup
from seen.settings import ConfigError
from seen.terminal import shown

DEFAULT_CONFIG_ENV = "SEEN_KIOSK_CONFIG"  # where the config is when --config is not given


def _config_path(args) -> str | None:
    return args.config or os.environ.get(DEFAULT_CONFIG_ENV)


def _load(args):
    # DEFAULT_CONFIG_ENV is not a setting: seen.settings.OTHER_VARIABLES lets it pass.
    return load_config(_config_path(args), os.environ)


def cmd_run(args) -> int:
    try:
        config = _load(args)
    except ConfigError as e:
        print(f"kiosk: {shown(e)}", file=sys.stderr)
        return 2
    if not config.token:
        print(
            f"kiosk: {shown(config.source)}: token is empty: add this kiosk with "
            "`staffconsole kiosk add NAME` and put the token in [kiosk] token",
            file=sys.stderr,
        )
        return 2
    setup_logging(config)
    from kiosk.window import configure_window

    configure_window(config)
    from kiosk.app import run

    run(config)
    return 0


def setup_logging(config, environ=os.environ, stream=None) -> None:
    """The kiosk's logs as the server's (seen/log_setup.py): before Kivy loads, which in
    its default mode would take the root logger and stderr over, unfiltered."""
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
    log_setup.configure(config.log_format, environ, stream)


def cmd_doctor(args) -> int:
    from kiosk.doctor import run_checks

    failed = False
    for check in run_checks(lambda: _load(args), test_slip=args.test_slip, speech=True):
        failed |= not check.ok
        print(f"{check.status} {check.name}: {shown(check.reason)}", flush=True)
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kiosk", description="Seen check-in kiosk")
    parser.add_argument("--version", action="version", version=__version__)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, func, help_text in (
        ("run", cmd_run, "start the check-in screen"),
        ("doctor", cmd_doctor, "check config, server, token, printer, speech"),
    ):
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("--config", help=f"kiosk TOML file (default: ${DEFAULT_CONFIG_ENV})")
        sub.set_defaults(func=func)
        if name == "doctor":
            sub.add_argument(
                "--test-slip",
                action="store_true",
                help="also print a short test slip (accents show the code page)",
            )
    args = parser.parse_args(argv)
    if args.func is cmd_doctor:
        # The checks are the output; only warnings and errors of the code under them.
        log_setup.configure("text", level="WARNING")
    return args.func(args)
