"""`python -m kiosk` is the `kiosk` command."""

from kiosk.entry import main

raise SystemExit(main())
