"""Write the settings tables of docs/settings.md from the declarations in the code.

    .venv/bin/python deploy/settings_docs.py          # rewrite the tables in place
    .venv/bin/python deploy/settings_docs.py --check  # exit 1 if the doc is out of date

A script rather than a `python -m seen.settings`: seen must not import the kiosk or the
server, and this needs both (kiosk.config.KIOSK, staffconsole.config.SERVER). Each table
sits between `<!-- settings:NAME -->` and `<!-- /settings:NAME -->`; the prose around
them is left alone. tests/deploy/test_settings_docs.py runs the check.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from kiosk.config import KIOSK
from seen.settings import markdown_table, other_variables_table
from staffconsole.config import SERVER

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "settings.md"
COMMAND = ".venv/bin/python deploy/settings_docs.py"


def tables() -> dict[str, str]:
    return {
        "server": markdown_table(SERVER),
        "kiosk": markdown_table(KIOSK),
        "other-variables": other_variables_table(),
    }


def render(text: str, where: str) -> str:
    """The doc's text with every marked table replaced by the generated one."""
    for name, table in tables().items():
        pattern = re.compile(
            rf"(<!-- settings:{name} -->\n).*?(<!-- /settings:{name} -->)", re.DOTALL
        )
        if not pattern.search(text):
            raise SystemExit(f"{where}: no <!-- settings:{name} --> ... <!-- /settings:{name} -->")
        text = pattern.sub(lambda m, t=table: m.group(1) + t + m.group(2), text)
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say whether it is up to date")
    parser.add_argument(
        "--doc", type=Path, default=DOC, help="the Markdown file (docs/settings.md)"
    )
    args = parser.parse_args(argv)
    text = args.doc.read_text(encoding="utf-8")
    wanted = render(text, str(args.doc))
    if wanted == text:
        return 0
    if args.check:
        print(
            f"{args.doc}: the settings tables differ from the code; regenerate them with "
            f"`{COMMAND}`",
            file=sys.stderr,
        )
        return 1
    args.doc.write_text(wanted, encoding="utf-8")
    print(f"wrote {args.doc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
