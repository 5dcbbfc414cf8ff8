"""Broadcasts, their runs (unique per broadcast and due time), a shared rate window, outbox priority and run.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "broadcasts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("region_code", sa.String(length=16), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("library_key", sa.String(length=32), nullable=True),
        sa.Column("text", sa.String(length=4000), nullable=True),
        sa.Column("schedule", sa.String(length=8), nullable=False),
        sa.Column("run_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("weekday", sa.Integer(), nullable=True),
        sa.Column("local_time", sa.String(length=5), nullable=True),
        sa.Column("timezone", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broadcasts")),
    )
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_broadcasts_status"), ["status"], unique=False)

    op.create_table(
        "rate_windows",
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("window", sa.Integer(), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("channel", name=op.f("pk_rate_windows")),
    )
    op.create_table(
        "broadcast_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("broadcast_id", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["broadcast_id"],
            ["broadcasts.id"],
            name=op.f("fk_broadcast_runs_broadcast_id_broadcasts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broadcast_runs")),
        sa.UniqueConstraint("broadcast_id", "due_at", name=op.f("uq_broadcast_runs_broadcast_id")),
    )
    with op.batch_alter_table("broadcast_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_broadcast_runs_broadcast_id"), ["broadcast_id"], unique=False)

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("priority", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("run_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_outbox_run_id"), ["run_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_run_id_broadcast_runs"),
            "broadcast_runs",
            ["run_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_outbox_run_id_broadcast_runs"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_outbox_run_id"))
        batch_op.drop_column("run_id")
        batch_op.drop_column("priority")

    with op.batch_alter_table("broadcast_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_broadcast_runs_broadcast_id"))

    op.drop_table("broadcast_runs")
    op.drop_table("rate_windows")
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_broadcasts_status"))

    op.drop_table("broadcasts")
