"""Version 4: a hostile network (readiness row, kiosk offers, client addresses)."""

from staffconsole.store.migrate import apply

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    apply(4)
