"""Throughput and latency of Telegram updates through the whole stack, beside a bare aiogram echo bot.

Each simulated user goes through onboarding and the whole checklist (24 updates) over the webhook;
the bot answers through sendMessage to a fake Bot API server running in its own process on
127.0.0.1. The same load is sent to a bare aiogram echo bot on the same fake server, in the same
run, and Sigap's throughput is printed as a ratio of the echo bot's (targets: >= 0.5 on
PostgreSQL, >= 0.4 on SQLite).

Fair to the echo bot: it answers a button press in the webhook's response, as Sigap does (no
separate answerCallbackQuery request), and sends one message per update; the load generator
runs in a process of its own, so its CPU is not the bots'; so does the echo bot, which then
shares no heap or garbage collector with Sigap (in one process, each sped up or slowed down the
other); the stacks are measured in turn, in reversed order every other round.

    python bench/updates.py [--users 40] [--concurrency 20] [--rounds 5] [--skip-postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
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
    async def echo_button(query: CallbackQuery) -> Any:
        await bot.send_message(query.from_user.id, query.data or "?")
        # Returned, not awaited: aiogram writes it into the webhook's response, as Sigap answers.
        return query.answer()

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


class LoadGenerator:
    """drive() in a process of its own, forked before any event loop or thread exists (so it
    starts in no time and shares nothing running): its CPU is not counted as the bots'."""

    def __init__(self) -> None:
        self._ours, theirs = multiprocessing.Pipe()
        self._process = multiprocessing.get_context("fork").Process(target=self._serve, args=(theirs,))
        self._process.start()

    @staticmethod
    def _serve(connection: Any) -> None:
        while (job := connection.recv()) is not None:
            connection.send(asyncio.run(drive(*job)))

    def _ask(self, job: tuple[str, int, int, int]) -> tuple[float, list[float], int]:
        self._ours.send(job)
        return self._ours.recv()  # type: ignore[no-any-return]

    async def drive(
        self, url: str, users: int, concurrency: int, first_user: int
    ) -> tuple[float, list[float], int]:
        return await asyncio.to_thread(self._ask, (url, users, concurrency, first_user))

    def close(self) -> None:
        self._ours.send(None)
        self._process.join()


class EchoProcess:
    """The echo bot in a process of its own, forked like the load generator: it shares neither
    the heap nor the garbage collector with Sigap. In one process, Sigap's allocations set off
    the collections that made aiogram rebuild its Response[Message] model for the echo's sends
    too, and Sigap's fixes of that sped the echo up as much as Sigap (docs/performance.md)."""

    def __init__(self, api_base: str) -> None:
        self._ours, theirs = multiprocessing.Pipe()
        self._process = multiprocessing.get_context("fork").Process(
            target=self._serve, args=(theirs, api_base)
        )
        self._process.start()
        self.url: str = self._ours.recv()

    @staticmethod
    def _serve(connection: Any, api_base: str) -> None:
        async def serve() -> None:
            runner, bot = await echo_bot(api_base)
            connection.send(f"http://127.0.0.1:{runner.addresses[0][1]}{PATH}")
            while await asyncio.to_thread(connection.recv) is not None:  # asked for its CPU
                connection.send(process_cpu())
            await bot.session.close()
            await runner.cleanup()

        asyncio.run(serve())

    def _ask_cpu(self) -> float:
        self._ours.send("cpu")
        return float(self._ours.recv())

    async def cpu(self) -> float:
        return await asyncio.to_thread(self._ask_cpu)

    def close(self) -> None:
        self._ours.send(None)
        self._process.join()


def process_cpu() -> float:
    """CPU seconds of this process so far, all threads."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def own_cpu() -> float:
    return process_cpu()


LOAD: LoadGenerator | None = None
ECHO: EchoProcess | None = None


async def drive_elsewhere(
    url: str, users: int, concurrency: int, first_user: int
) -> tuple[float, list[float], int]:
    assert LOAD is not None
    return await LOAD.drive(url, users, concurrency, first_user)


async def measure(
    url: str, args: argparse.Namespace, first_user: int, cpu: Callable[[], Awaitable[float]]
) -> dict[str, Any]:
    """One stack's round; `cpu`: the CPU seconds so far of the process that serves it."""
    cpu_before = await cpu()
    elapsed, latencies, failures = await drive_elsewhere(url, args.users, args.concurrency, first_user)
    cpu_used = await cpu() - cpu_before
    return {"elapsed": elapsed, "latencies": latencies, "failures": failures, "cpu": cpu_used}


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
        # CPU of the stack's process (all threads; not the load generator's) per update handled.
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
        assert ECHO is not None
        urls: dict[str, str] = {"aiogram echo bot": ECHO.url}
        cpus: dict[str, Callable[[], Awaitable[float]]] = {"aiogram echo bot": ECHO.cpu}

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
            await drive_elsewhere(url, min(5, args.users), args.concurrency, 9_000_000 + index * 1000)
        rounds: dict[str, list[dict[str, Any]]] = {name: [] for name in urls}
        for round_number in range(args.rounds):
            # Alternating order: whoever goes first or last in a round does not always win that place.
            order = list(enumerate(urls.items()))
            for index, (name, url) in order if round_number % 2 == 0 else reversed(order):
                first_user = (index + 1) * 1_000_000 + round_number * args.users
                rounds[name].append(await measure(url, args, first_user, cpus.get(name, own_cpu)))

    def rate(r: dict[str, Any]) -> float:
        return len(r["latencies"]) / r["elapsed"]

    echo = rounds["aiogram echo bot"]
    results = [
        summary(name, measured, [rate(m) / rate(e) for m, e in zip(measured, echo, strict=True)])
        for name, measured in rounds.items()
    ]
    print(
        f"{args.rounds} rounds x {args.users} users x {len(conversation(0))} updates, "
        f"{args.concurrency} users at a time; "
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
    print(
        "targets: sigap throughput >= 0.50 of the echo bot's on PostgreSQL, >= 0.40 on SQLite "
        "(median of per-round ratios)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--skip-postgres", action="store_true")
    arguments = parser.parse_args()
    LOAD = LoadGenerator()
    # The fake Bot API runs in its own process, so its work does not count as the bot's.
    fake = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.telegram_api"], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert fake.stdout is not None
    api = fake.stdout.readline().strip()
    ECHO = EchoProcess(api)  # forked before this process runs an event loop, like LOAD
    try:
        asyncio.run(main(arguments, api))
    finally:
        ECHO.close()
        LOAD.close()
        fake.terminate()
        fake.wait()
