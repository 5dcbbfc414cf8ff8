"""Regency contacts: each regency's task force (Gugus Tugas PP-TPPO) and Disnaker office, loaded by
`sigap contacts import FILE.csv` and shown wherever the bot tells a user to contact them.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "regency_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("regency_code", sa.String(length=5), nullable=False),
        sa.Column("office", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("whatsapp", sa.String(length=40), nullable=True),
        sa.Column("hours", sa.String(length=200), nullable=True),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_regency_contacts")),
    )
    with op.batch_alter_table("regency_contacts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_regency_contacts_regency_code"), ["regency_code"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("regency_contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_regency_contacts_regency_code"))
    op.drop_table("regency_contacts")
