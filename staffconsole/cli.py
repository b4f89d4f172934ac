"""`staffconsole`: run the server and manage kiosks, staff logins, the schedule and alerts.

Every subcommand takes --db PATH and --config PATH. Errors are one line on stderr
and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sqlite3
import sys
from datetime import date

from seen.settings import ConfigError
from seen.terminal import json_line, shown, shown_all, shown_lines
from staffconsole import __version__
from staffconsole.auth import api_tokens, passwords, staff_sessions
from staffconsole.auth import users as accounts
from staffconsole.auth.kiosks import add_kiosk, list_kiosks, rename_kiosk, revoke_kiosk
from staffconsole.auth.users import ROLES, new_user, save_user
from staffconsole.clock import ClinicClock, ClinicZone, utcnow
from staffconsole.config import load_settings
from staffconsole.errors import StoreError
from staffconsole.progress import ProgressBar
from staffconsole.report import export as report_export
from staffconsole.report import figures as report
from staffconsole.report import queries
from staffconsole.report import text as report_text
from staffconsole.schedule import csv_reader
from staffconsole.schedule.importer import import_text, read_text
from staffconsole.schedule.model import Options, ScheduleError
from staffconsole.store import backup as backup_store
from staffconsole.store.alerts import list_alerts
from staffconsole.store.audit import audited, cli_actor, list_audit, staff_actor
from staffconsole.store.schema import DatabaseError, ensure_schema, open_db


class CliError(Exception):
    """A problem to report in one line on stderr."""


def _settings(args, **overrides):
    if args.db:
        overrides["db_path"] = args.db
    return load_settings(
        args.config, overrides={k: v for k, v in overrides.items() if v is not None}
    )


def _actor() -> str:
    """Who ran an admin command, for the audit log: `cli:<operating-system account>`."""
    try:
        return cli_actor(getpass.getuser())
    except (KeyError, OSError):
        return cli_actor(None)


def _clock(settings) -> ClinicClock:
    """The clinic's clock, as the server builds it from the same settings."""
    return ClinicClock(ClinicZone(settings.clinic_timezone))


def _db(args):
    db = open_db(_settings(args).db_path)
    ensure_schema(db)
    return db


def cmd_serve(args) -> int:
    # The web stack and the certificate code load only for the commands that use them:
    # they take most of a second to import on a Pi, and `kiosk add` needs neither.
    import uvicorn
    from uvicorn.config import LOGGING_CONFIG

    from seen.log_privacy import with_privacy
    from staffconsole.app import create_app

    settings = _settings(
        args, host=args.host, port=args.port, tls_cert=args.tls_cert, tls_key=args.tls_key
    )
    tls = {}
    if settings.tls_cert or settings.tls_key:
        from staffconsole.tls import TlsError, check_pair

        try:
            check_pair(settings.tls_cert, settings.tls_key)
        except TlsError as e:
            raise CliError(str(e)) from None
        tls = {"ssl_certfile": settings.tls_cert, "ssl_keyfile": settings.tls_key}
    app = create_app(settings)
    # Open console streams never end on their own: without a limit, stopping the server
    # would wait for every receptionist to close the page.
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level="info",
        # No request data or patient text in any log line or traceback.
        log_config=with_privacy(LOGGING_CONFIG),
        timeout_graceful_shutdown=2,
        **tls,
    )
    return 0


def cmd_tls_init(args) -> int:
    from staffconsole.tls import TlsError, init

    try:
        issued = init(args.dir, args.san, clinic=args.clinic, days=args.days)
    except TlsError as e:
        raise CliError(str(e)) from None
    folder = shown(issued.folder)
    print(
        ("Made a new clinic CA" if issued.ca_created else "Reused the clinic CA")
        + f" in {folder}; server certificate for "
        + ", ".join(shown(name) for name in issued.dns_names + issued.ip_addresses)
        + f", valid until {issued.not_after:%Y-%m-%d}."
    )
    print(
        f"Serve with:  staffconsole serve --tls-cert {folder}/server.pem "
        f"--tls-key {folder}/server.key"
    )
    print(
        f"On each kiosk: copy {folder}/ca.pem and set ca_file to it in kiosk.toml; "
        "server_url = https://<one of the names above>:<port>."
    )
    print(f"Keep {folder}/ca.key private: whoever has it can impersonate the server.")
    return 0


def cmd_kiosk_add(args) -> int:
    db = _db(args)
    now = utcnow()  # one instant for the change and its audit row
    with audited(db, _actor(), "kiosk.add", " ".join(args.name.split()), None, now):
        token = add_kiosk(db, args.name, now)
    print(
        f"Kiosk {' '.join(args.name.split())!r} added. Put this token in the kiosk's "
        "config file (token = ...)."
    )
    print("It is shown only this once; if it is lost, revoke the kiosk and add it again.")
    print(token)
    return 0


def cmd_kiosk_revoke(args) -> int:
    db = _db(args)
    now = utcnow()  # one instant for the change and its audit row
    with audited(db, _actor(), "kiosk.revoke", None, None, now) as entry:
        kiosk = revoke_kiosk(db, args.name, now)
        entry.target = kiosk["name"]
    print(f"Kiosk {kiosk['name']!r} revoked: its token no longer works.")
    return 0


def _read_password(username: str) -> str:
    if sys.stdin.isatty():
        first = getpass.getpass(f"Password for {shown(username)}: ")
        if first and getpass.getpass("Same password again: ") != first:
            raise CliError("the two passwords differ; nothing was changed")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def cmd_user_add(args) -> int:
    db = _db(args)
    password = _read_password(args.username)
    if not password:
        raise CliError("the password is empty; nothing was changed")
    login = new_user(args.username, password, args.role)
    now = utcnow()  # one instant for the change and its audit row
    with audited(db, _actor(), "user.add", login.username, {"role": login.role}, now):
        user = save_user(db, login, now)
    print(f"User {user['username']!r} added ({user['role']}).")
    return 0


def _import_day(text: str | None, clock: ClinicClock) -> date:
    if text is None:
        return clock.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CliError(f"--date {text!r}: expected a date like 2026-11-22") from None


def cmd_import_schedule(args) -> int:
    settings = _settings(
        args, schedule_date_format=args.date_format, schedule_datetime_format=args.datetime_format
    )
    clock = _clock(settings)
    day = _import_day(args.date, clock)
    db = _db(args)
    bar = None
    if args.progress or (sys.stderr.isatty() and _is_large(args.file)):
        bar = ProgressBar(sys.stderr)
    try:
        options = Options(
            column_map=csv_reader.parse_map(args.map or ""),
            date_format=settings.schedule_date_format,
            datetime_format=settings.schedule_datetime_format,
            zone=clock.zone,
        )
        text = read_text(args.file)
        target = os.path.basename(args.file)
        with audited(db, _actor(), "schedule.import", target, None, utcnow()) as entry:
            done = import_text(db, text, day, options, args.file, progress=bar or _quiet)
            entry.detail.update(
                kind=done.kind,
                day=day.isoformat(),
                added=done.added,
                changed=done.changed,
                rejected=len(done.rejected),
                cancelled=done.cancelled,
            )
    finally:
        if bar:
            bar.finish()
    for line in done.problems():
        print(shown(line), file=sys.stderr)
    if done.cancelled:
        print(f"Cancelled (no longer in the schedule): {shown(', '.join(done.cancelled))}")
    print(f"Imported {shown(args.file)} ({done.kind}, {day.isoformat()}): {done.summary()}.")
    return 0 if done.ok else 1


LARGE_FILE_BYTES = 256 * 1024  # about 4,000 rows; smaller files import in a blink


def _is_large(path: str) -> bool:
    try:
        return os.path.getsize(path) >= LARGE_FILE_BYTES
    except OSError:
        return False


def _quiet(done: int, total: int) -> None:
    return None


def cmd_apitoken_add(args) -> int:
    db = _db(args)
    target, detail = " ".join(args.name.split()), {"scope": "push"}
    now = utcnow()  # one instant for the change and its audit row
    with audited(db, _actor(), "apitoken.add", target, detail, now):
        token = api_tokens.add_token(db, args.name, "push", now)
    print(
        f"API token {' '.join(args.name.split())!r} added (scope push). Give it to the "
        "practice system as 'Authorization: Bearer <token>'."
    )
    print("It is shown only this once; if it is lost, revoke it and add another.")
    print(token)
    return 0


def cmd_apitoken_revoke(args) -> int:
    db = _db(args)
    now = utcnow()  # one instant for the change and its audit row
    with audited(db, _actor(), "apitoken.revoke", None, None, now) as entry:
        found = api_tokens.revoke_token(db, args.name, now)
        entry.target = found["name"]
    print(f"API token {found['name']!r} revoked: it no longer works.")
    return 0


def _alert_line(alert: dict) -> dict:
    return {
        "id": alert["id"],
        "kind": alert["kind"],
        "status": alert["status"],
        "severity": alert["severity"],
        "created_at": alert["created_at"],
        "updated_at": alert["updated_at"],
        "kiosk": alert["kiosk"],
        "session": alert["session_id"],
        "summary": alert["summary"],
        "outcome": alert["outcome"],
        "resolved_by": alert["resolved_by"],
    }


def cmd_alerts(args) -> int:
    found = list_alerts(_db(args), include_resolved=args.all)
    if args.json:
        for alert in found:
            print(json_line(_alert_line(alert)))
        return 0
    if not found:
        print("No alerts." if args.all else "No open alerts.")
        return 0
    print(f"{'id':>5}  {'status':<12}  {'kind':<20}  {'created (UTC)':<16}  summary")
    for alert in found:
        print(
            f"{alert['id']:>5}  {shown(alert['status']):<12}  {shown(alert['kind']):<20}  "
            f"{shown(alert['created_at'][:16].replace('T', ' ')):<16}  {shown(alert['summary'])}"
        )
    return 0


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="PATH", help="SQLite database (setting db_path)")
    common.add_argument("--config", metavar="PATH", help="server TOML file ([server] table)")

    parser = argparse.ArgumentParser(
        prog="staffconsole", description="Seen staff console server and admin commands."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", parents=[common], help="run the server")
    serve.add_argument("--host", help="listen address (setting host)")
    serve.add_argument("--port", type=int, help="listen port (setting port)")
    serve.add_argument(
        "--tls-cert", metavar="PEM", help="serve HTTPS with this certificate (setting tls_cert)"
    )
    serve.add_argument("--tls-key", metavar="PEM", help="its private key (setting tls_key)")
    serve.set_defaults(handler=cmd_serve)

    kiosk = commands.add_parser("kiosk", help="add, list, rename or revoke kiosks")
    kiosk_commands = kiosk.add_subparsers(dest="kiosk_command", required=True, metavar="ACTION")
    add = kiosk_commands.add_parser(
        "add", parents=[common], help="register a kiosk and print its token"
    )
    add.add_argument("name")
    add.set_defaults(handler=cmd_kiosk_add)
    revoke = kiosk_commands.add_parser("revoke", parents=[common], help="revoke a kiosk's token")
    revoke.add_argument("name")
    revoke.set_defaults(handler=cmd_kiosk_revoke)

    user = commands.add_parser(
        "user", help="staff logins: add, list, disable, enable, reset-password, set-role, ..."
    )
    user_commands = user.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    user_add = user_commands.add_parser(
        "add",
        parents=[common],
        help="add a staff login (password from a prompt, or the first line of stdin)",
    )
    user_add.add_argument("username")
    user_add.add_argument("--role", choices=ROLES, default="receptionist")
    user_add.set_defaults(handler=cmd_user_add)
    add_account_parsers(user_commands, kiosk_commands, common)

    imp = commands.add_parser(
        "import-schedule",
        parents=[common],
        help="import one day's appointments from a CSV or FHIR R4 Bundle (JSON) file",
    )
    imp.add_argument("file", help="CSV or FHIR JSON; told apart by content")
    imp.add_argument(
        "--date", metavar="YYYY-MM-DD", help="the day to import (default: today in the clinic)"
    )
    imp.add_argument(
        "--map",
        metavar="OTHER=CANONICAL,...",
        help="CSV column names of another export, e.g. Surname=last_name,MRN=external_id",
    )
    imp.add_argument(
        "--date-format",
        metavar="FMT",
        help="how the CSV writes dates of birth (setting schedule_date_format)",
    )
    imp.add_argument(
        "--datetime-format",
        metavar="FMT",
        help="how the CSV writes starts (setting schedule_datetime_format)",
    )
    imp.add_argument(
        "--progress",
        action="store_true",
        help="draw a progress bar on stderr (default: only for large files on a terminal)",
    )
    imp.set_defaults(handler=cmd_import_schedule)

    alerts = commands.add_parser("alerts", parents=[common], help="list alerts")
    alerts.add_argument("--all", action="store_true", help="include resolved alerts")
    alerts.add_argument("--json", action="store_true", help="one JSON object per line")
    alerts.set_defaults(handler=cmd_alerts)

    audit = commands.add_parser(
        "audit", parents=[common], help="print the audit log (who did what), oldest first"
    )
    audit.add_argument("--json", action="store_true", help="one JSON object per line")
    audit.add_argument("--limit", type=int, default=10_000, help="at most this many entries")
    audit.set_defaults(handler=cmd_audit)
    apitoken = commands.add_parser("apitoken", help="add or revoke a push API token")
    apitoken_commands = apitoken.add_subparsers(
        dest="apitoken_command", required=True, metavar="ACTION"
    )
    token_add = apitoken_commands.add_parser(
        "add", parents=[common], help="create a push API token and print it"
    )
    token_add.add_argument("name", help="who uses it, e.g. the practice system's name")
    token_add.set_defaults(handler=cmd_apitoken_add)
    token_revoke = apitoken_commands.add_parser(
        "revoke", parents=[common], help="stop a push API token working"
    )
    token_revoke.add_argument("name")
    token_revoke.set_defaults(handler=cmd_apitoken_revoke)
    tls = commands.add_parser("tls", help="certificates for HTTPS on the clinic network")
    tls_commands = tls.add_subparsers(dest="tls_command", required=True, metavar="ACTION")
    tls_init = tls_commands.add_parser(
        "init", help="make a clinic CA (or reuse the one in --dir) and a server certificate"
    )
    tls_init.add_argument(
        "--dir", required=True, help="folder for ca.pem, ca.key, server.pem, server.key"
    )
    tls_init.add_argument(
        "--san",
        action="append",
        required=True,
        metavar="NAME_OR_IP",
        help="a host name or IP address kiosks use for the server (repeat)",
    )
    tls_init.add_argument("--clinic", default="Seen Clinic", help="clinic name in the CA")
    tls_init.add_argument(
        "--days", type=int, default=825, help="server certificate lifetime in days"
    )
    tls_init.set_defaults(handler=cmd_tls_init)
    add_report_parser(commands, common)
    add_backup_parsers(commands, common)
    return parser


def cmd_audit(args) -> int:
    entries = list(reversed(list_audit(_db(args), limit=args.limit)))
    if args.json:
        for entry in entries:
            print(json_line(entry))
        return 0
    if not entries:
        print("The audit log is empty.")
    for entry in entries:
        print(
            f"{shown(entry['at'][:19].replace('T', ' '))}  {shown(entry['actor']):<16}  "
            f"{shown(entry['action']):<24}  {shown(entry['target'] or '')}"
        )
    return 0


def add_report_parser(commands, common) -> None:
    rep = commands.add_parser(
        "report",
        parents=[common],
        help="failure-demand figures for a period; --csv prints its hand-offs as CSV",
    )
    rep.add_argument(
        "--from",
        dest="first",
        metavar="YYYY-MM-DD",
        help="first day (clinic-local; default: --to, else today)",
    )
    rep.add_argument(
        "--to",
        dest="last",
        metavar="YYYY-MM-DD",
        help="last day, included (default: --from, else today)",
    )
    rep.add_argument(
        "--csv", action="store_true", help="print the period's hand-offs as CSV (no names; audited)"
    )
    rep.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    rep.add_argument(
        "--with-names",
        action="store_true",
        help="with --csv: add what patients typed and staff notes (admins only)",
    )
    rep.add_argument(
        "--as",
        dest="as_user",
        metavar="USERNAME",
        help="with --with-names: the admin asking; their password is read from "
        "the prompt or stdin and checked as at the console's sign-in",
    )
    rep.add_argument("--output", metavar="FILE", help="write the CSV here instead of stdout")
    rep.set_defaults(handler=cmd_report)


def cmd_report(args) -> int:
    if args.json and args.csv:
        raise CliError("--json and --csv: choose one")
    if args.with_names and not args.csv:
        raise CliError("--with-names goes with --csv (the figures never show names)")
    if args.with_names and not args.as_user:
        raise CliError("--with-names needs --as USERNAME: an admin, who gives their password")
    settings = _settings(args)
    clock = _clock(settings)
    now = clock.now()
    zone, today = clock.zone, clock.zone.day(now)
    first = report.parse_day(args.first, "--from") if args.first else None
    last = report.parse_day(args.last, "--to") if args.last else None
    period = report.Period(first or last or today, last or first or today, zone)
    db = _db(args)
    if args.csv:
        actor = _actor()
        if args.with_names:
            password = _read_password_once(args.as_user)
            admin = report_export.check_admin_password(db, args.as_user, password, now)
            actor = staff_actor(admin)  # the detail's via says it was the command line
        text = report_export.export(
            db, period, actor=actor, with_names=args.with_names, via="cli", now=now
        )
        if args.output:
            try:
                with open(args.output, "w", encoding="utf-8", newline="") as out:
                    out.write(text)
            except OSError as e:
                raise CliError(f"--output {args.output}: {e.strerror}") from None
        else:
            sys.stdout.write(text)
        return 0
    figures = report.build(queries.load(db, period.start, period.end), period, now)
    if args.json:
        print(json_line(figures))
    else:
        # Kiosk names and labels in the figures are stored text: shown before laid out.
        sys.stdout.write(shown_lines(report_text.render(shown_all(figures))))
    return 0


def add_backup_parsers(commands, common) -> None:
    back = commands.add_parser(
        "backup",
        parents=[common],
        help="copy the database, consistent while the server runs, and check the copy",
    )
    back.add_argument("dest", metavar="PATH", help="a new file, or a folder for seen-<time>.db")
    back.add_argument(
        "--keep", type=int, metavar="N", help="in a folder: keep only the newest N backups"
    )
    back.set_defaults(handler=cmd_backup)
    rest = commands.add_parser(
        "restore",
        parents=[common],
        help="put a backup in place of the database (the server must be stopped)",
    )
    rest.add_argument("source", metavar="PATH", help="a file made by `staffconsole backup`")
    rest.set_defaults(handler=cmd_restore)


def _counts(copy: backup_store.Copy) -> str:
    return ", ".join(f"{n} {table}" for table, n in copy.counts.items())


def cmd_backup(args) -> int:
    db_path = _settings(args).db_path
    now = utcnow()
    copy = backup_store.backup(db_path, args.dest, now, keep=args.keep)
    detail = {"file": str(copy.path), "counts": copy.counts}
    with audited(_db(args), _actor(), "database.backup", None, detail, now):
        pass
    print(f"backed up to {shown(copy.path)} (schema {copy.schema_version}; {_counts(copy)})")
    return 0


def cmd_restore(args) -> int:
    db_path = _settings(args).db_path
    now = utcnow()
    copy, kept = backup_store.restore(args.source, db_path, now)
    detail = {"file": str(args.source), "counts": copy.counts, "kept": str(kept or "")}
    with audited(_db(args), _actor(), "database.restore", None, detail, now):
        pass  # written into the restored database: it says where it came from
    if kept:
        print(f"the database it replaced is kept as {shown(kept)}")
    print(
        f"restored {shown(args.source)} to {shown(db_path)} ({_counts(copy)}); start the server again"
    )
    return 0


# -- people leaving, changing jobs, forgetting (issue 17): each change audited ---------


def add_account_parsers(user_commands, kiosk_commands, common) -> None:
    listing = user_commands.add_parser("list", parents=[common], help="list staff logins")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    listing.set_defaults(handler=cmd_user_list)
    for name, handler, text in (
        ("disable", cmd_user_disable, "stop a login working and sign it out everywhere"),
        ("enable", cmd_user_enable, "let a disabled login sign in again"),
        ("reset-password", cmd_user_reset_password, "set a new password (prompt or stdin)"),
        ("remove", cmd_user_remove, "delete a login (the audit log keeps its name)"),
        ("unlock", cmd_user_unlock, "end a sign-in pause after wrong passwords"),
    ):
        command = user_commands.add_parser(name, parents=[common], help=text)
        command.add_argument("username")
        command.set_defaults(handler=handler)
    role = user_commands.add_parser("set-role", parents=[common], help="change a login's role")
    role.add_argument("username")
    role.add_argument("role", choices=ROLES)
    role.set_defaults(handler=cmd_user_set_role)
    kiosks = kiosk_commands.add_parser("list", parents=[common], help="list kiosks")
    kiosks.add_argument("--json", action="store_true", help="one JSON object per line")
    kiosks.set_defaults(handler=cmd_kiosk_list)
    rename = kiosk_commands.add_parser("rename", parents=[common], help="rename a kiosk")
    rename.add_argument("name")
    rename.add_argument("new_name")
    rename.set_defaults(handler=cmd_kiosk_rename)


def cmd_user_list(args) -> int:
    db = _db(args)
    found = accounts.list_users(db)
    with audited(db, _actor(), "user.list", None, {"count": len(found)}, utcnow()):
        pass
    if args.json:
        for user in found:
            print(json_line({**user, "disabled": bool(user["disabled"])}))
        return 0
    if not found:
        print("No staff logins: add one with `staffconsole user add NAME --role admin`.")
        return 0
    print(f"{'username':<24}  {'role':<12}  {'state':<8}  created (UTC)")
    for user in found:
        state = "disabled" if user["disabled"] else "active"
        print(
            f"{shown(user['username']):<24}  {user['role']:<12}  {state:<8}  "
            f"{user['created_at'][:16].replace('T', ' ')}"
        )
    return 0


def _account_change(args, action: str, change, detail: dict | None = None) -> dict:
    db = _db(args)
    now = utcnow()  # one instant for the change and its audit row
    with audited(db, _actor(), action, args.username.strip(), detail, now):
        return change(db)


def cmd_user_disable(args) -> int:
    user = _account_change(
        args, "user.disable", lambda db: accounts.set_disabled(db, args.username, True)
    )
    print(f"User {user['username']!r} disabled and signed out everywhere.")
    return 0


def cmd_user_enable(args) -> int:
    user = _account_change(
        args, "user.enable", lambda db: accounts.set_disabled(db, args.username, False)
    )
    print(f"User {user['username']!r} enabled.")
    return 0


def cmd_user_reset_password(args) -> int:
    password = _read_password(args.username)
    if not password:
        raise CliError("the password is empty; nothing was changed")
    hashed = passwords.hash_password(password)  # slow: before the write lock
    user = _account_change(
        args, "user.reset_password", lambda db: accounts.set_password(db, args.username, hashed)
    )
    print(
        f"Password of {user['username']!r} changed; their sessions were signed out and "
        "their PIN cleared (they set a new one on the console)."
    )
    return 0


def cmd_user_set_role(args) -> int:
    user = _account_change(
        args,
        "user.set_role",
        lambda db: accounts.set_role(db, args.username, args.role),
        {"role": args.role},
    )
    print(f"User {user['username']!r} is now {user['role']} (signed out to pick it up).")
    return 0


def cmd_user_remove(args) -> int:
    user = _account_change(args, "user.remove", lambda db: accounts.remove_user(db, args.username))
    print(f"User {user['username']!r} removed.")
    return 0


def cmd_user_unlock(args) -> int:
    db = _db(args)
    now = utcnow()
    key = staff_sessions.attempt_key(args.username)
    with audited(db, _actor(), "user.unlock", key, None, now) as entry:
        counting = staff_sessions.unlock_sign_in(db, args.username, now)
        entry.detail["failures"] = counting
    print(f"Sign-in for {key!r} unpaused ({counting} failed tries no longer count).")
    return 0


def cmd_kiosk_list(args) -> int:
    db = _db(args)
    found = list_kiosks(db)
    fields = ("name", "created_at", "revoked_at", "last_seen_at", "app_version", "printer_state")
    if args.json:
        for kiosk in found:
            print(json_line({field: kiosk[field] for field in fields}))
        return 0
    if not found:
        print('No kiosks: add one with `staffconsole kiosk add "Lobby kiosk 1"`.')
        return 0
    print(f"{'name':<24}  {'state':<8}  {'last seen (UTC)':<16}  {'version':<8}  printer")
    for kiosk in found:
        state = "revoked" if kiosk["revoked_at"] else "active"
        seen = (kiosk["last_seen_at"] or "never")[:16].replace("T", " ")
        print(
            f"{shown(kiosk['name']):<24}  {state:<8}  {seen:<16}  "
            f"{shown(kiosk['app_version'] or '-'):<8}  {shown(kiosk['printer_state'] or '-')}"
        )
    return 0


def cmd_kiosk_rename(args) -> int:
    db = _db(args)
    now = utcnow()
    new_name = " ".join(args.new_name.split())
    with audited(db, _actor(), "kiosk.rename", new_name, {"from": args.name}, now):
        kiosk = rename_kiosk(db, args.name, args.new_name)
    print(f"Kiosk {args.name!r} is now {kiosk['name']!r}; its token still works.")
    return 0


def _read_password_once(username: str) -> str:
    if sys.stdin.isatty():
        return getpass.getpass(f"Password for {shown(username)}: ")
    return sys.stdin.readline().rstrip("\r\n")


# The one place errors become an exit code and a line on stderr (never a traceback).
# 2: the schedule file as a whole is unusable; 1: anything else refused, including a
# database that is locked or refuses a write (the change and its audit row roll back).
EXIT_CODES: dict[type[Exception], int] = {
    ScheduleError: 2,
    CliError: 1,
    ConfigError: 1,
    DatabaseError: 1,
    sqlite3.Error: 1,
    StoreError: 1,
    report.BadPeriod: 1,
    report_export.NamesRefused: 1,
}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except tuple(EXIT_CODES) as e:
        print(f"staffconsole: {shown(e)}", file=sys.stderr)
        return next(EXIT_CODES[cls] for cls in type(e).__mro__ if cls in EXIT_CODES)
    except KeyboardInterrupt:
        return 130
