"""First contact: a user row made by `sigap admin grant` has no last message (NULL: the person has
not written, so WhatsApp's 24-hour window is closed), and messages a platform would not let the bot
send first wait in the outbox for the person's first message (users.held_messages).

Revision ID: 0011
Revises: 0009
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("last_seen_at", existing_type=sa.DateTime(timezone=True), nullable=True)
        batch_op.add_column(
            sa.Column("held_messages", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    op.execute("UPDATE users SET last_seen_at = created_at WHERE last_seen_at IS NULL")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("held_messages")
        batch_op.alter_column("last_seen_at", existing_type=sa.DateTime(timezone=True), nullable=False)
