"""Delivery from a queue of a million pending messages, by the sender in this process and by
`sigap run` processes sharing the queue, against the fake Bot API in its own process.

    python bench/queue_delivery.py [--pending 1000000] [--rate 500] [--deliver 5000] [--processes 0,1,2]

One fresh PostgreSQL database, migrated, with --pending due messages to distinct chats (seeded in
SQL). Then, in one run and on the same queue, for each entry of --processes: 0 is an OutboxSender
in this process (as `bench/scale.py` measures it), N >= 1 is N real `sigap run` processes started
as an operator starts them (configured by environment: token, API address, database, the rate).
Each delivers --deliver messages after a first 50 (start-up excluded); then it is stopped
(SIGTERM, the graceful stop), and the outbox and the fake server are compared:

- delivery / allowed: messages a second the fake accepted between the 50th and the last counted,
  over --rate (the fake enforces --rate over any sliding second and one a second per chat);
- refused by the limit: the fake's 429s for the sliding second and for the per-chat second (the
  sender should provoke none: each is a violation of the platform's limit);
- duplicates: chats the fake delivered to more than once (each chat has one message);
- unrecorded: accepted by the fake but not marked sent in the outbox after the stop (would be sent
  again); lost: marked sent but never accepted by the fake. Both must be 0.

The database is dropped at the end, also after an error.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker  # noqa: E402

from bench.fake_platform import (  # noqa: E402
    CONCURRENCY,
    TOKEN,
    bench_sender,
    delivered_per_second,
    fake_stats,
    run_against_fake_bot_api,
)
from bench.scale import PENDING, POSTGRES, admin  # noqa: E402
from bot.channels.telegram import TelegramChannel  # noqa: E402
from bot.outbox import OutboxSender  # noqa: E402
from db.models import OutboxMessage  # noqa: E402
from db.session import create_engine, create_sessionmaker  # noqa: E402
from migrations import runner as migrate  # noqa: E402


async def sent_count(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        statement = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "sent")
        return int((await session.execute(statement)).scalar_one())


class Deliverers:
    """Starts and stops the senders of one measurement: in this process, or `sigap run`s."""

    def __init__(self, processes: int, url: str, api_base: str, rate: int) -> None:
        self.processes = processes
        self.url, self.api_base, self.rate = url, api_base, rate
        self._children: list[asyncio.subprocess.Process] = []
        self._sender: OutboxSender | None = None
        self._channel: TelegramChannel | None = None

    async def start(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        if self.processes == 0:
            self._sender, self._channel = bench_sender(sessions, self.api_base, self.rate)
            self._sender.start()
            return
        environment = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "PYTHONPATH": str(ROOT),
            "SIGAP_TELEGRAM_TOKEN": TOKEN,
            "SIGAP_TELEGRAM__API_BASE": self.api_base,
            "SIGAP_DATABASE_URL": self.url,
            "SIGAP_DELIVERY__TELEGRAM_MESSAGES_PER_SECOND": str(self.rate),
            "SIGAP_DELIVERY__SEND_CONCURRENCY": str(CONCURRENCY),
        }
        for _ in range(self.processes):
            self._children.append(
                await asyncio.create_subprocess_exec(
                    sys.executable,
                    *("-m", "bot.cli", "--config", str(ROOT / "config.toml"), "run"),
                    env=environment,
                    cwd=ROOT,
                    stdout=asyncio.subprocess.DEVNULL,
                    stderr=asyncio.subprocess.DEVNULL,
                )
            )

    async def stop(self) -> None:
        if self._sender is not None:
            await self._sender.stop()
        if self._channel is not None:
            await self._channel.close()
        for child in self._children:
            child.send_signal(signal.SIGTERM)
        for child in self._children:
            await asyncio.wait_for(child.wait(), 60)


async def measure(
    processes: int,
    url: str,
    sessions: async_sessionmaker[AsyncSession],
    args: argparse.Namespace,
    api_base: str,
) -> dict[str, float]:
    before = await asyncio.to_thread(fake_stats, api_base)
    sent_before = await sent_count(sessions)
    deliverers = Deliverers(processes, url, api_base, args.rate)
    await deliverers.start(sessions)
    try:
        per_second = await delivered_per_second(api_base, before["delivered"], 50, args.deliver)
    finally:
        await deliverers.stop()
    after = await asyncio.to_thread(fake_stats, api_base)
    recorded = await sent_count(sessions) - sent_before
    accepted = after["chats"] - before["chats"]
    return {
        "delivery / allowed": per_second / args.rate,
        "refused, sliding second": after["rate_limited"] - before["rate_limited"],
        "refused, per chat": after["chat_limited"] - before["chat_limited"],
        "duplicates": after["duplicates"] - before["duplicates"],
        "unrecorded": max(0, accepted - recorded),
        "lost": max(0, recorded - accepted),
        "delivered in all": after["delivered"] - before["delivered"],
    }


async def main(args: argparse.Namespace, api_base: str) -> None:
    database = f"sigap_queue_{os.getpid()}"
    url = make_url(POSTGRES).set(database=database).render_as_string(hide_password=False)
    await admin(f"CREATE DATABASE {database}")
    engine = create_engine(url)
    try:
        await migrate.upgrade(engine)
        sessions = create_sessionmaker(engine)
        async with sessions() as session, session.begin():
            await session.execute(text(PENDING), {"n": args.pending})
        async with engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(text("VACUUM ANALYZE outbox"))
        results = {}
        for processes in (int(p) for p in args.processes.split(",")):
            results[processes] = await measure(processes, url, sessions, args, api_base)
            print(f"  measured {processes} process(es)", file=sys.stderr, flush=True)
    finally:
        await engine.dispose()
        await admin(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
    columns = ["in this process" if p == 0 else f"{p} x sigap run" for p in results]
    print(
        f"{args.pending:,} pending on PostgreSQL, fake Bot API limit {args.rate}/s (sliding second, "
        f"1/s per chat), {args.deliver:,} delivered after the first 50"
    )
    print(f"{'':26}" + "".join(f"{c:>18}" for c in columns))
    for name in next(iter(results.values())):
        cells = "".join(
            f"{results[p][name]:18.3f}" if name.startswith("delivery") else f"{results[p][name]:18.0f}"
            for p in results
        )
        print(f"{name:26}{cells}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pending", type=int, default=1_000_000)
    parser.add_argument("--rate", type=int, default=500)
    parser.add_argument("--deliver", type=int, default=5000)
    parser.add_argument("--processes", default="0,1,2")
    arguments = parser.parse_args()
    run_against_fake_bot_api(arguments.rate, lambda base_url: main(arguments, base_url))
