"""Scale: indexes for a province's million rows, byte-order region codes, resumable fan-out.

Each index answers a query EXPLAIN showed scanning a table (PostgreSQL, 1M rows):
- checklist_results / offer_checks (day, region) and (region, day): the statistics of a national
  period read by day; a region's by its code range then day.
- region codes under collation "C" (PostgreSQL): "codes under 61.12" is then the range
  ["61.12.", "61.12/") a b-tree serves; under en_US.UTF-8 neither that range nor LIKE '61.12.%'
  uses an index.
- cases by village (statistics, a village official's list), closed_at (statistics, retention),
  purged_at (retention), reporter_user_id (/dataku, erasure).
- outbox: a partial index of pending rows in claim order (priority, id); the claim no longer walks
  the rows already sent, so its cost and an idle poll's stay flat as history grows.
- users (channel, chat_id): a chat that blocked the bot, or wrote first, found without a scan.
- broadcast_runs.queued_through / fanned_out: how far a run's fan-out got, so it can continue.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, column, nullable) of the region codes compared by range.
REGION_CODES = (
    ("checklist_results", "region_code", True),
    ("offer_checks", "region_code", True),
    ("cases", "village_code", False),
    ("subscriptions", "region_code", False),
)
PENDING = sa.text("status = 'pending'")


def _collate(collation: str | None) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite compares bytes already
    for table, column, nullable in REGION_CODES:
        op.alter_column(
            table,
            column,
            type_=sa.String(16, collation=collation),
            existing_type=sa.String(16),
            existing_nullable=nullable,
        )


def upgrade() -> None:
    _collate("C")
    op.create_index("ix_checklist_results_day_region", "checklist_results", ["taken_on", "region_code"])
    op.create_index("ix_checklist_results_region_day", "checklist_results", ["region_code", "taken_on"])
    op.create_index("ix_offer_checks_day_region", "offer_checks", ["checked_on", "region_code"])
    op.create_index("ix_offer_checks_region_day", "offer_checks", ["region_code", "checked_on"])
    op.create_index("ix_cases_village_code", "cases", ["village_code"])
    op.create_index("ix_cases_closed_at", "cases", ["closed_at"])
    op.create_index("ix_cases_purged_at", "cases", ["purged_at"])
    op.create_index("ix_cases_reporter_user_id", "cases", ["reporter_user_id"])
    op.create_index(
        "ix_outbox_claim", "outbox", ["priority", "id"], postgresql_where=PENDING, sqlite_where=PENDING
    )
    op.create_index("ix_users_channel_chat", "users", ["channel", "chat_id"])
    with op.batch_alter_table("broadcast_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("queued_through", sa.Integer(), nullable=False, server_default="0"))
        # Runs made before this revision were fanned out in one transaction: done.
        batch_op.add_column(sa.Column("fanned_out", sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table("broadcast_runs", schema=None) as batch_op:
        batch_op.drop_column("fanned_out")
        batch_op.drop_column("queued_through")
    for name, table in (
        ("ix_users_channel_chat", "users"),
        ("ix_outbox_claim", "outbox"),
        ("ix_cases_reporter_user_id", "cases"),
        ("ix_cases_purged_at", "cases"),
        ("ix_cases_closed_at", "cases"),
        ("ix_cases_village_code", "cases"),
        ("ix_offer_checks_region_day", "offer_checks"),
        ("ix_offer_checks_day_region", "offer_checks"),
        ("ix_checklist_results_region_day", "checklist_results"),
        ("ix_checklist_results_day_region", "checklist_results"),
    ):
        op.drop_index(name, table_name=table)
    _collate(None)
