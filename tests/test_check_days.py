"""The daily check counts kept by the database (migrations 0015 and 0018) give the statistics the
same numbers as counting every check: for checks written by the bot's ORM, by raw SQL, and for
checks that existed before the migration; the villages ranking too."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, insert, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import check_days, statistics
from db.models import Case, ChecklistResult, OfferCheck
from db.session import create_engine, create_sessionmaker
from db.sql import within
from migrations import runner as migrate

DAY = date(2026, 11, 1)
REGIONS = [None, "61.12.09.2001", "61.12.09.2002", "33.01.01.2001", "11.01.01.2001", "61"]
SIGNS = ["visa_tourist", "documents_held", "fees_debt", "scam_hub", "secrecy"]
PLACES = [None, "", "MY", "KH", "SA"]


def random_checks(seed: int, count: int) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """Checklists and ad checks over ten days, some with no village, a sign raised twice, no sign."""
    pick = random.Random(seed)
    checklists, ads = [], []
    for n in range(count):
        flags = {"raised": pick.sample(SIGNS, pick.randint(0, 3))}
        if n % 17 == 0:
            flags["raised"] = ["secrecy", "secrecy"]
        common = {
            "risk": pick.choice(["high", "medium", "low"]),
            "score": 0,
            "flags": flags,
            "region_code": pick.choice(REGIONS),
            "language": "id",
        }
        day = DAY + timedelta(days=pick.randint(0, 9))
        if n % 2:
            checklists.append({**common, "taken_on": day})
        else:
            ads.append({**common, "destination": pick.choice(PLACES), "checked_on": day})
    return checklists, ads


# Villages with warnings: one with no checks at all, one with a few (it can only reach the top
# through its warnings).
WARNED = ["61.12.09.2001", "33.01.01.2001", "35.01.01.2001", "35.01.01.2001", "35.01.01.2001"]


def random_cases(seed: int, count: int) -> list[dict[str, object]]:
    """Warnings and missing-person reports over the same ten days, at any hour (UTC)."""
    pick = random.Random(seed)
    rows: list[dict[str, object]] = []
    for n in range(count):
        village = pick.choice(WARNED)
        created = datetime.combine(DAY + timedelta(days=pick.randint(0, 9)), time(pick.randint(0, 23)), UTC)
        rows.append(
            {
                "reference": f"T-{seed}-{n}",
                "kind": pick.choice(["warning", "warning", "missing"]),
                "status": "received",
                "village_code": village,
                "regency_code": village[:5],
                "province_code": village[:2],
                "verified_source": False,
                "contact_allowed": False,
                "details": {},
                "created_at": created,
                "ack_deadline": created + timedelta(hours=2),
            }
        )
    return rows


async def villages_of_rows(
    session: AsyncSession,
    region: str | None,
    start: datetime,
    end: datetime,
    since: date,
    until: date,
    top: int,
) -> list[tuple[str, int]]:
    """The ranking as it was counted before migration 0018: from every check of the period."""
    parts = [
        select(Case.village_code.label("code"), func.count().label("n"))
        .where(
            Case.kind == "warning",
            Case.created_at >= start,
            Case.created_at < end,
            within(Case.village_code, region),
        )
        .group_by(Case.village_code)
    ]
    for model, day in ((ChecklistResult, ChecklistResult.taken_on), (OfferCheck, OfferCheck.checked_on)):
        parts.append(
            select(model.region_code.label("code"), func.count().label("n"))
            .where(
                day >= since,
                day < until,
                within(model.region_code, region),
                model.risk == "high",
                model.region_code.is_not(None),
            )
            .group_by(model.region_code)
        )
    every = union_all(*parts).subquery()
    n = func.sum(every.c.n).label("total")
    rows = await session.execute(
        select(every.c.code, n).group_by(every.c.code).order_by(n.desc(), every.c.code).limit(top)
    )
    return [(str(code), int(count)) for code, count in rows]


async def assert_villages_agree_with_rows(session: AsyncSession) -> None:
    ranked_somewhere = False
    for first, last in ((0, 10), (3, 5), (9, 10)):
        since, until = DAY + timedelta(days=first), DAY + timedelta(days=last)
        start, end = datetime.combine(since, time(0), UTC), datetime.combine(until, time(0), UTC)
        for region in (None, "61", "61.12", "35.01.01.2001"):
            for top in (1, 2, 3, 50):
                by_days = await statistics.warning_villages(session, region, start, end, since, until, top)
                by_rows = await villages_of_rows(session, region, start, end, since, until, top)
                assert by_days == by_rows, (first, last, region, top)
                ranked_somewhere = ranked_somewhere or len(by_rows) >= top
    assert ranked_somewhere


async def assert_days_agree_with_rows(session: AsyncSession) -> None:
    await assert_villages_agree_with_rows(session)
    for since, until in ((DAY, DAY + timedelta(days=10)), (DAY + timedelta(days=3), DAY + timedelta(days=5))):
        by_days = await statistics.check_counts_of_days(session, since, until)
        by_rows = await statistics.check_counts_of_rows(session, None, since, until)
        assert sorted(by_days, key=repr) == sorted(by_rows, key=repr)
        assert sum(count.count for count in by_rows) > 0
        for length in (2, None):
            tally_days = await statistics.check_tally_of_days(session, since, until, length)
            tally_rows = await statistics.check_tally_of_rows(session, None, since, until, length)
            assert tally_days == tally_rows
            assert tally_rows.flags and tally_rows.destinations
            assert bool(tally_rows.high_by_area) == (length is not None)


async def test_national_counts_from_the_days_equal_counting_every_check(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    checklists, ads = random_checks(21, 120)
    async with sessions() as session, session.begin():
        # The bot writes through the ORM, one check at a time ...
        session.add_all(ChecklistResult(**row) for row in checklists[:30])
        session.add_all(OfferCheck(**row) for row in ads[:30])
        await session.flush()
        # ... and bulk SQL (an import, a benchmark) is counted the same.
        await session.execute(insert(ChecklistResult), checklists[30:])
        await session.execute(insert(OfferCheck), ads[30:])
        await session.execute(insert(Case), random_cases(21, 40))
    async with sessions() as session:
        await assert_days_agree_with_rows(session)
        # The public entry points take the daily counts for the country.
        national = await statistics.check_counts(session, None, DAY, DAY + timedelta(days=10))
        assert sum(count.count for count in national) == len(checklists) + len(ads)


async def test_checks_made_before_the_migration_are_counted(blank_database_url: str) -> None:
    engine = create_engine(blank_database_url)
    try:
        await migrate.upgrade(engine, "0014")
        checklists, ads = random_checks(7, 80)
        async with engine.begin() as connection:
            await connection.execute(insert(ChecklistResult), checklists)
            await connection.execute(insert(OfferCheck), ads)
            await connection.execute(insert(Case), random_cases(7, 30))
        await migrate.upgrade(engine)
        async with create_sessionmaker(engine)() as session:
            await assert_days_agree_with_rows(session)
    finally:
        await engine.dispose()


async def test_a_recount_gives_the_same_daily_counts(sessions: async_sessionmaker[AsyncSession]) -> None:
    """bench/scale.py seeds a million checks with the triggers off and recounts: the same counts."""
    checklists, ads = random_checks(3, 60)
    async with sessions() as session, session.begin():
        await session.execute(insert(ChecklistResult), checklists)
        await session.execute(insert(OfferCheck), ads)
        await session.execute(insert(Case), random_cases(3, 30))
    async with sessions() as session:
        kept = await statistics.check_counts_of_days(session, DAY, DAY + timedelta(days=10))
    async with sessions() as session, session.begin():
        await check_days.recount(session)
    async with sessions() as session:
        assert sorted(
            await statistics.check_counts_of_days(session, DAY, DAY + timedelta(days=10)), key=repr
        ) == sorted(kept, key=repr)
        await assert_days_agree_with_rows(session)
