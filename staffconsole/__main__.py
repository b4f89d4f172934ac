"""`python -m staffconsole` is the `staffconsole` command."""

from staffconsole.cli import main

raise SystemExit(main())
