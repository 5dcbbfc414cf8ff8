"""A broadcast run's messages counted by status from an index alone.

`sigap broadcast send` asks for the run's progress once a second while it delivers; counting the
run's rows by status went through `ix_outbox_run_id` and read every row for its status (a
million rows of a national broadcast, each second). `ix_outbox_run_status` on (run_id, status)
answers the same grouped count from the index (SQLite: a covering index; PostgreSQL: an
index-only scan) and serves every look-up by run_id the old index served, so that one goes.

Revision ID: 0021
Revises: 0019
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_outbox_run_status", "outbox", ["run_id", "status"], unique=False)
    op.drop_index("ix_outbox_run_id", table_name="outbox")


def downgrade() -> None:
    op.create_index("ix_outbox_run_id", "outbox", ["run_id"], unique=False)
    op.drop_index("ix_outbox_run_status", table_name="outbox")
