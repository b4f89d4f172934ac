"""Who may use the server: kiosks, staff logins and push API tokens (each change audited).

People leave, change jobs and forget passwords (issue 17): every command here writes an
audit row in the same transaction as its change.
"""

from __future__ import annotations

from staffconsole.auth import api_tokens, staff_sessions
from staffconsole.auth import users as accounts
from staffconsole.auth.kiosks import add_kiosk, list_kiosks, rename_kiosk, revoke_kiosk
from staffconsole.auth.users import ROLES, new_user, save_user
from staffconsole.cli.common import CliError, actor, open_store, print_listing, read_password
from staffconsole.clock import utcnow
from staffconsole.store.audit import audited


def add_parsers(commands, common) -> None:
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
    _add_more(user_commands, kiosk_commands, common)
    apitoken = commands.add_parser("apitoken", help="add or revoke a push API token")
    apitoken_commands = apitoken.add_subparsers(
        dest="apitoken_command", required=True, metavar="ACTION"
    )
    token_add = apitoken_commands.add_parser(
        "add", parents=[common], help="create a push API token and print it"
    )
    token_add.add_argument("name", help="who uses it, e.g. the practice system's name")
    token_add.add_argument(
        "--scope",
        choices=api_tokens.SCOPES,
        default="push",
        help="push: the practice system's push API (default); metrics: a scraper of /metrics",
    )
    token_add.set_defaults(handler=cmd_apitoken_add)
    token_revoke = apitoken_commands.add_parser(
        "revoke", parents=[common], help="stop a push API token working"
    )
    token_revoke.add_argument("name")
    token_revoke.set_defaults(handler=cmd_apitoken_revoke)


def _add_more(user_commands, kiosk_commands, common) -> None:
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


def cmd_kiosk_add(args) -> int:
    db = open_store(args)
    now = utcnow()  # one instant for the change and its audit row
    with audited(db, actor(), "kiosk.add", " ".join(args.name.split()), None, now):
        token = add_kiosk(db, args.name, now)
    print(
        f"Kiosk {' '.join(args.name.split())!r} added. Put this token in the kiosk's "
        "config file (token = ...)."
    )
    print("It is shown only this once; if it is lost, revoke the kiosk and add it again.")
    print(token)
    return 0


def cmd_kiosk_revoke(args) -> int:
    db = open_store(args)
    now = utcnow()  # one instant for the change and its audit row
    with audited(db, actor(), "kiosk.revoke", None, None, now) as entry:
        kiosk = revoke_kiosk(db, args.name, now)
        entry.target = kiosk["name"]
    print(f"Kiosk {kiosk['name']!r} revoked: its token no longer works.")
    return 0


def cmd_kiosk_list(args) -> int:
    fields = ("name", "created_at", "revoked_at", "last_seen_at", "app_version", "printer_state")
    rows = [{field: kiosk[field] for field in fields} for kiosk in list_kiosks(open_store(args))]
    columns = [
        ("name", 24, lambda k: k["name"]),
        ("state", 8, lambda k: "revoked" if k["revoked_at"] else "active"),
        ("last seen (UTC)", 16, lambda k: _minute(k["last_seen_at"] or "never")),
        ("version", 8, lambda k: k["app_version"] or "-"),
        ("printer", 0, lambda k: k["printer_state"] or "-"),
    ]
    empty = 'No kiosks: add one with `staffconsole kiosk add "Lobby kiosk 1"`.'
    print_listing(rows, columns, as_json=args.json, empty=empty)
    return 0


def _minute(stamp: str) -> str:
    return stamp[:16].replace("T", " ")


def cmd_kiosk_rename(args) -> int:
    db = open_store(args)
    now = utcnow()
    new_name = " ".join(args.new_name.split())
    with audited(db, actor(), "kiosk.rename", new_name, {"from": args.name}, now):
        kiosk = rename_kiosk(db, args.name, args.new_name)
    print(f"Kiosk {args.name!r} is now {kiosk['name']!r}; its token still works.")
    return 0


def cmd_user_add(args) -> int:
    db = open_store(args)
    password = read_password(args.username)
    if not password:
        raise CliError("the password is empty; nothing was changed")
    login = new_user(args.username, password, args.role)
    now = utcnow()  # one instant for the change and its audit row
    with audited(db, actor(), "user.add", login.username, {"role": login.role}, now):
        user = save_user(db, login, now)
    print(f"User {user['username']!r} added ({user['role']}).")
    return 0


def cmd_user_list(args) -> int:
    db = open_store(args)
    found = accounts.list_users(db)
    with audited(db, actor(), "user.list", None, {"count": len(found)}, utcnow()):
        pass
    rows = [{**user, "disabled": bool(user["disabled"])} for user in found]
    columns = [
        ("username", 24, lambda u: u["username"]),
        ("role", 12, lambda u: u["role"]),
        ("state", 8, lambda u: "disabled" if u["disabled"] else "active"),
        ("created (UTC)", 0, lambda u: _minute(u["created_at"])),
    ]
    empty = "No staff logins: add one with `staffconsole user add NAME --role admin`."
    print_listing(rows, columns, as_json=args.json, empty=empty)
    return 0


def _account_change(args, action: str, change, detail: dict | None = None) -> dict:
    db = open_store(args)
    now = utcnow()  # one instant for the change and its audit row
    with audited(db, actor(), action, args.username.strip(), detail, now):
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
    password = read_password(args.username)
    if not password:
        raise CliError("the password is empty; nothing was changed")
    hashed = accounts.hash_chosen_password(args.username, password)  # slow: before the lock
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
    db = open_store(args)
    now = utcnow()
    key = staff_sessions.attempt_key(args.username)
    with audited(db, actor(), "user.unlock", key, None, now) as entry:
        counting = staff_sessions.unlock_sign_in(db, args.username, now)
        entry.detail["failures"] = counting
    print(f"Sign-in for {key!r} unpaused ({counting} failed tries no longer count).")
    return 0


def cmd_apitoken_add(args) -> int:
    db = open_store(args)
    target, detail = " ".join(args.name.split()), {"scope": args.scope}
    now = utcnow()  # one instant for the change and its audit row
    with audited(db, actor(), "apitoken.add", target, detail, now):
        token = api_tokens.add_token(db, args.name, args.scope, now)
    user = "practice system" if args.scope == "push" else "metrics scraper"
    print(
        f"API token {' '.join(args.name.split())!r} added (scope {args.scope}). Give it to "
        f"the {user} as 'Authorization: Bearer <token>'."
    )
    print("It is shown only this once; if it is lost, revoke it and add another.")
    print(token)
    return 0


def cmd_apitoken_revoke(args) -> int:
    db = open_store(args)
    now = utcnow()  # one instant for the change and its audit row
    with audited(db, actor(), "apitoken.revoke", None, None, now) as entry:
        found = api_tokens.revoke_token(db, args.name, now)
        entry.target = found["name"]
    print(f"API token {found['name']!r} revoked: it no longer works.")
    return 0
