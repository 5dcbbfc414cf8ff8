"""Reads what the task force's statistics are made of: case dates, anonymous check outcomes, digest runs.

Only columns without personal data are read: never a case's answers, never who checked an offer."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Text, cast, func, literal, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Case, ChecklistResult, DigestRun, OfferCheck
from db.sql import insert_once, within

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
class CheckTally:
    """What the checks of a period found, counted by the database: signs raised, where the ads
    led, and high-risk checks per area (empty when the scope is not broken down)."""

    flags: dict[str, int]
    destinations: dict[str, int]
    high_by_area: dict[str, int]


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


async def check_tally(
    session: AsyncSession, region_code: str | None, since: date, until: date, area_length: int | None
) -> CheckTally:
    """Signs, destinations and high-risk checks per area (codes cut to area_length) in [since,
    until). GROUP BY in the database: a national year of a million checks is a few hundred rows
    here, never a million decoded in Python."""
    checklists, ads = _checks(region_code, since, until)
    both = union_all(checklists, ads).subquery()
    # JSON has no equality in PostgreSQL: grouped as its text. Checks raise few distinct sets of
    # signs, so this is a short list however many checks there are.
    as_text = cast(both.c.flags, Text)
    flags: Counter[str] = Counter()
    for text, n in await session.execute(select(as_text, func.count()).group_by(as_text)):
        for flag in (json.loads(text) or {}).get("raised", []) if text else []:
            flags[str(flag)] += int(n)
    destinations = {
        str(place): int(n)
        for place, n in await session.execute(
            select(both.c.destination, func.count())
            .where(both.c.source == AD, both.c.destination.is_not(None), both.c.destination != "")
            .group_by(both.c.destination)
        )
    }
    high_by_area: dict[str, int] = {}
    if area_length is not None:
        area = func.substr(both.c.region_code, 1, area_length)
        high_by_area = {
            str(code): int(n)
            for code, n in await session.execute(
                select(area, func.count())
                .where(both.c.risk == "high", both.c.region_code.is_not(None))
                .group_by(area)
            )
        }
    return CheckTally(dict(flags), destinations, high_by_area)


async def warning_villages(
    session: AsyncSession,
    region_code: str | None,
    start: datetime,
    end: datetime,
    since: date,
    until: date,
    top: int,
) -> list[tuple[str, int]]:
    """The `top` villages with the most warnings: early-warning reports made in [start, end) and
    checks that came out high on days [since, until); ties by code. Counted and ranked by the
    database, so only `top` rows come back."""
    warnings = select(Case.village_code.label("code")).where(
        Case.kind == "warning",
        Case.created_at >= start,
        Case.created_at < end,
        within(Case.village_code, region_code),
    )
    checklists = select(ChecklistResult.region_code.label("code")).where(
        ChecklistResult.risk == "high",
        ChecklistResult.region_code.is_not(None),
        ChecklistResult.taken_on >= since,
        ChecklistResult.taken_on < until,
        within(ChecklistResult.region_code, region_code),
    )
    ads = select(OfferCheck.region_code.label("code")).where(
        OfferCheck.risk == "high",
        OfferCheck.region_code.is_not(None),
        OfferCheck.checked_on >= since,
        OfferCheck.checked_on < until,
        within(OfferCheck.region_code, region_code),
    )
    every = union_all(warnings, checklists, ads).subquery()
    n = func.count().label("n")
    rows = await session.execute(
        select(every.c.code, n).group_by(every.c.code).order_by(n.desc(), every.c.code).limit(top)
    )
    return [(str(code), int(count)) for code, count in rows]


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
