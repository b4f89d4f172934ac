"""`staffconsole display add|revoke|list`: lobby display screens and their tokens (audited)."""

from __future__ import annotations

from staffconsole.auth.displays import DEFAULT_SITE, add_display, list_displays, revoke_display
from staffconsole.cli.common import actor, open_store, print_listing
from staffconsole.clock import utcnow
from staffconsole.store.audit import audited


def add_parsers(commands, common) -> None:
    display = commands.add_parser("display", help="add, list or revoke lobby displays")
    actions = display.add_subparsers(dest="display_command", required=True, metavar="ACTION")
    add = actions.add_parser("add", parents=[common], help="register a display, print its token")
    add.add_argument("name")
    add.add_argument("--site", default=DEFAULT_SITE, help="the lobby it shows (default: default)")
    add.set_defaults(handler=cmd_display_add)
    revoke = actions.add_parser("revoke", parents=[common], help="revoke a display's token")
    revoke.add_argument("name")
    revoke.set_defaults(handler=cmd_display_revoke)
    listing = actions.add_parser("list", parents=[common], help="list displays")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    listing.set_defaults(handler=cmd_display_list)


def cmd_display_add(args) -> int:
    db = open_store(args)
    now = utcnow()
    name = " ".join(args.name.split())
    with audited(db, actor(), "display.add", name, {"site": args.site}, now):
        token = add_display(db, args.name, now, args.site)
    print(f"Display {name!r} added. Open this address on the screen (full screen, kiosk mode):")
    print(f"  https://<server>/lobby/{args.site}#token={token}")
    print("The token after # never reaches a server log; it is shown only this once.")
    print(token)
    return 0


def cmd_display_revoke(args) -> int:
    db = open_store(args)
    now = utcnow()
    with audited(db, actor(), "display.revoke", None, None, now) as entry:
        display = revoke_display(db, args.name, now)
        entry.target = display["name"]
    print(f"Display {display['name']!r} revoked: its screen goes blank at its next request.")
    return 0


def cmd_display_list(args) -> int:
    fields = ("name", "site", "created_at", "revoked_at", "last_seen_at")
    rows = [{f: d[f] for f in fields} for d in list_displays(open_store(args))]
    columns = [
        ("name", 24, lambda d: d["name"]),
        ("site", 12, lambda d: d["site"]),
        ("state", 8, lambda d: "revoked" if d["revoked_at"] else "active"),
        ("last seen (UTC)", 0, lambda d: (d["last_seen_at"] or "never")[:16].replace("T", " ")),
    ]
    empty = 'No displays: add one with `staffconsole display add "Waiting room"`.'
    print_listing(rows, columns, as_json=args.json, empty=empty)
    return 0
