"""A revoked or suspended licence as a column of its own.

The register export lists companies whose licence was revoked or suspended; Sigap keeps them so
that an ad naming one is told "revoked" rather than "not in the register". Round 4 of the ad check
marked them with a prefix on `match_name` for want of a column; this gives them one, and moves the
marks over (the prefix goes).

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PREFIX = "dicabut:"


def upgrade() -> None:
    with op.batch_alter_table("agencies") as batch_op:
        batch_op.add_column(sa.Column("revoked", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute(
        sa.text(
            "UPDATE agencies SET revoked = :yes, match_name = substr(match_name, :start) "
            "WHERE match_name LIKE :marked"
        ).bindparams(yes=True, start=len(PREFIX) + 1, marked=PREFIX + "%")
    )


def downgrade() -> None:
    op.execute(
        sa.text("UPDATE agencies SET match_name = :prefix || match_name WHERE revoked = :yes").bindparams(
            prefix=PREFIX, yes=True
        )
    )
    with op.batch_alter_table("agencies") as batch_op:
        batch_op.drop_column("revoked")
