"""Reads what the task force's statistics are made of: case dates, anonymous check outcomes, digest runs.

Only columns without personal data are read: never a case's answers, never who checked an offer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, func, literal, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Case, ChecklistResult, DigestRun, OfferCheck
from db.sql import insert_once

CHECKLIST = "checklist"
AD = "ad"


@dataclass(frozen=True)
class CaseFact:
    kind: str
    village_code: str
    created_at: datetime
    ack_deadline: datetime
    acknowledged_at: datetime | None
    closed_at: datetime | None


@dataclass(frozen=True)
class CheckCount:
    """How many checks of one source ended at one risk level on one day."""

    source: str
    day: date
    risk: str
    count: int


@dataclass(frozen=True)
class CheckFact:
    """One check in the period: what it found, never who asked or what the ad said."""

    source: str
    risk: str
    flags: tuple[str, ...]
    village_code: str | None
    destination: str | None


def within(column: Any, region_code: str | None) -> ColumnElement[bool]:
    """A region code and every code under it (61.12 holds 61.12.09.2001); None: everywhere."""
    if region_code is None:
        return literal(True)
    return or_(column == region_code, column.startswith(region_code + "."))


async def case_facts(session: AsyncSession, region_code: str | None, since: datetime) -> list[CaseFact]:
    """Every case of the region that was open at some moment since `since`."""
    rows = await session.execute(
        select(
            Case.kind,
            Case.village_code,
            Case.created_at,
            Case.ack_deadline,
            Case.acknowledged_at,
            Case.closed_at,
        ).where(
            within(Case.village_code, region_code),
            or_(Case.closed_at.is_(None), Case.closed_at >= since),
        )
    )
    return [CaseFact(*row) for row in rows]


def _checks(region_code: str | None, since: date, until: date) -> tuple[Any, Any]:
    checklists = select(
        literal(CHECKLIST).label("source"),
        ChecklistResult.taken_on.label("day"),
        ChecklistResult.risk,
        ChecklistResult.flags,
        ChecklistResult.region_code,
        literal(None).label("destination"),
    ).where(
        ChecklistResult.taken_on >= since,
        ChecklistResult.taken_on < until,
        within(ChecklistResult.region_code, region_code),
    )
    ads = select(
        literal(AD).label("source"),
        OfferCheck.checked_on.label("day"),
        OfferCheck.risk,
        OfferCheck.flags,
        OfferCheck.region_code,
        OfferCheck.destination,
    ).where(
        OfferCheck.checked_on >= since,
        OfferCheck.checked_on < until,
        within(OfferCheck.region_code, region_code),
    )
    return checklists, ads


async def check_counts(
    session: AsyncSession, region_code: str | None, since: date, until: date
) -> list[CheckCount]:
    """Checks per source, day and risk in [since, until): counted by the database, for long spans."""
    checklists, ads = _checks(region_code, since, until)
    both = union_all(checklists, ads).subquery()
    rows = await session.execute(
        select(both.c.source, both.c.day, both.c.risk, func.count()).group_by(
            both.c.source, both.c.day, both.c.risk
        )
    )
    return [CheckCount(source, day, risk, int(n)) for source, day, risk, n in rows]


async def check_facts(
    session: AsyncSession, region_code: str | None, since: date, until: date
) -> list[CheckFact]:
    """Each check in [since, until) with the signs it raised, where it came from and where the ad led."""
    checklists, ads = _checks(region_code, since, until)
    facts: list[CheckFact] = []
    for statement in (checklists, ads):
        for source, _day, risk, flags, village, destination in await session.execute(statement):
            raised = tuple(str(flag) for flag in (flags or {}).get("raised", []))
            facts.append(CheckFact(source, risk, raised, village, destination))
    return facts


async def claim_digest(
    session: AsyncSession, region_code: str | None, week_end: date, now: datetime
) -> int | None:
    """The digest run for this region and week, or None if one exists (sent before, here or elsewhere)."""
    return await insert_once(
        session,
        DigestRun.__table__,
        region_code=region_code or "",
        week_end=week_end,
        created_at=now,
        charts=[],
    )


async def set_digest_charts(session: AsyncSession, run_id: int, charts: list[str]) -> None:
    row = await session.get(DigestRun, run_id)
    if row is not None:
        row.charts = charts


async def old_digest_charts(session: AsyncSession, before: datetime) -> list[str]:
    """Chart pictures of digests made before the cut-off (their messages went long ago); forgets them."""
    # JSON has no equality in PostgreSQL: the empty lists are skipped here (digests are few).
    rows = [
        row
        for row in (await session.execute(select(DigestRun).where(DigestRun.created_at < before))).scalars()
        if row.charts
    ]
    charts = [chart for row in rows for chart in row.charts]
    for row in rows:
        row.charts = []
    return charts
