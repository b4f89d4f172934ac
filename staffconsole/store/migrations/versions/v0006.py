"""Version 6: HL7 v2 (outbound arrival messages, patients by MRN)."""

from staffconsole.store.migrate import apply

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    apply(6)
