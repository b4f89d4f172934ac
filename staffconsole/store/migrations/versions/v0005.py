"""Version 5: API tokens gain the metrics scope."""

from staffconsole.store.migrate import apply

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    apply(5)
