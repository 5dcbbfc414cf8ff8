"""The daily check counts (check_days, village_high_days) counted again from every check: for a
bulk load that bypassed the triggers of migrations 0015 and 0018 (the benchmark's seeding), or to
repair them."""

from __future__ import annotations

from sqlalchemy import delete, text
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import CheckDay, VillageHighDay
from db.sql import dialect_of

# (table, day column, source, has a destination), as the triggers count them.
CHECKS = (("checklist_results", "taken_on", "checklist", False), ("offer_checks", "checked_on", "ad", True))


def _statements(dialect: str) -> list[str]:
    area = "coalesce(substr(region_code, 1, 2), '')"
    into = "INSERT INTO check_days (day, area, source, figure, key, n)"
    found = []
    for table, day, source, destination in CHECKS:
        if dialect == "postgresql":
            signs, sign = f"FROM {table}, json_array_elements_text(flags -> 'raised') AS sign", "sign"
        else:
            signs, sign = f"FROM {table}, json_each({table}.flags, '$.raised')", "value"
        found.append(
            f"{into} SELECT {day}, {area}, '{source}', 'risk', risk, count(*) FROM {table} "
            f"GROUP BY {day}, {area}, risk"
        )
        found.append(
            f"{into} SELECT {day}, {area}, '{source}', 'flag', {sign}, count(*) {signs} "
            f"GROUP BY {day}, {area}, {sign}"
        )
        if destination:
            found.append(
                f"{into} SELECT {day}, {area}, '{source}', 'destination', destination, count(*) "
                f"FROM {table} WHERE destination IS NOT NULL AND destination <> '' "
                f"GROUP BY {day}, {area}, destination"
            )
    return found


def _village_statement() -> str:
    # As migration 0018 fills it: both kinds of check in one row per village and day.
    parts = " UNION ALL ".join(
        f"SELECT region_code AS village_code, {day} AS day FROM {table} "
        "WHERE risk = 'high' AND region_code IS NOT NULL"
        for table, day, _source, _destination in CHECKS
    )
    return (
        "INSERT INTO village_high_days (village_code, day, n) "
        f"SELECT village_code, day, count(*) FROM ({parts}) AS high GROUP BY village_code, day"
    )


async def recount(session: AsyncSession) -> None:
    """Replaces every daily count by one counted from the checks themselves (in the caller's
    transaction, so readers see the old counts or the new, never a mix)."""
    await session.execute(delete(CheckDay))
    await session.execute(delete(VillageHighDay))
    for statement in [*_statements(dialect_of(session)), _village_statement()]:
        await session.execute(text(statement))
