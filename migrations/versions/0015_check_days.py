"""Daily check counts: the national statistics read a few thousand counted rows, not every check.

`check_days` holds, per local day, province ('' when the user gave no village) and source, how
many checks came out at each risk, raised each sign, and (ads) named each country. Triggers on
`checklist_results` and `offer_checks` add to it in the same transaction as each check, whatever
writes the check (the bot, an import, a benchmark's SQL); existing checks are counted here once.
Checks are never updated or deleted (they hold nothing personal), so the counts stay exact.

Why (EXPLAIN ANALYZE, PostgreSQL, 1M checks, `bench/scale.py`): the national 365-day summary
grouped every check of two years by day and risk (a 9 MB sort spilled to disk), cast each check's
flags JSON to text, and grouped the year's high-risk checks by village: 8-10 s on the shared
machine. The counted rows are at most days x 38 provinces x figures.

Also partial indexes of high-risk checks by (village, day): the villages with most warnings
are counted from an index-only scan in village order (no heap, no hash of 100k villages).

Sent outbox rows older than [delivery] sent_retention_days are deleted by an hourly job; what a
broadcast run's deleted rows were (channel, status, delivery status) is added to `run_deliveries`
first, so progress and delivery reports still count them. `ix_outbox_sent` (sent_at of sent
rows) finds the rows to delete without reading the queue.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HIGH = sa.text("risk = 'high'")
SENT = sa.text("status = 'sent'")
KEY = "(day, area, source, figure, key)"
# (table, day column, source, has a destination)
CHECKS = (("checklist_results", "taken_on", "checklist", False), ("offer_checks", "checked_on", "ad", True))


def _postgresql_function(table: str, day: str, source: str, destination: bool) -> str:
    ads = (
        f"""
            UNION ALL
            SELECT NEW.{day}, province, '{source}', 'destination', NEW.destination, 1
            WHERE NEW.destination IS NOT NULL AND NEW.destination <> ''"""
        if destination
        else ""
    )
    return f"""
        CREATE FUNCTION count_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE province text := coalesce(substr(NEW.region_code, 1, 2), '');
        BEGIN
            INSERT INTO check_days (day, area, source, figure, key, n)
            SELECT NEW.{day}, province, '{source}', 'risk', NEW.risk, 1
            UNION ALL
            SELECT NEW.{day}, province, '{source}', 'flag', sign, count(*)
            FROM json_array_elements_text(NEW.flags -> 'raised') AS sign GROUP BY sign{ads}
            ON CONFLICT {KEY} DO UPDATE SET n = check_days.n + EXCLUDED.n;
            RETURN NULL;
        END $$"""


def _sqlite_statements(table: str, day: str, source: str, destination: bool) -> list[str]:
    area = "coalesce(substr(NEW.region_code, 1, 2), '')"
    upsert = f"ON CONFLICT {KEY} DO UPDATE SET n = n + excluded.n"
    # "WHERE true" keeps SQLite's parser from reading ON CONFLICT as a join's ON.
    body = [
        f"INSERT INTO check_days (day, area, source, figure, key, n) "
        f"SELECT NEW.{day}, {area}, '{source}', 'risk', NEW.risk, 1 WHERE true {upsert};",
        f"INSERT INTO check_days (day, area, source, figure, key, n) "
        f"SELECT NEW.{day}, {area}, '{source}', 'flag', value, count(*) "
        f"FROM json_each(NEW.flags, '$.raised') WHERE true GROUP BY value {upsert};",
    ]
    if destination:
        body.append(
            f"INSERT INTO check_days (day, area, source, figure, key, n) "
            f"SELECT NEW.{day}, {area}, '{source}', 'destination', NEW.destination, 1 "
            f"WHERE NEW.destination IS NOT NULL AND NEW.destination <> '' {upsert};"
        )
    return [f"CREATE TRIGGER count_{table} AFTER INSERT ON {table} BEGIN {' '.join(body)} END"]


def _backfill(dialect: str, table: str, day: str, source: str, destination: bool) -> list[str]:
    area = "coalesce(substr(region_code, 1, 2), '')"
    if dialect == "postgresql":
        signs = f"FROM {table}, json_array_elements_text(flags -> 'raised') AS sign"
        sign = "sign"
    else:
        signs = f"FROM {table}, json_each({table}.flags, '$.raised')"
        sign = "value"
    into = "INSERT INTO check_days (day, area, source, figure, key, n)"
    statements = [
        f"{into} SELECT {day}, {area}, '{source}', 'risk', risk, count(*) FROM {table} "
        f"GROUP BY {day}, {area}, risk",
        f"{into} SELECT {day}, {area}, '{source}', 'flag', {sign}, count(*) {signs} "
        f"GROUP BY {day}, {area}, {sign}",
    ]
    if destination:
        statements.append(
            f"{into} SELECT {day}, {area}, '{source}', 'destination', destination, count(*) FROM {table} "
            f"WHERE destination IS NOT NULL AND destination <> '' GROUP BY {day}, {area}, destination"
        )
    return statements


def upgrade() -> None:
    op.create_table(
        "check_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("area", sa.String(length=2), nullable=False),
        sa.Column("source", sa.String(length=9), nullable=False),
        sa.Column("figure", sa.String(length=11), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "area", "source", "figure", "key", name=op.f("pk_check_days")),
    )
    op.create_table(
        "run_deliveries",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("delivery_status", sa.String(length=16), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "run_id", "channel", "status", "delivery_status", name=op.f("pk_run_deliveries")
        ),
    )
    op.create_index("ix_outbox_sent", "outbox", ["sent_at"], postgresql_where=SENT, sqlite_where=SENT)
    dialect = op.get_bind().dialect.name
    for table, day, source, destination in CHECKS:
        for statement in _backfill(dialect, table, day, source, destination):
            op.execute(statement)
        if dialect == "postgresql":
            op.execute(_postgresql_function(table, day, source, destination))
            op.execute(
                f"CREATE TRIGGER count_{table} AFTER INSERT ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION count_{table}()"
            )
        else:
            for statement in _sqlite_statements(table, day, source, destination):
                op.execute(statement)
        op.create_index(
            f"ix_{table}_high", table, ["region_code", day], postgresql_where=HIGH, sqlite_where=HIGH
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table, _day, _source, _destination in CHECKS:
        op.drop_index(f"ix_{table}_high", table_name=table)
        if dialect == "postgresql":
            op.execute(f"DROP TRIGGER count_{table} ON {table}")
            op.execute(f"DROP FUNCTION count_{table}()")
        else:
            op.execute(f"DROP TRIGGER count_{table}")
    op.drop_table("check_days")
    op.drop_index("ix_outbox_sent", table_name="outbox")
    op.drop_table("run_deliveries")
