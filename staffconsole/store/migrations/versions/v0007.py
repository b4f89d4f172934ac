"""Version 7: the lobby display (display tokens, calls sent to displays)."""

from staffconsole.store.migrate import apply

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    apply(7)
