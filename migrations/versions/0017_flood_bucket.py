"""Flood control as a token bucket (db/flood.py): when each user's bucket is full again replaces
the start of a one-minute counting window; whether the last message was refused is new, and
flood_count now counts the messages refused since the bucket was last full.

Revision ID: 0017
Revises: 0014
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("flood_window_start")
        batch_op.add_column(sa.Column("flood_full_at", sa.Double(), nullable=True))
        batch_op.add_column(
            sa.Column("flood_refused", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    # Every bucket starts full and nobody starts refused.
    op.execute("UPDATE users SET flood_count = 0")


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("flood_refused")
        batch_op.drop_column("flood_full_at")
        batch_op.add_column(sa.Column("flood_window_start", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE users SET flood_count = 0")
