"""Reads what the task force's statistics are made of: case dates, anonymous check outcomes, digest runs.

Only columns without personal data are read: never a case's answers, never who checked an offer."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Text, and_, cast, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Case, CheckDay, ChecklistResult, DigestRun, OfferCheck, VillageHighDay
from db.sql import insert_once, run, under_any, within

CHECKLIST = "checklist"
AD = "ad"
# Codes in one IN list: well under SQLite's limit of bound parameters (32,766).
MAX_LISTED = 500


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


# What CaseFact holds, in its order: one list for the one-region and the many-region reads.
_CASE_FACT_COLUMNS = (
    Case.kind,
    Case.village_code,
    Case.created_at,
    Case.ack_deadline,
    Case.acknowledged_at,
    Case.closed_at,
)


async def case_facts(session: AsyncSession, region_code: str | None, since: datetime) -> list[CaseFact]:
    """Every case of the region that was open at some moment since `since`."""
    rows = await session.execute(
        select(*_CASE_FACT_COLUMNS).where(
            within(Case.village_code, region_code),
            or_(Case.closed_at.is_(None), Case.closed_at >= since),
        )
    )
    return [CaseFact(*row) for row in rows]


def _sources(region_code: str | None, since: date, until: date) -> list[tuple[str, Any, Any, Any]]:
    """(source, table, day column) of each kind of check, with the filter of the region and days."""
    found: list[tuple[str, Any, Any, Any]] = []
    for source, model, day in (
        (CHECKLIST, ChecklistResult, ChecklistResult.taken_on),
        (AD, OfferCheck, OfferCheck.checked_on),
    ):
        where = and_(day >= since, day < until, within(model.region_code, region_code))
        found.append((source, model, day, where))
    return found


async def check_counts(
    session: AsyncSession, region_code: str | None, since: date, until: date
) -> list[CheckCount]:
    """Checks per source, day and risk in [since, until): the country's from the daily counts
    (check_days), a region's counted from its own checks (an index range)."""
    if region_code is None:
        return await check_counts_of_days(session, since, until)
    return await check_counts_of_rows(session, region_code, since, until)


async def check_counts_of_rows(
    session: AsyncSession, region_code: str | None, since: date, until: date
) -> list[CheckCount]:
    # Grouped in each table, then joined: grouping the union of both made PostgreSQL guess 100k
    # groups and sort them on disk (3.3 s against 1.0 s at 1M checks).
    found: list[CheckCount] = []
    for source, model, day, where in _sources(region_code, since, until):
        counted = select(day, model.risk, func.count()).where(where).group_by(day, model.risk)
        rows = await session.execute(counted)
        found.extend(CheckCount(source, on, risk, int(n)) for on, risk, n in rows)
    return found


async def check_counts_of_days(session: AsyncSession, since: date, until: date) -> list[CheckCount]:
    rows = await session.execute(
        select(CheckDay.source, CheckDay.day, CheckDay.key, func.sum(CheckDay.n))
        .where(CheckDay.figure == "risk", CheckDay.day >= since, CheckDay.day < until)
        .group_by(CheckDay.source, CheckDay.day, CheckDay.key)
    )
    return [CheckCount(source, day, risk, int(n)) for source, day, risk, n in rows]


async def check_tally(
    session: AsyncSession, region_code: str | None, since: date, until: date, area_length: int | None
) -> CheckTally:
    """Signs, destinations and high-risk checks per area (codes cut to area_length) in [since,
    until). The country's (broken down by province) from the daily counts; a region's grouped by
    the database from its own checks: a few hundred rows here, never a million decoded in Python."""
    if region_code is None and area_length in (2, None):
        return await check_tally_of_days(session, since, until, area_length)
    return await check_tally_of_rows(session, region_code, since, until, area_length)


async def check_tally_of_days(
    session: AsyncSession, since: date, until: date, area_length: int | None
) -> CheckTally:
    period = and_(CheckDay.day >= since, CheckDay.day < until)
    sums: dict[str, dict[str, int]] = {"flag": {}, "destination": {}}
    for figure, key, n in await session.execute(
        select(CheckDay.figure, CheckDay.key, func.sum(CheckDay.n))
        .where(period, CheckDay.figure.in_(sums))
        .group_by(CheckDay.figure, CheckDay.key)
    ):
        sums[figure][str(key)] = int(n)
    high_by_area: dict[str, int] = {}
    if area_length is not None:
        high_by_area = {
            str(area): int(n)
            for area, n in await session.execute(
                select(CheckDay.area, func.sum(CheckDay.n))
                .where(period, CheckDay.figure == "risk", CheckDay.key == "high", CheckDay.area != "")
                .group_by(CheckDay.area)
            )
        }
    return CheckTally(sums["flag"], sums["destination"], high_by_area)


async def check_tally_of_rows(
    session: AsyncSession, region_code: str | None, since: date, until: date, area_length: int | None
) -> CheckTally:
    flags: Counter[str] = Counter()
    destinations: Counter[str] = Counter()
    high_by_area: Counter[str] = Counter()
    for source, model, _day, where in _sources(region_code, since, until):
        # JSON has no equality in PostgreSQL: grouped as its text. Checks raise few distinct sets
        # of signs, so this is a short list however many checks there are.
        as_text = cast(model.flags, Text)
        for text, n in await session.execute(select(as_text, func.count()).where(where).group_by(as_text)):
            for flag in (json.loads(text) or {}).get("raised", []) if text else []:
                flags[str(flag)] += int(n)
        if source == AD:
            for place, n in await session.execute(
                select(model.destination, func.count())
                .where(where, model.destination.is_not(None), model.destination != "")
                .group_by(model.destination)
            ):
                destinations[str(place)] += int(n)
        if area_length is not None:
            area = func.substr(model.region_code, 1, area_length)
            for code, n in await session.execute(
                select(area, func.count())
                .where(where, model.risk == "high", model.region_code.is_not(None))
                .group_by(area)
            ):
                high_by_area[str(code)] += int(n)
    return CheckTally(dict(flags), dict(destinations), dict(high_by_area))


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
    checks that came out high on days [since, until); ties by code. The checks are read from their
    counts per village and day (village_high_days, migration 0018), so a year of a million checks
    is a few hundred thousand summed rows at most and only `top` of them come back."""
    warned = {
        str(code): int(n)
        for code, n in await session.execute(
            select(Case.village_code, func.count())
            .where(
                Case.kind == "warning",
                Case.created_at >= start,
                Case.created_at < end,
                within(Case.village_code, region_code),
            )
            .group_by(Case.village_code)
        )
    }
    days = VillageHighDay
    period = and_(days.day >= since, days.day < until, within(days.village_code, region_code))
    high = func.sum(days.n).label("high")
    # A village outside the `top` by high-risk checks and without warnings has `top` villages
    # ahead of it whatever warnings add to theirs: the top by checks and every warned village
    # are all the candidates.
    totals: Counter[str] = Counter(
        {
            str(code): int(n)
            for code, n in await session.execute(
                select(days.village_code, high)
                .where(period)
                .group_by(days.village_code)
                .order_by(high.desc(), days.village_code)
                .limit(top)
            )
        }
    )
    unread = sorted(warned.keys() - totals.keys())
    for first in range(0, len(unread), MAX_LISTED):
        for code, n in await session.execute(
            select(days.village_code, high)
            .where(period, days.village_code.in_(unread[first : first + MAX_LISTED]))
            .group_by(days.village_code)
        ):
            totals[str(code)] += int(n)
    totals.update(warned)
    return sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:top]


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
    # An UPDATE, not a read of the row first: the digest's writes read nothing.
    await run(session, update(DigestRun).where(DigestRun.id == run_id).values(charts=charts))


async def digests_made(session: AsyncSession, week_ends: Iterable[date]) -> set[tuple[str | None, date]]:
    """(region, week end) of the digest runs of those weeks (None: the whole country)."""
    wanted = sorted(set(week_ends))
    if not wanted:
        return set()
    rows = await session.execute(
        select(DigestRun.region_code, DigestRun.week_end).where(DigestRun.week_end.in_(wanted))
    )
    return {(region or None, week_end) for region, week_end in rows}


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


# Many regions at once (the weekly digest): each figure is read in one grouped query per code
# length (province, regency, ...), not once per region, and shared out by code prefix here. The
# regions' ranges are OR'ed, so each table is still read through its region index.


def regions_under(codes: Iterable[str]) -> dict[int, list[str]]:
    """The codes by their length: one grouped query per length, grouped by the code's prefix."""
    by_length: dict[int, list[str]] = {}
    for code in sorted(set(codes)):
        by_length.setdefault(len(code), []).append(code)
    return by_length


def regions_of(code: str | None, wanted: Mapping[int, Collection[str]]) -> list[str]:
    """Which of the wanted regions hold `code` (itself or a code under it)."""
    if code is None:
        return []
    return [
        code[:length]
        for length, codes in wanted.items()
        if code[:length] in codes and code[length : length + 1] in ("", ".")
    ]


def _code_sets(codes: Iterable[str]) -> dict[int, set[str]]:
    return {length: set(group) for length, group in regions_under(codes).items()}


async def case_facts_of_regions(
    session: AsyncSession, codes: Sequence[str], since: datetime
) -> dict[str, list[CaseFact]]:
    """case_facts of every region, in one query."""
    found: dict[str, list[CaseFact]] = {code: [] for code in codes}
    if not codes:
        return found
    wanted = _code_sets(codes)
    rows = await session.execute(
        select(*_CASE_FACT_COLUMNS).where(
            under_any(Case.village_code, codes), or_(Case.closed_at.is_(None), Case.closed_at >= since)
        )
    )
    for row in rows:
        fact = CaseFact(*row)
        for region in regions_of(fact.village_code, wanted):
            found[region].append(fact)
    return found


async def check_counts_of_regions(
    session: AsyncSession, codes: Sequence[str], since: date, until: date
) -> dict[str, list[CheckCount]]:
    """check_counts of every region: per table and code length, one query grouped by prefix."""
    found: dict[str, list[CheckCount]] = {code: [] for code in codes}
    for length, group in regions_under(codes).items():
        for source, model, day, _where in _sources(None, since, until):
            prefix = func.substr(model.region_code, 1, length)
            rows = await session.execute(
                select(prefix, day, model.risk, func.count())
                .where(day >= since, day < until, under_any(model.region_code, group))
                .group_by(prefix, day, model.risk)
            )
            for region, on, risk, n in rows:
                found[str(region)].append(CheckCount(source, on, risk, int(n)))
    return found


async def check_tallies_of_regions(
    session: AsyncSession, area_lengths: dict[str, int | None], since: date, until: date
) -> dict[str, CheckTally]:
    """check_tally of every region (code -> the length its areas are cut to, or None)."""
    flags: dict[str, Counter[str]] = {code: Counter() for code in area_lengths}
    destinations: dict[str, Counter[str]] = {code: Counter() for code in area_lengths}
    high_by_area: dict[str, Counter[str]] = {code: Counter() for code in area_lengths}
    for length, group in regions_under(area_lengths).items():
        for source, model, day, _where in _sources(None, since, until):
            where = and_(day >= since, day < until, under_any(model.region_code, group))
            prefix = func.substr(model.region_code, 1, length)
            as_text = cast(model.flags, Text)
            for region, text, n in await session.execute(
                select(prefix, as_text, func.count()).where(where).group_by(prefix, as_text)
            ):
                for flag in (json.loads(text) or {}).get("raised", []) if text else []:
                    flags[str(region)][str(flag)] += int(n)
            if source == AD:
                for region, place, n in await session.execute(
                    select(prefix, model.destination, func.count())
                    .where(where, model.destination.is_not(None), model.destination != "")
                    .group_by(prefix, model.destination)
                ):
                    destinations[str(region)][str(place)] += int(n)
        # High-risk checks by area, for the regions broken down, one query per area length.
        by_area_length: dict[int, list[str]] = {}
        for code in group:
            area_length = area_lengths[code]
            if area_length is not None:
                by_area_length.setdefault(area_length, []).append(code)
        for area_length, broken_down in by_area_length.items():
            for _source, model, day, _where in _sources(None, since, until):
                area = func.substr(model.region_code, 1, area_length)
                for code, n in await session.execute(
                    select(area, func.count())
                    .where(
                        day >= since,
                        day < until,
                        under_any(model.region_code, broken_down),
                        model.risk == "high",
                        model.region_code.is_not(None),
                    )
                    .group_by(area)
                ):
                    high_by_area[str(code)[:length]][str(code)] += int(n)
    return {
        code: CheckTally(dict(flags[code]), dict(destinations[code]), dict(high_by_area[code]))
        for code in area_lengths
    }


async def warning_villages_of_regions(
    session: AsyncSession,
    windows: dict[str, tuple[datetime, datetime]],
    since: date,
    until: date,
    top: int,
) -> dict[str, list[tuple[str, int]]]:
    """warning_villages of every region (code -> its [start, end) for reports): every village with
    high-risk checks in the regions is summed once and each region takes its own top."""
    codes = sorted(windows)
    if not codes:
        return {}
    wanted = _code_sets(codes)
    totals: dict[str, Counter[str]] = {code: Counter() for code in codes}
    first = min(start for start, _ in windows.values())
    last = max(end for _, end in windows.values())
    for village, created_at in await session.execute(
        select(Case.village_code, Case.created_at).where(
            Case.kind == "warning",
            Case.created_at >= first,
            Case.created_at < last,
            under_any(Case.village_code, codes),
        )
    ):
        for region in regions_of(village, wanted):
            start, end = windows[region]
            if start <= created_at < end:
                totals[region][str(village)] += 1
    days = VillageHighDay
    for village, n in await session.execute(
        select(days.village_code, func.sum(days.n))
        .where(days.day >= since, days.day < until, under_any(days.village_code, codes))
        .group_by(days.village_code)
    ):
        for region in regions_of(village, wanted):
            totals[region][str(village)] += int(n)
    return {
        code: sorted(counted.items(), key=lambda item: (-item[1], item[0]))[:top]
        for code, counted in totals.items()
    }
