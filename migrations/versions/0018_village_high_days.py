"""High-risk checks per village and day: the villages ranking reads these counted rows.

`village_high_days` holds, per village code and local day, how many checks (checklists and ad
checks together) came out high. Triggers on `checklist_results` and `offer_checks` add to it in
the same transaction as each check, like check_days (migration 0015); existing checks are counted
here once, and db/check_days.recount() counts it again after a bulk load. Checks are never updated
or deleted, so the counts stay exact.

Why (EXPLAIN QUERY PLAN / EXPLAIN ANALYZE, 1M checks, bench/stats_scale.py): the national 365-day
ranking read every check of the year from the (day, village) indexes, looked up each row's risk
(SQLite could not use the partial high-risk indexes: the risk is a bound parameter) and grouped
the union of both tables in a temporary B-tree: 2.5-3.0 s of SQLite's 3.3 s summary. Here both
kinds of check share a row, the primary key (village, day) is the table's own order on SQLite
(WITHOUT ROWID: no lookup of n) and the year is grouped in village order with no sort.

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, day column)
CHECKS = (("checklist_results", "taken_on"), ("offer_checks", "checked_on"))
HIGH = "risk = 'high' AND region_code IS NOT NULL"
UPSERT = "ON CONFLICT (village_code, day) DO UPDATE SET n = village_high_days.n + excluded.n"


def backfill() -> str:
    """Every high-risk check counted once, both tables together (also db/check_days.recount)."""
    parts = " UNION ALL ".join(
        f"SELECT region_code AS village_code, {day} AS day FROM {table} WHERE {HIGH}" for table, day in CHECKS
    )
    return (
        "INSERT INTO village_high_days (village_code, day, n) "
        f"SELECT village_code, day, count(*) FROM ({parts}) AS high GROUP BY village_code, day"
    )


def upgrade() -> None:
    code = sa.String(length=16).with_variant(sa.String(length=16, collation="C"), "postgresql")
    op.create_table(
        "village_high_days",
        sa.Column("village_code", code, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("village_code", "day", name=op.f("pk_village_high_days")),
        sqlite_with_rowid=False,
    )
    op.execute(backfill())
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table, day in CHECKS:
        insert = (
            f"INSERT INTO village_high_days (village_code, day, n) VALUES (NEW.region_code, NEW.{day}, 1)"
        )
        if postgresql:
            op.execute(
                f"CREATE FUNCTION count_high_{table}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN {insert} {UPSERT}; RETURN NULL; END $$"
            )
            op.execute(
                f"CREATE TRIGGER count_high_{table} AFTER INSERT ON {table} FOR EACH ROW "
                f"WHEN (NEW.risk = 'high' AND NEW.region_code IS NOT NULL) "
                f"EXECUTE FUNCTION count_high_{table}()"
            )
        else:
            op.execute(
                f"CREATE TRIGGER count_high_{table} AFTER INSERT ON {table} "
                f"WHEN NEW.risk = 'high' AND NEW.region_code IS NOT NULL BEGIN {insert} {UPSERT}; END"
            )


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table, _day in CHECKS:
        if postgresql:
            op.execute(f"DROP TRIGGER count_high_{table} ON {table}")
            op.execute(f"DROP FUNCTION count_high_{table}()")
        else:
            op.execute(f"DROP TRIGGER count_high_{table}")
    op.drop_table("village_high_days")
