"""Version 1: the tables of the first Seen."""

from staffconsole.store.migrate import apply

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    apply(1)
