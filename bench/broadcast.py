"""Broadcast to 20,000 subscribers against a fake Bot API that enforces a rate limit.

    python bench/broadcast.py [--subscribers 20000] [--rate 500] [--enqueue 100000] [--postgres]

Prints the achieved sending rate over the allowed one (target >= 0.95), measured between the
first and the last message the fake server accepted; the 429s provoked (the fake counts the limit
over any sliding second, and one message a second per chat, as Telegram does); the duplicates and
losses counted by the fake server per chat (both must be 0); the in-flight window, the most
messages the platform had accepted while the outbox did not yet record them as sent (what a
`kill -9` at that moment would send twice: delivery is at least once); and the time and peak
Python memory to fan out one run to --enqueue subscribers. Telegram's real limit is about
30 messages a second; the fake's limit is raised to keep the run short. Every database made is
dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker  # noqa: E402

from bench.fake_platform import bench_sender, fake_stats, run_against_fake_bot_api  # noqa: E402
from bot.app import build_services  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.engine import utc_now  # noqa: E402
from bot.outbox import ROUNDS_AT_ONCE  # noqa: E402
from db import broadcasts, outbox  # noqa: E402
from db.models import Subscription, User  # noqa: E402
from db.session import create_engine, create_sessionmaker  # noqa: E402
from handlers.broadcasts.sending import fire  # noqa: E402
from handlers.context import Services  # noqa: E402
from migrations import runner as migrate  # noqa: E402

POSTGRES = os.environ.get("SIGAP_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")


async def seed(sessions: async_sessionmaker[AsyncSession], count: int) -> None:
    now = utc_now()
    async with sessions() as session, session.begin():
        connection = await session.connection()
        for start in range(0, count, 5000):
            await connection.execute(
                User.__table__.insert(),
                [
                    {
                        "channel": "telegram",
                        "external_id": str(10_000_000 + n),
                        "chat_id": str(10_000_000 + n),
                        "language": "id",
                        "language_chosen": True,
                        "blocked": False,
                        "created_at": now,
                        "last_seen_at": now,
                        "dialog": "start",
                        "step": "idle",
                        "dialog_data": {},
                    }
                    for n in range(start, min(start + 5000, count))
                ],
            )
        ids = (await session.execute(select(User.id))).scalars().all()
        for start in range(0, len(ids), 5000):
            await connection.execute(
                Subscription.__table__.insert(),
                [
                    {
                        "user_id": i,
                        "region_code": "61.12.09.2001",
                        "language": "id",
                        "active": True,
                        "subscribed_at": now,
                    }
                    for i in ids[start : start + 5000]
                ],
            )


async def _admin(database: str, create: bool) -> None:
    import asyncpg
    from sqlalchemy.engine import make_url

    url = make_url(POSTGRES)
    admin = await asyncpg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False))
    try:
        await admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        if create:
            await admin.execute(f"CREATE DATABASE {database}")
    finally:
        await admin.close()


CREATED: list[str] = []


async def fresh_database(tmp: str, name: str, use_postgres: bool) -> str:
    if not use_postgres:
        return f"sqlite+aiosqlite:///{tmp}/{name}.db"
    from sqlalchemy.engine import make_url

    database = f"sigap_bench_{name}_{os.getpid()}"
    await _admin(database, create=True)
    CREATED.append(database)
    return make_url(POSTGRES).set(database=database).render_as_string(hide_password=False)


async def drop_databases() -> None:
    while CREATED:
        await _admin(CREATED.pop(), create=False)


@dataclass
class Prepared:
    database: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    services: Services
    broadcast: broadcasts.BroadcastRecord


async def prepare(args: argparse.Namespace, tmp: str, name: str, subscribers: int) -> Prepared:
    """A migrated database with that many subscribers and one library broadcast to everyone."""
    database = create_engine(await fresh_database(tmp, name, args.postgres))
    await migrate.upgrade(database)
    sessions = create_sessionmaker(database)
    await seed(sessions, subscribers)
    async with sessions() as session, session.begin():
        record = await broadcasts.create_library_once(session, "red_flags", None, utc_now(), "bench")
    return Prepared(database, sessions, build_services(Settings()), record)


async def delivery(args: argparse.Namespace, api_base: str, tmp: str) -> dict[str, float]:
    prepared = await prepare(args, tmp, "delivery", args.subscribers)
    sessions = prepared.sessions
    await fire(sessions, prepared.services, prepared.broadcast, utc_now(), utc_now())
    sender, channel = bench_sender(sessions, api_base, args.rate, batch=args.batch, per_chat_interval=1.0)
    before = fake_stats(api_base)["delivered"]
    sender.start()
    window = 0.0
    started = time.perf_counter()
    try:
        while True:
            # The outbox first, then the platform: the platform's count can only have grown, so
            # the difference is an upper bound of what was accepted but not yet recorded.
            async with sessions() as session:
                counts = await outbox.counts(session)
            accepted = await asyncio.to_thread(fake_stats, api_base)
            window = max(window, accepted["delivered"] - before - counts.get("sent", 0))
            if counts.get("pending", 0) == 0:
                break
            await asyncio.sleep(0.02)
    finally:
        await sender.stop()
    elapsed = time.perf_counter() - started
    await channel.close()
    await prepared.database.dispose()
    stats = fake_stats(api_base)
    # The rate between the first and the last accepted message, as the fake saw them.
    span = max(stats["last_at"] - stats["first_at"], 1e-9)
    return {
        "elapsed": elapsed,
        "rate": (stats["delivered"] - 1) / span,
        "rate_limited": stats["rate_limited"] + stats["chat_limited"],
        "duplicates": stats["duplicates"],
        "losses": args.subscribers - stats["chats"],
        "in_flight": window,
    }


async def enqueue(args: argparse.Namespace, tmp: str) -> dict[str, float]:
    prepared = await prepare(args, tmp, "enqueue", args.enqueue)
    tracemalloc.start()
    started = time.perf_counter()
    queued = await fire(prepared.sessions, prepared.services, prepared.broadcast, utc_now(), utc_now())
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    await prepared.database.dispose()
    return {"queued": float(queued or 0), "elapsed": elapsed, "peak_mib": peak / 2**20}


async def main(args: argparse.Namespace, api_base: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        try:
            sent = await delivery(args, api_base, tmp)
            fan_out = await enqueue(args, tmp)
        finally:
            await drop_databases()
    backend = "PostgreSQL" if args.postgres else "SQLite"
    print(f"broadcast to {args.subscribers} subscribers, fake Bot API limit {args.rate}/s, {backend}")
    print(f"  time to deliver        {sent['elapsed']:8.1f} s")
    ratio = sent["rate"] / args.rate
    print(f"  achieved / allowed     {sent['rate']:8.1f} / {args.rate} = {ratio:.2f}  (target >= 0.95)")
    print(f"  429s provoked          {sent['rate_limited']:8.0f}")
    print(f"  duplicates             {sent['duplicates']:8.0f}  (must be 0)")
    print(f"  losses                 {sent['losses']:8.0f}  (must be 0)")
    print(
        f"  in-flight window       {sent['in_flight']:8.0f}  accepted, not yet recorded: at most this many"
        f" sent twice after kill -9 ({ROUNDS_AT_ONCE} rounds of batch {args.batch})"
    )
    print(f"fan-out of one run to {args.enqueue} subscribers into the outbox")
    print(f"  queued                 {fan_out['queued']:8.0f}")
    print(f"  time                   {fan_out['elapsed']:8.2f} s")
    print(f"  peak Python memory     {fan_out['peak_mib']:8.1f} MiB (tracemalloc)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscribers", type=int, default=20_000)
    parser.add_argument("--rate", type=int, default=500)
    parser.add_argument("--enqueue", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=50, help="outbox claim size (the in-flight bound)")
    parser.add_argument("--postgres", action="store_true")
    arguments = parser.parse_args()
    run_against_fake_bot_api(arguments.rate, lambda base_url: main(arguments, base_url))
