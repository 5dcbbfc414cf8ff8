"""Seen before: keyed hashes of recruiters' numbers, links, handles and companies from risky ad
checks and reports, and each sighting's day, regency, risk and case (issue 20).

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "seen_identifiers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("first_seen", sa.Date(), nullable=False),
        sa.Column("last_seen", sa.Date(), nullable=False),
        sa.Column("mark", sa.String(length=10), nullable=True),
        sa.Column("marked_on", sa.Date(), nullable=True),
        sa.Column("sightings", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("regencies", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("reports", sa.Integer(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seen_identifiers")),
        sa.UniqueConstraint("digest", name=op.f("uq_seen_identifiers_digest")),
    )
    op.create_index(op.f("ix_seen_identifiers_last_seen"), "seen_identifiers", ["last_seen"])
    op.create_table(
        "seen_sightings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("identifier_id", sa.Integer(), nullable=False),
        sa.Column("seen_on", sa.Date(), nullable=False),
        sa.Column("regency_code", sa.String(length=8), nullable=True),
        sa.Column("risk", sa.String(length=8), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["identifier_id"],
            ["seen_identifiers.id"],
            name=op.f("fk_seen_sightings_identifier_id_seen_identifiers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_seen_sightings_case_id_cases"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seen_sightings")),
    )
    op.create_index(op.f("ix_seen_sightings_identifier_id"), "seen_sightings", ["identifier_id"])
    op.create_index(op.f("ix_seen_sightings_case_id"), "seen_sightings", ["case_id"])
    op.create_index("ix_seen_sightings_regency_day", "seen_sightings", ["regency_code", "seen_on"])


def downgrade() -> None:
    op.drop_table("seen_sightings")
    op.drop_table("seen_identifiers")
