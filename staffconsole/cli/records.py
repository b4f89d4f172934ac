"""What the server has recorded: alerts, the audit log, the report, backups."""

from __future__ import annotations

import sys

from seen.terminal import json_line, shown, shown_all, shown_lines
from staffconsole.cli.common import (
    CliError,
    actor,
    clinic_clock,
    open_store,
    read_password_once,
    settings_from,
)
from staffconsole.clock import utcnow
from staffconsole.report import export as report_export
from staffconsole.report import figures as report
from staffconsole.report import queries
from staffconsole.report import text as report_text
from staffconsole.store import backup as backup_store
from staffconsole.store.alerts import list_alerts
from staffconsole.store.audit import audited, list_audit, staff_actor


def add_parsers(commands, common) -> None:
    alerts = commands.add_parser("alerts", parents=[common], help="list alerts")
    alerts.add_argument("--all", action="store_true", help="include resolved alerts")
    alerts.add_argument("--json", action="store_true", help="one JSON object per line")
    alerts.set_defaults(handler=cmd_alerts)

    audit = commands.add_parser(
        "audit", parents=[common], help="print the audit log (who did what), oldest first"
    )
    audit.add_argument("--json", action="store_true", help="one JSON object per line")
    audit.add_argument("--limit", type=int, default=10_000, help="at most this many entries")
    audit.add_argument(
        "--changes",
        action="store_true",
        help="only what people and systems changed, not their reads of patient lists",
    )
    audit.set_defaults(handler=cmd_audit)
    add_report_parser(commands, common)
    add_backup_parsers(commands, common)


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
    found = list_alerts(open_store(args), include_resolved=args.all)
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


def cmd_audit(args) -> int:
    entries = list(reversed(list_audit(open_store(args), limit=args.limit, reads=not args.changes)))
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
    settings = settings_from(args)
    clock = clinic_clock(settings)
    now = clock.now()
    zone, today = clock.zone, clock.zone.day(now)
    first = report.parse_day(args.first, "--from") if args.first else None
    last = report.parse_day(args.last, "--to") if args.last else None
    period = report.Period(first or last or today, last or first or today, zone)
    db = open_store(args)
    if args.csv:
        who = actor()
        if args.with_names:
            password = read_password_once(args.as_user)
            admin = report_export.check_admin_password(db, args.as_user, password, now)
            who = staff_actor(admin)  # the detail's via says it was the command line
        text = report_export.export(
            db, period, actor=who, with_names=args.with_names, via="cli", now=now
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
    db_path = settings_from(args).db_path
    now = utcnow()
    copy = backup_store.backup(db_path, args.dest, now, keep=args.keep)
    detail = {"file": str(copy.path), "counts": copy.counts}
    with audited(open_store(args), actor(), "database.backup", None, detail, now):
        pass
    print(f"backed up to {shown(copy.path)} (schema {copy.schema_version}; {_counts(copy)})")
    return 0


def cmd_restore(args) -> int:
    db_path = settings_from(args).db_path
    now = utcnow()
    copy, kept = backup_store.restore(args.source, db_path, now)
    detail = {"file": str(args.source), "counts": copy.counts, "kept": str(kept or "")}
    with audited(open_store(args), actor(), "database.restore", None, detail, now):
        pass  # written into the restored database: it says where it came from
    if kept:
        print(f"the database it replaced is kept as {shown(kept)}")
    print(
        f"restored {shown(args.source)} to {shown(db_path)} ({_counts(copy)}); start the server again"
    )
    return 0
