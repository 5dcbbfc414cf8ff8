"""The daily check counts kept by the database (migration 0015) give the national statistics the
same numbers as counting every check: for checks written by the bot's ORM, by raw SQL, and for
checks that existed before the migration."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import check_days, statistics
from db.models import ChecklistResult, OfferCheck
from db.session import create_engine, create_sessionmaker
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


async def assert_days_agree_with_rows(session: AsyncSession) -> None:
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
    async with sessions() as session:
        kept = await statistics.check_counts_of_days(session, DAY, DAY + timedelta(days=10))
    async with sessions() as session, session.begin():
        await check_days.recount(session)
    async with sessions() as session:
        assert sorted(
            await statistics.check_counts_of_days(session, DAY, DAY + timedelta(days=10)), key=repr
        ) == sorted(kept, key=repr)
        await assert_days_agree_with_rows(session)
