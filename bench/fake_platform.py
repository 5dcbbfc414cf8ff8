"""The fake Bot API as its own process for the delivery benchmarks, so its work is not counted as
Sigap's and its sliding-second rate limit (`--rate-limit`, one message a second per chat) is the
platform the sender has to live with; its counters, and the sender the benchmarks run against it."""

from __future__ import annotations

import asyncio
import contextlib
import json
import subprocess
import sys
import time
import urllib.request
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import settle_heap
from bot.channels.telegram import TelegramChannel
from bot.delivery import RetryPolicy
from bot.engine import utc_now
from bot.outbox import OutboxSender
from bot.rate import SharedRate

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:BENCH-token-for-the-fake-api"
CONCURRENCY = 64  # sends in flight per sender in the delivery benchmarks


def run_against_fake_bot_api(rate: int, main: Callable[[str], Awaitable[None]]) -> None:
    """Starts the fake with `rate` messages a second in all, runs main(its base URL), stops it."""
    fake = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.fakes.telegram_api",
            "--rate-limit",
            str(rate),
            "--per-chat-limit",
            "1",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert fake.stdout is not None
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(main(fake.stdout.readline().strip()))
    finally:
        fake.terminate()
        fake.wait()


def fake_stats(api_base: str) -> dict[str, Any]:
    """The fake's counters: delivered, chats, duplicates, rate_limited, chat_limited, first_at, last_at."""
    with urllib.request.urlopen(f"{api_base}/stats") as response:
        return dict(json.loads(response.read()))


def bench_sender(
    sessions: async_sessionmaker[AsyncSession], api_base: str, rate: int, **options: Any
) -> tuple[OutboxSender, TelegramChannel]:
    """The outbox sender as the benchmarks run it in their own process: Telegram at the fake, the
    shared rate at `rate` a second, CONCURRENCY sends in flight (options: the sender's other arguments);
    start-up's objects out of the garbage collector's sight, as `sigap run` does."""
    settle_heap()
    channel = TelegramChannel(TOKEN, api_base, None, RetryPolicy())  # type: ignore[arg-type]
    sender = OutboxSender(
        sessions,
        {"telegram": channel},
        RetryPolicy(max_attempts=10),
        utc_now,
        rate=SharedRate(sessions, {"telegram": rate}),
        **{"concurrency": CONCURRENCY, **options},
    )
    return sender, channel


async def delivered_per_second(api_base: str, before: int, first: int, more: int) -> float:
    """Messages a second the fake accepted from the `first`-th after `before` (start-up excluded) to
    `more` after that, polling its counter."""
    marks: list[tuple[float, int]] = []
    for goal in (first, first + more):
        while True:
            done = (await asyncio.to_thread(fake_stats, api_base))["delivered"] - before
            if done >= goal:
                break
            await asyncio.sleep(0.02)  # polling another process's counter
        marks.append((time.perf_counter(), done))
    (t1, d1), (t2, d2) = marks
    return (d2 - d1) / (t2 - t1)
