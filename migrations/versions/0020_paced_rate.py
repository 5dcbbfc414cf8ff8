"""The shared send rate as one pacing time per channel (bot/rate.py), and a claim per channel.

`rate_windows.free_at` (seconds since the epoch) is the earliest moment at which the channel's next
message may go: each grant reserves evenly spaced send times from there and moves it on. It
replaces the current slot (`window`) and what that slot used (`used`), whose shares capped the rate
at 20/21 of the limit.

`ix_outbox_claim_channel`: the sender now claims per channel only as many messages as the rate
granted (no more claiming a batch and putting back what the rate refused). Why (EXPLAIN on
PostgreSQL, 100k pending telegram rows queued before 100k whatsapp rows): `channel = 'whatsapp'
... ORDER BY priority, id LIMIT 25` on ix_outbox_claim walks every pending telegram row first;
with (channel, priority, id) it reads the 25 rows it returns.

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING = sa.text("status = 'pending'")


def upgrade() -> None:
    # Only the current moment matters: the counts of old slots are dropped, not converted.
    op.execute("DELETE FROM rate_windows")
    with op.batch_alter_table("rate_windows", schema=None) as batch_op:
        batch_op.drop_column("used")
        batch_op.drop_column("window")
        batch_op.add_column(sa.Column("free_at", sa.Double(), nullable=False, server_default="0"))
    op.create_index(
        "ix_outbox_claim_channel",
        "outbox",
        ["channel", "priority", "id"],
        postgresql_where=PENDING,
        sqlite_where=PENDING,
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_claim_channel", table_name="outbox")
    op.execute("DELETE FROM rate_windows")
    with op.batch_alter_table("rate_windows", schema=None) as batch_op:
        batch_op.drop_column("free_at")
        batch_op.add_column(sa.Column("window", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("used", sa.Integer(), nullable=False, server_default="0"))
