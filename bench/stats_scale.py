"""National statistics at a million checks, on PostgreSQL and SQLite: time, memory, and how long
other users wait meanwhile.

    python bench/stats_scale.py [--checks 1000000] [--digest-regions 200] [--skip-postgres] [--skip-sqlite]

Each database is fresh, migrated, and seeded in SQL: that many checks (half checklists, half ad
checks, over 365 days and 34 provinces x 20 regencies x 15 districts x 30 villages, a third of them
high risk) and a hundredth as many cases. PostgreSQL is seeded with the triggers off and the daily
counts recounted after (db/check_days.recount: what the triggers would have written, in seconds
instead of minutes); SQLite through its triggers. Then, in one run per database:

- the national 365-day summary (`handlers.statistics.figures.read_summary`, what an admin's
  /statistik reads through Turn.read and `sigap stats --days 365` computes), in a session of the
  read-only engine as the bot reads it (db.session.create_reader: on SQLite a connection of its
  own): median wall time of 3, against the target of 2 s;
- peak Python memory of one summary (tracemalloc), against 100 MiB;
- another user's turn while a summary runs: the slowest of the user lookups made one after
  another during it (each a write transaction of the bot's own engine, as a turn is), and the
  longest the event loop was held (a 10 ms ticker's worst lateness).

- the weekly digest's reads for `--digest-regions` regencies (a coordinator each, no admin):
  `handlers.statistics.digest.due_digests` in a read-only session, median wall time of 3 and its
  SELECT statements, against the same regions read one by one as the digest read them before
  (scope, summary, place names and recruiters per region; printed for comparison, no target).

Figures print as ratios to their targets (below 1.0 meets it). PostgreSQL databases made here are
dropped at the end, also after an error; the SQLite file is in a temporary folder.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker  # noqa: E402

from bench.scale import CODE, FLAGS, POSTGRES, SEED, admin  # noqa: E402
from bot.app import build_services  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.engine import utc_now  # noqa: E402
from db import check_days, queries, roles, seen_before  # noqa: E402
from db.roles import Role  # noqa: E402
from db.session import create_engine, create_reader, create_sessionmaker  # noqa: E402
from handlers.statistics.digest import DIGEST_DAYS, RECRUITERS, due_digests  # noqa: E402
from handlers.statistics.figures import Period, gather, place_names, read_summary, scope_of  # noqa: E402
from migrations import runner as migrate  # noqa: E402

TARGET_SECONDS = 2.0
TARGET_MIB = 100.0
# What another user may wait for one turn while a coordinator's statistics run.
TARGET_WAIT_SECONDS = 0.5

# The checks and cases of bench/scale.py's seed (PostgreSQL) ...
POSTGRES_SEED = [SEED[2], SEED[3], SEED[4]]
# ... and the same rows in SQLite's SQL (no generate_series, no arrays).
SERIES = "WITH RECURSIVE g(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM g WHERE g < {n})"
SQLITE_CODE = (
    "printf('%02d.%02d.%02d.%d', g % 34 + 11, g / 34 % 20 + 1, g / 680 % 15 + 1, 2001 + g / 10200 % 30)"
)
SQLITE_FLAGS = (
    'CASE g % 4 WHEN 0 THEN \'{"raised": ["visa_tourist", "documents_held"]}\' '
    'WHEN 1 THEN \'{"raised": ["fees_debt"]}\' WHEN 2 THEN \'{"raised": []}\' '
    'ELSE \'{"raised": ["scam_hub", "secrecy"]}\' END'
)
SQLITE_RISK = "CASE g % 3 WHEN 0 THEN 'high' WHEN 1 THEN 'medium' ELSE 'low' END"
SQLITE_DAY = "date('now', '-' || (g % 365) || ' days')"
AGO = "'-' || (g % 365) || ' days'"
SQLITE_SEED = [
    f"""{SERIES} INSERT INTO checklist_results (risk, score, flags, region_code, language, taken_on)
        SELECT {SQLITE_RISK}, g % 10, {SQLITE_FLAGS}, {SQLITE_CODE}, 'id', {SQLITE_DAY} FROM g""",
    f"""{SERIES} INSERT INTO offer_checks (risk, score, flags, destination, region_code, language, checked_on)
        SELECT {SQLITE_RISK}, g % 10, {SQLITE_FLAGS},
         CASE g % 5 WHEN 0 THEN 'MY' WHEN 1 THEN 'KH' WHEN 2 THEN 'MM' WHEN 3 THEN 'SA' ELSE 'TW' END,
         {SQLITE_CODE}, 'id', {SQLITE_DAY} FROM g""",
    f"""{SERIES} INSERT INTO cases (reference, kind, status, village_code, regency_code, province_code,
        verified_source, contact_allowed, details, created_at, ack_deadline, closed_at)
        SELECT 'B-' || g, CASE g % 2 WHEN 0 THEN 'missing' ELSE 'warning' END, 'received', {SQLITE_CODE},
         substr({SQLITE_CODE}, 1, 5), substr({SQLITE_CODE}, 1, 2), 0, 0, '{{}}',
         datetime('now', {AGO}), datetime('now', {AGO}, '+2 hours'),
         CASE WHEN g % 3 = 0 THEN datetime('now', '-' || (g % 300) || ' days') END
        FROM g""",
]


async def seed_postgres(sessions: async_sessionmaker[AsyncSession], checks: int) -> None:
    async with sessions() as session, session.begin():
        await session.execute(text("SET LOCAL session_replication_role = replica"))  # triggers off
        for statement in POSTGRES_SEED:
            await session.execute(
                text(statement.replace("{code}", CODE).replace("{flags}", FLAGS)), {"n": checks}
            )
        await session.execute(text("SET LOCAL session_replication_role = origin"))
        await check_days.recount(session)


async def seed_sqlite(sessions: async_sessionmaker[AsyncSession], checks: int) -> None:
    async with sessions() as session, session.begin():
        for statement, n in zip(SQLITE_SEED, (checks // 2, checks // 2, max(checks // 100, 1)), strict=True):
            await session.execute(text(statement.replace("{n}", str(n))))
        await session.execute(text("ANALYZE"))


async def vacuum(url: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(
        make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    )
    try:
        await connection.execute("VACUUM ANALYZE")
    finally:
        await connection.close()


async def median_seconds(work: Callable[[], Awaitable[Any]], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        await work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


async def figures(
    sessions: async_sessionmaker[AsyncSession], readers: async_sessionmaker[AsyncSession]
) -> dict[str, float]:
    async def national() -> None:
        # As the engine runs a Turn.read: a read-only session of its own, in a transaction.
        async with readers() as session, session.begin():
            await read_summary(session, utc_now(), None, 365, "Indonesia")

    async with sessions() as session, session.begin():
        await queries.get_or_create_user(session, "telegram", "7", "7", "id", utc_now())
    await national()  # warm caches
    seconds = await median_seconds(national, 3)
    tracemalloc.start()
    await national()
    mib = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()

    # Another user's turns, one after another, while a summary runs; and the event loop's lateness.
    done = asyncio.Event()
    waits: list[float] = []
    late: list[float] = []

    async def user() -> None:
        while not done.is_set():
            started = time.perf_counter()
            async with sessions() as session, session.begin():
                await queries.get_or_create_user(session, "telegram", "7", "7", "id", utc_now())
            waits.append(time.perf_counter() - started)

    async def ticker() -> None:
        while not done.is_set():
            started = time.perf_counter()
            await asyncio.sleep(0.01)
            late.append(time.perf_counter() - started - 0.01)

    async def coordinator() -> None:
        try:
            await national()
        finally:
            done.set()

    await asyncio.gather(coordinator(), user(), ticker())
    return {
        "summary s": seconds,
        "summary MiB": mib,
        "other user's turn s": max(waits),
        "event loop held s": max(late),
    }


def regencies(count: int) -> list[str]:
    """The first `count` regencies of the seed's codes (34 provinces x 20 regencies), spread over
    the provinces."""
    every = [f"{province:02d}.{regency:02d}" for regency in range(1, 21) for province in range(11, 45)]
    return every[:count]


def digest_moment() -> datetime:
    """Monday 08:00 WIB of this week (the digest is due: the default is Monday 07:00, local)."""
    local = utc_now().astimezone(ZoneInfo("Asia/Jakarta"))
    monday = local.date() - timedelta(days=local.weekday())
    return datetime.combine(monday, clock_time(8), ZoneInfo("Asia/Jakarta"))


async def digest_figures(
    sessions: async_sessionmaker[AsyncSession],
    readers: async_sessionmaker[AsyncSession],
    reader_engine: Any,
    count: int,
) -> dict[str, float]:
    codes = regencies(count)
    now = digest_moment()
    async with sessions() as session, session.begin():
        for n, code in enumerate(codes):
            user, _ = await queries.get_or_create_user(session, "telegram", f"c{n}", f"c{n}", "id", now)
            await roles.grant_role(session, user.id, Role.COORDINATOR, code, "bench", now)
    services = build_services(Settings())
    selects: list[str] = []

    def counted(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append(statement)

    async def together() -> None:
        async with readers() as session, session.begin():
            assert len(await due_digests(session, services, now)) == count

    async def one_by_one() -> None:
        # What the digest read per region before: its scope, summary, place names and recruiters.
        week = Period(now.date() - timedelta(days=DIGEST_DAYS), now.date())
        async with readers() as session, session.begin():
            for code in codes:
                scope = await scope_of(session, code, "Indonesia")
                summary = await gather(session, scope, week, now)
                await place_names(session, summary)
                await seen_before.most_seen(session, code, week.start, RECRUITERS)

    found = {}
    for name, work in (("digest, grouped", together), ("digest, per region", one_by_one)):
        await work()  # warm caches
        selects.clear()
        event.listen(reader_engine.sync_engine, "before_cursor_execute", counted)
        await work()
        event.remove(reader_engine.sync_engine, "before_cursor_execute", counted)
        found[f"{name} SELECTs"] = float(len(selects))
        found[f"{name} s"] = await median_seconds(work, 3)
    return found


TARGETS = {
    "summary s": TARGET_SECONDS,
    "summary MiB": TARGET_MIB,
    "other user's turn s": TARGET_WAIT_SECONDS,
    "event loop held s": TARGET_WAIT_SECONDS,
}


async def measure(backend: str, checks: int, folder: str, digest_regions: int) -> dict[str, float]:
    database = f"sigap_stats_{os.getpid()}"
    if backend == "postgresql":
        await admin(f"CREATE DATABASE {database}")
        url = make_url(POSTGRES).set(database=database).render_as_string(hide_password=False)
    else:
        url = f"sqlite+aiosqlite:///{folder}/stats.db"
    engine = create_engine(url)
    reader = create_reader(engine)
    try:
        await migrate.upgrade(engine)
        sessions = create_sessionmaker(engine)
        started = time.perf_counter()
        await (seed_postgres if backend == "postgresql" else seed_sqlite)(sessions, checks)
        print(
            f"  {backend}: seeded {checks:,} checks in {time.perf_counter() - started:.0f} s", file=sys.stderr
        )
        if backend == "postgresql":
            await vacuum(url)  # as autovacuum would after a bulk load: index-only scans work
        found = await figures(sessions, create_sessionmaker(reader))
        if digest_regions:
            found |= await digest_figures(sessions, create_sessionmaker(reader), reader, digest_regions)
        return found
    finally:
        await reader.dispose()
        await engine.dispose()
        if backend == "postgresql":
            await admin(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


async def main(args: argparse.Namespace) -> None:
    backends = [
        b for b, skip in (("postgresql", args.skip_postgres), ("sqlite", args.skip_sqlite)) if not skip
    ]
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for backend in backends:
            results[backend] = await measure(backend, args.checks, folder, args.digest_regions)
    print(f"national 365-day statistics at {args.checks:,} checks ({date.today()}); ratio = figure / target")
    print(f"{'figure':24}{'target':>8}" + "".join(f"{b:>14}{'ratio':>7}" for b in backends))
    for name, target in TARGETS.items():
        cells = "".join(f"{results[b][name]:14.3f}{results[b][name] / target:7.2f}" for b in backends)
        print(f"{name:24}{target:8.1f}{cells}")
    if args.digest_regions:
        print(f"weekly digest reads, {args.digest_regions} regencies (no target)")
        for name in [key for key in results[backends[0]] if key.startswith("digest")]:
            cells = "".join(f"{results[b][name]:14.3f}{'':7}" for b in backends)
            print(f"{name:32}{cells}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--checks", type=int, default=1_000_000)
    parser.add_argument("--digest-regions", type=int, default=200, help="0: no digest figures")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    asyncio.run(main(parser.parse_args()))
