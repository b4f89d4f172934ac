"""Version 2: call-in and seen marks, the escalation ladder, schedule in and out."""

from staffconsole.store.migrate import apply

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    apply(2)
