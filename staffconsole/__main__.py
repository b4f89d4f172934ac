"""`python -m staffconsole` is the `staffconsole` command."""

from staffconsole.entry import main

raise SystemExit(main())
