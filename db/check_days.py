"""The daily check counts (check_days) counted again from every check: for a bulk load that
bypassed the triggers of migration 0015 (the benchmark's seeding), or to repair them."""

from __future__ import annotations

from sqlalchemy import delete, text
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import CheckDay
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


async def recount(session: AsyncSession) -> None:
    """Replaces every daily count by one counted from the checks themselves (in the caller's
    transaction, so readers see the old counts or the new, never a mix)."""
    await session.execute(delete(CheckDay))
    for statement in _statements(dialect_of(session)):
        await session.execute(text(statement))
