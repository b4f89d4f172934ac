"""Version 3: the console locks instead of signing out."""

from staffconsole.store.migrate import apply

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    apply(3)
