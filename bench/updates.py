"""Throughput and latency of Telegram updates through the whole stack, beside a bare aiogram echo bot.

Each simulated user goes through onboarding and the whole checklist (18 updates) over the webhook;
the bot answers through sendMessage to a fake Bot API server running in its own process on
127.0.0.1. The same load is sent to a bare aiogram echo bot on the same fake server, in the same
run, and Sigap's throughput is printed as a ratio of the echo bot's (target: >= 0.4).

    python bench/updates.py [--users 40] [--concurrency 20] [--rounds 5] [--skip-postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
from aiogram import Bot, Dispatcher, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import CallbackQuery, Message
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import SigapService  # noqa: E402
from bot.config import DeliverySettings, Settings, TelegramSettings, WebSettings  # noqa: E402
from ground.i18n import Content, default_content_dir  # noqa: E402
from handlers.checklist.scoring import parse_rules  # noqa: E402
from tests.telegram_updates import callback_update, text_update  # noqa: E402

TOKEN = "123456:BENCH-token-for-the-fake-api"
SECRET = "bench-webhook-secret-0123456789"
PATH = "/webhook"
POSTGRES = os.environ.get("SIGAP_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")


QUESTION_IDS = [
    q.id for q in parse_rules(Content.load(default_content_dir(), "id").data("checklist")).questions
]


def conversation(user_id: int) -> list[dict[str, Any]]:
    """What one villager sends: /start, language, privacy, menu, then all checklist answers."""
    updates = [
        text_update(user_id, "/start"),
        callback_update(user_id, "lang:id"),
        callback_update(user_id, "privacy:ok"),
        callback_update(user_id, "menu:check"),
    ]
    updates += [callback_update(user_id, f"ck:a:{question_id}:y") for question_id in QUESTION_IDS]
    return updates


async def drive(url: str, users: int, concurrency: int, first_user: int) -> tuple[float, list[float], int]:
    """Send every user's conversation (each user in order, users in parallel); time each update."""
    latencies: list[float] = []
    failures = 0
    gate = asyncio.Semaphore(concurrency)
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}

    async with aiohttp.ClientSession() as http:

        async def one_user(user_id: int) -> None:
            nonlocal failures
            async with gate:
                for update in conversation(user_id):
                    started = time.perf_counter()
                    async with http.post(url, json=update, headers=headers) as response:
                        await response.read()
                        failures += response.status != 200
                    latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(one_user(first_user + i) for i in range(users)))
        elapsed = time.perf_counter() - started
    return elapsed, latencies, failures


async def echo_bot(api_base: str) -> tuple[web.AppRunner, Bot]:
    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(api_base)))
    dispatcher = Dispatcher()
    router = Router()

    @router.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "?")

    @router.callback_query()
    async def echo_button(query: CallbackQuery) -> None:
        await query.answer()
        await bot.send_message(query.from_user.id, query.data or "?")

    dispatcher.include_router(router)
    app = web.Application()
    SimpleRequestHandler(dispatcher, bot, secret_token=SECRET, handle_in_background=False).register(app, PATH)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner, bot


def sigap_settings(database_url: str, api_base: str) -> Settings:
    return Settings(
        telegram=TelegramSettings(mode="webhook", api_base=api_base, webhook_path=PATH),
        web=WebSettings(port=0),
        delivery=DeliverySettings(),
        database_url=database_url,  # type: ignore[arg-type]
        telegram_token=TOKEN,  # type: ignore[arg-type]
        telegram_webhook_secret=SECRET,  # type: ignore[arg-type]
    )


async def measure(url: str, args: argparse.Namespace, first_user: int) -> dict[str, Any]:
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    elapsed, latencies, failures = await drive(url, args.users, args.concurrency, first_user)
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    return {"elapsed": elapsed, "latencies": latencies, "failures": failures, "cpu": cpu}


def summary(name: str, rounds: list[dict[str, Any]], ratios: list[float]) -> dict[str, Any]:
    latencies = sorted(latency for r in rounds for latency in r["latencies"])
    updates = len(latencies)
    return {
        "name": name,
        "updates": updates,
        "rate": statistics.median(len(r["latencies"]) / r["elapsed"] for r in rounds),
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[max(int(updates * 0.99) - 1, 0)] * 1000,
        "failures": sum(r["failures"] for r in rounds),
        # CPU of this process (load generator and bot, all threads) per update handled.
        "cpu_ms": sum(r["cpu"] for r in rounds) / updates * 1000,
        "ratio": statistics.median(ratios) if ratios else 1.0,
        "ratio_range": (min(ratios), max(ratios)) if ratios else (1.0, 1.0),
    }


@contextlib.asynccontextmanager
async def postgres_database() -> AsyncIterator[str]:
    from sqlalchemy.engine import make_url

    url = make_url(POSTGRES)
    name = f"sigap_bench_{os.getpid()}"
    admin_dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    admin = await asyncpg.connect(admin_dsn)
    await admin.execute(f"DROP DATABASE IF EXISTS {name}")
    await admin.execute(f"CREATE DATABASE {name}")
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await admin.close()


async def main(args: argparse.Namespace, api_base: str) -> None:
    """All stacks listen at once and are measured in turn, round after round, so a slow moment of
    this shared machine hits each of them; ratios are taken within a round, then the median."""
    async with contextlib.AsyncExitStack() as stack:
        urls: dict[str, str] = {}
        runner, bot = await echo_bot(api_base)
        stack.push_async_callback(bot.session.close)
        stack.push_async_callback(runner.cleanup)
        urls["aiogram echo bot"] = f"http://127.0.0.1:{runner.addresses[0][1]}{PATH}"

        async def start_sigap(database_url: str) -> str:
            service = SigapService(sigap_settings(database_url, api_base))
            await service.start()
            stack.push_async_callback(service.stop)
            return f"http://127.0.0.1:{service.web_port}{PATH}"

        tmp = stack.enter_context(tempfile.TemporaryDirectory())
        urls["sigap, SQLite"] = await start_sigap(f"sqlite+aiosqlite:///{tmp}/bench.db")
        if not args.skip_postgres:
            postgres_url = await stack.enter_async_context(postgres_database())
            urls["sigap, PostgreSQL"] = await start_sigap(postgres_url)

        for index, url in enumerate(urls.values()):  # warm-up: connections, caches, JIT-free paths
            await drive(url, min(5, args.users), args.concurrency, 9_000_000 + index * 1000)
        rounds: dict[str, list[dict[str, Any]]] = {name: [] for name in urls}
        for round_number in range(args.rounds):
            for index, (name, url) in enumerate(urls.items()):
                first_user = (index + 1) * 1_000_000 + round_number * args.users
                rounds[name].append(await measure(url, args, first_user))

    def rate(r: dict[str, Any]) -> float:
        return len(r["latencies"]) / r["elapsed"]

    echo = rounds["aiogram echo bot"]
    results = [
        summary(name, measured, [rate(m) / rate(e) for m, e in zip(measured, echo, strict=True)])
        for name, measured in rounds.items()
    ]
    print(
        f"{args.rounds} rounds x {args.users} users x 18 updates, {args.concurrency} users at a time; "
        "webhook -> handler -> database -> sendMessage to a fake Bot API on 127.0.0.1"
    )
    print(
        f"{'stack':<20} {'updates':>8} {'upd/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'failed':>7} "
        f"{'cpu ms/upd':>10} {'vs echo (min-max)':>20}"
    )
    for r in results:
        low, high = r["ratio_range"]
        print(
            f"{r['name']:<20} {r['updates']:>8} {r['rate']:>9.1f} {r['p50']:>8.1f} {r['p99']:>8.1f} "
            f"{r['failures']:>7} {r['cpu_ms']:>10.2f} {r['ratio']:>8.2f} ({low:.2f}-{high:.2f})"
        )
    print("target: sigap throughput >= 0.40 of the echo bot's (median of per-round ratios)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--skip-postgres", action="store_true")
    # The fake Bot API runs in its own process, so its work does not count as the bot's.
    fake = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.telegram_api"], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert fake.stdout is not None
        asyncio.run(main(parser.parse_args(), fake.stdout.readline().strip()))
    finally:
        fake.terminate()
        fake.wait()
