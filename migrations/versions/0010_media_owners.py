"""Who a stored picture belongs to: the unsent report (its user) that uploaded it, the case it was
sent with, or a digest (a chart). Only the owner may delete it; a typed answer never names one.

Existing charts are found in digest_runs.charts; existing report photos get their case (or draft)
when Sigap next starts (db/media.adopt_unowned_photos: the links sit in encrypted fields).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("media", schema=None) as batch_op:
        batch_op.add_column(sa.Column("purpose", sa.String(length=8), nullable=False, server_default="photo"))
        batch_op.add_column(sa.Column("draft_user_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("case_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_media_draft_user_id"), ["draft_user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_media_case_id"), ["case_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_media_draft_user_id_users"), "users", ["draft_user_id"], ["id"], ondelete="CASCADE"
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_media_case_id_cases"), "cases", ["case_id"], ["id"], ondelete="CASCADE"
        )
    # Charts are listed by Sigap itself in digest_runs.charts ("media:N"): no user wrote these.
    digest_runs = sa.table("digest_runs", sa.column("charts", sa.JSON))
    media = sa.table("media", sa.column("id", sa.Integer), sa.column("purpose", sa.String))
    connection = op.get_bind()
    chart_ids = [
        int(reference.removeprefix("media:"))
        for charts in connection.execute(sa.select(digest_runs.c.charts)).scalars()
        for reference in charts or []
        if isinstance(reference, str) and reference.removeprefix("media:").isdigit()
    ]
    if chart_ids:
        connection.execute(sa.update(media).where(media.c.id.in_(chart_ids)).values(purpose="chart"))


def downgrade() -> None:
    with op.batch_alter_table("media", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_media_case_id_cases"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_media_draft_user_id_users"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_media_case_id"))
        batch_op.drop_index(batch_op.f("ix_media_draft_user_id"))
        batch_op.drop_column("case_id")
        batch_op.drop_column("draft_user_id")
        batch_op.drop_column("purpose")
