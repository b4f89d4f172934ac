"""`staffconsole migrate` and `staffconsole check-ready`: the steps of an upgrade that
need the server's own code (deploy/raspberry-pi/install.sh --upgrade runs them)."""

from __future__ import annotations

import json
import ssl
import time
import urllib.error
import urllib.request

from seen.terminal import shown
from staffconsole import __version__
from staffconsole.cli.common import CliError, settings_from
from staffconsole.store.schema import SCHEMA_VERSION, ensure_schema, open_db, schema_version

POLL_S = 0.5
# Listening on every address: ask this machine's own loopback.
ANY_ADDRESS = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}


def add_parsers(commands, common) -> None:
    migrate = commands.add_parser(
        "migrate", parents=[common], help="bring the database to this version's schema"
    )
    migrate.set_defaults(handler=cmd_migrate)
    ready = commands.add_parser(
        "check-ready",
        parents=[common],
        help="wait until the running server's /readyz says ready (exit 1 if it never does)",
    )
    ready.add_argument(
        "--wait", type=float, default=60.0, metavar="SECONDS", help="how long to keep asking"
    )
    ready.set_defaults(handler=cmd_check_ready)


def cmd_migrate(args) -> int:
    path = settings_from(args).db_path
    db = open_db(path)
    before = schema_version(db)
    ensure_schema(db)  # refuses a database newer than this code
    print(f"database {shown(path)}: schema {before} -> {SCHEMA_VERSION}")
    return 0


def server_url(host: str, port: int, tls: bool) -> str:
    host = ANY_ADDRESS.get(host, host)
    if ":" in host:
        host = f"[{host}]"
    return f"{'https' if tls else 'http'}://{host}:{port}"


def _get(url: str, timeout: float) -> bytes:
    # Our own server on this machine: the question is whether it serves, not who it is
    # (the kiosks check the certificate against the clinic CA).
    context = ssl._create_unverified_context() if url.startswith("https") else None
    with urllib.request.urlopen(url, timeout=timeout, context=context) as answer:
        return answer.read(10_000)


def ask_ready(base: str, version: str, timeout: float = 5.0) -> str | None:
    """None when /readyz says ready and /healthz names `version` (this code, not an old
    process still holding the port); else why not."""
    try:
        _get(f"{base}/readyz", timeout)
        served = json.loads(_get(f"{base}/healthz", timeout)).get("version")
    except urllib.error.HTTPError as e:
        return f"HTTP {e.code}: {e.read(200).decode('utf-8', 'replace').strip()}"
    except (urllib.error.URLError, OSError) as e:
        return str(getattr(e, "reason", e))
    except ValueError:
        return "/healthz did not answer JSON"
    if served != version:
        return f"the server answering is version {served}, not {version}"
    return None


def cmd_check_ready(args) -> int:
    settings = settings_from(args)
    base = server_url(settings.host, settings.port, bool(settings.tls_cert))
    deadline = time.monotonic() + max(args.wait, 0.0)
    while True:
        reason = ask_ready(base, __version__)
        if reason is None:
            print(f"ready: {base}/readyz (version {__version__})")
            return 0
        if time.monotonic() >= deadline:
            raise CliError(f"not ready after {args.wait:g} s: {base}/readyz: {reason}")
        time.sleep(POLL_S)
