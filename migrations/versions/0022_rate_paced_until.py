"""The shared send rate paces sends instead of counting them per slot.

`rate_windows` held a 50 ms slot's number and the sends it had used; each channel's row now holds
the wall-clock moment up to which sends have been given their turn (bot/rate.py). The row is only
ever the state of the last fraction of a second, so the table is made again, not converted.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_table("rate_windows")
    op.create_table(
        "rate_windows",
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("paced_until", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("channel", name=op.f("pk_rate_windows")),
    )


def downgrade() -> None:
    op.drop_table("rate_windows")
    op.create_table(
        "rate_windows",
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("window", sa.Integer(), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("channel", name=op.f("pk_rate_windows")),
    )
