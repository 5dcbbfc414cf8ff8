"""How Sigap's costs grow with the size of its database: 10k, 100k (and 1M) rows on PostgreSQL.

    python bench/scale.py [--sizes 10000,100000] [--rate 500] [--deliver 1500]
    python bench/scale.py --sizes 10000,1000000          # the province-scale run (a few minutes)

For each size a fresh database is migrated and seeded in SQL (generate_series): that many users,
subscribers, checklist results and ad checks (half each, over 365 days and every province), sent
outbox rows (history), pending broadcast messages, and a hundredth as many cases. Then, in the same
run, against an empty database first:

- idle poll: one claim of the outbox when nothing is due, with the history present;
- claim: one claim of 50 due messages from the pending queue (rolled back, repeated);
- delivery: messages a second from the full queue to a fake Bot API allowing --rate a second
  (sliding window, one a second per chat), over the allowance, partial first second excluded;
- fan-out: one broadcast run to every subscriber: time, and peak Python memory (tracemalloc);
- statistics: the national 365-day summary (what `sigap stats --days 365` computes);
- user turn: finding a known user and their conversation, as every message does.

Prints each figure and its ratio to the empty database's (or the smallest size's). Every database
made is dropped at the end, also after an error.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker  # noqa: E402

from bench.fake_platform import bench_sender, delivered_per_second, fake_stats, run_against_fake_bot_api  # noqa: E402
from bot.app import build_services  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.engine import utc_now  # noqa: E402
from db import broadcasts, check_days, outbox, queries  # noqa: E402
from db.session import create_engine, create_sessionmaker  # noqa: E402
from handlers.broadcasts.sending import fire  # noqa: E402
from handlers.statistics.figures import Scope, gather, last_days  # noqa: E402
from migrations import runner as migrate  # noqa: E402

POSTGRES = os.environ.get("SIGAP_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
REPEAT = 7

# Everything in SQL, so a million rows take seconds. Region codes spread over 34 provinces,
# 20 regencies, 15 districts and 30 villages each; flags from a few typical sets.
SEED = [
    """INSERT INTO users (channel, external_id, chat_id, language, language_chosen, blocked, created_at,
        last_seen_at, dialog, step, dialog_data, flood_count, invite_failures, held_messages, region_code)
       SELECT 'telegram', g::text, g::text, CASE WHEN g % 5 = 0 THEN 'en' ELSE 'id' END, true, false,
        now(), now(), 'start', 'idle', '{}', 0, 0, false, NULL
       FROM generate_series(1, :n) g""",
    """INSERT INTO subscriptions (user_id, region_code, language, active, subscribed_at)
       SELECT id, {code}, language, true, now() FROM users, LATERAL (SELECT id AS g) s""",
    """INSERT INTO checklist_results (risk, score, flags, region_code, language, taken_on)
       SELECT (ARRAY['high','medium','low'])[g % 3 + 1], g % 10, {flags}, {code}, 'id',
        current_date - (g % 365)
       FROM generate_series(1, :n / 2) g""",
    """INSERT INTO offer_checks (risk, score, flags, destination, region_code, language, checked_on)
       SELECT (ARRAY['high','medium','low'])[g % 3 + 1], g % 10, {flags},
        (ARRAY['MY','KH','MM','SA','TW'])[g % 5 + 1], {code}, 'id', current_date - (g % 365)
       FROM generate_series(1, :n / 2) g""",
    """INSERT INTO cases (reference, kind, status, village_code, regency_code, province_code,
        verified_source, contact_allowed, details, created_at, ack_deadline, closed_at)
       SELECT 'B-' || g, (ARRAY['missing','warning'])[g % 2 + 1], 'received', {code},
        substr({code}, 1, 5), substr({code}, 1, 2), false, false, '{}',
        now() - (g % 365) * interval '1 day', now() - (g % 365) * interval '1 day' + interval '2 hours',
        CASE WHEN g % 3 = 0 THEN now() - (g % 300) * interval '1 day' END
       FROM generate_series(1, greatest(:n / 100, 1)) g""",
    """INSERT INTO outbox (idempotency_key, channel, chat_id, payload, status, attempts, next_attempt_at,
        created_at, sent_at, priority)
       SELECT 'old:' || g, 'telegram', g::text, '{}', 'sent', 1, now(), now(), now(), 1
       FROM generate_series(1, :n) g""",
]
CODE = (
    "lpad((g % 34 + 11)::text, 2, '0') || '.' || lpad((g / 34 % 20 + 1)::text, 2, '0') || '.'"
    " || lpad((g / 680 % 15 + 1)::text, 2, '0') || '.' || (2001 + g / 10200 % 30)::text"
)
FLAGS = (
    '(ARRAY[\'{"raised": ["visa_tourist", "documents_held"]}\', \'{"raised": ["fees_debt"]}\','
    ' \'{"raised": []}\', \'{"raised": ["scam_hub", "secrecy"]}\'])[g % 4 + 1]::json'
)
PENDING = """INSERT INTO outbox (idempotency_key, channel, chat_id, payload, status, attempts,
    next_attempt_at, created_at, priority)
   SELECT 'new:' || g, 'telegram', (g + 100000000)::text, '{"text": "Waspada", "buttons": [], "photo": ""}',
    'pending', 0, now() - interval '1 minute', now(), 1
   FROM generate_series(1, :n) g"""


async def admin(sql: str) -> None:
    import asyncpg

    url = make_url(POSTGRES).set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


async def median_seconds(work: Callable[[], Awaitable[Any]], repeat: int = REPEAT) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        await work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


class Bench:
    def __init__(self, args: argparse.Namespace, api_base: str) -> None:
        self.args = args
        self.api_base = api_base
        self.services = build_services(Settings())

    async def measure(self, size: int) -> dict[str, float]:
        database = f"sigap_scale_{size}_{os.getpid()}"
        await admin(f"CREATE DATABASE {database}")
        engine = create_engine(
            make_url(POSTGRES).set(database=database).render_as_string(hide_password=False)
        )
        try:
            await migrate.upgrade(engine)
            sessions = create_sessionmaker(engine)
            async with sessions() as session, session.begin():
                # Triggers off while seeding (the daily check counts, one row trigger per check:
                # minutes at 1M), then those counts recounted from the checks in one pass each.
                await session.execute(text("SET LOCAL session_replication_role = replica"))
                for statement in SEED:
                    sql = statement.replace("{code}", CODE).replace("{flags}", FLAGS)
                    await session.execute(text(sql), {"n": size})
                await session.execute(text("SET LOCAL session_replication_role = origin"))
                await check_days.recount(session)
                await session.execute(text("ANALYZE"))
            return await self.figures(sessions, size)
        finally:
            await engine.dispose()
            await admin(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")

    async def figures(self, sessions: async_sessionmaker[AsyncSession], size: int) -> dict[str, float]:
        result: dict[str, float] = {}

        async def claim() -> None:
            async with sessions() as session, session.begin():
                await outbox.claim_due(session, utc_now(), 50, timedelta(seconds=60))
                await session.rollback()

        result["idle poll ms"] = 1000 * await median_seconds(claim)
        async with sessions() as session, session.begin():
            # The delivery below needs a queue to drain, also in the empty database.
            await session.execute(text(PENDING), {"n": max(size, self.args.deliver + 200)})
            await session.execute(text("ANALYZE outbox"))
        result["claim 50 ms"] = 1000 * await median_seconds(claim)

        async def find_user() -> None:
            async with sessions() as session, session.begin():
                await queries.get_or_create_user(session, "telegram", "7", "7", "id", utc_now())

        result["user turn ms"] = 1000 * await median_seconds(find_user, 31)
        scope = Scope(None, "Indonesia", "Asia/Jakarta")
        period = last_days(date.today(), 365)

        async def national() -> None:
            async with sessions() as session:
                await gather(session, scope, period, utc_now())

        result["stats 365 d s"] = await median_seconds(national, 3)
        result["delivery / allowed"] = await self.delivery(sessions)
        async with sessions() as session, session.begin():
            record = await broadcasts.create_library_once(session, "red_flags", None, utc_now(), "bench")
        tracemalloc.start()
        started = time.perf_counter()
        await fire(sessions, self.services, record, utc_now(), utc_now())
        result["fan-out s"] = time.perf_counter() - started
        result["fan-out MiB"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        return result

    async def delivery(self, sessions: async_sessionmaker[AsyncSession]) -> float:
        """Messages a second over the allowance, from the first 50 delivered to --deliver more."""
        sender, channel = bench_sender(sessions, self.api_base, self.args.rate)
        before = (await asyncio.to_thread(fake_stats, self.api_base))["delivered"]
        sender.start()
        try:
            per_second = await delivered_per_second(self.api_base, before, 50, self.args.deliver)
        finally:
            await sender.stop()
            await channel.close()
        return per_second / self.args.rate


async def main(args: argparse.Namespace, api_base: str) -> None:
    bench = Bench(args, api_base)
    sizes = [0, *(int(size) for size in args.sizes.split(","))]
    rows = {}
    for size in sizes:
        rows[size] = await bench.measure(size)
        print(f"  measured {size:,} rows", file=sys.stderr, flush=True)
    names = list(rows[0])
    print(f"PostgreSQL, each size in a fresh database; ratio to the empty database ({date.today()})")
    header = f"{'figure':22}" + "".join(f"{size:>12,}" for size in sizes) + "   ratio largest/empty"
    print(header)
    for name in names:
        values = [rows[size][name] for size in sizes]
        first = values[0] or 1e-9
        cells = "".join(f"{value:12.3f}" for value in values)
        print(f"{name:22}{cells}   {values[-1] / first:8.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--rate", type=int, default=500)
    parser.add_argument("--deliver", type=int, default=1500)
    arguments = parser.parse_args()
    run_against_fake_bot_api(arguments.rate, lambda base_url: main(arguments, base_url))
