"""CPU of a chat turn on SQLite, its statements in the event loop's thread or in aiosqlite's.

The conversation engine alone (no HTTP, no sends): users go through onboarding and the checklist
(24 turns each, 20 users at a time) on a fresh SQLite database, in rounds that alternate between
the turn's own statements in the loop (db/sqlite_driver.py, as bot/engine.py runs them) and in
the driver's thread (as before), in one process, so a busy moment of the shared machine hits both.
Prints, per placement, the process's CPU per turn (all threads, median of the rounds), the same
split between the loop's thread and the driver's, trips to the driver's thread per turn, and the
ratio of the two CPU figures.

    python bench/sqlite_turns.py [--users 40] [--rounds 6]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiosqlite.core
from pydantic import SecretStr

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import bot.engine  # noqa: E402
from bot.app import Core, open_core  # noqa: E402
from bot.config import Settings  # noqa: E402
from db.sqlite_driver import statements_in_loop  # noqa: E402
from ground.i18n import Content, default_content_dir  # noqa: E402
from ground.messages import Incoming  # noqa: E402
from handlers.checklist.scoring import parse_rules  # noqa: E402

LOOP, THREAD = "in the loop", "in the driver's thread"
PRESSES = ["lang:id", "privacy:ok", "menu:check"] + [
    f"ck:a:{q.id}:y"
    for q in parse_rules(Content.load(default_content_dir(), "id").data("checklist")).questions
]


def conversation(user: int) -> list[Incoming]:
    chat = str(user)
    first = Incoming("telegram", chat, chat, "command", text="/start", update_key=f"{user}-0")
    return [first] + [
        Incoming("telegram", chat, chat, "button", data=press, update_key=f"{user}-{n + 1}")
        for n, press in enumerate(PRESSES)
    ]


def thread_cpu() -> dict[str, float]:
    """CPU seconds so far of each thread of this process: the loop's ("main") and the others."""
    main = threading.main_thread().native_id
    seconds: dict[str, float] = {"main": 0.0, "others": 0.0}
    for task in os.listdir("/proc/self/task"):
        with contextlib.suppress(FileNotFoundError):
            fields = Path(f"/proc/self/task/{task}/stat").read_text().rsplit(")", 1)[1].split()
            used = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            seconds["main" if int(task) == main else "others"] += used
    return seconds


class Trips:
    """Counts calls into aiosqlite's thread."""

    def __init__(self) -> None:
        self.count = 0
        original = aiosqlite.core.Connection._execute

        async def counted(connection: aiosqlite.core.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return await original(connection, fn, *args, **kwargs)

        aiosqlite.core.Connection._execute = counted  # type: ignore[method-assign]


@contextlib.contextmanager
def in_the_drivers_thread() -> Iterator[None]:
    """The engine's statements_in_loop() made a no-op: every statement goes to the driver's thread."""
    bot.engine.statements_in_loop = lambda on=True: statements_in_loop(False)  # type: ignore[assignment]
    try:
        yield
    finally:
        bot.engine.statements_in_loop = statements_in_loop


async def converse(core: Core, first_user: int, users: int, concurrency: int) -> int:
    gate = asyncio.Semaphore(concurrency)
    turns = 0

    async def one(user: int) -> None:
        nonlocal turns
        async with gate:
            for incoming in conversation(user):
                await core.engine.handle(incoming)
                turns += 1

    await asyncio.gather(*(one(first_user + n) for n in range(users)))
    return turns


async def main(args: argparse.Namespace) -> None:
    trips = Trips()
    results: dict[str, list[tuple[float, float, float, float]]] = {
        "in the loop": [],
        "in the driver's thread": [],
    }
    with tempfile.TemporaryDirectory() as tmp:
        core = await open_core(Settings(database_url=SecretStr(f"sqlite+aiosqlite:///{tmp}/turns.db")))
        try:
            await converse(core, 9_000_000, 10, 10)  # warm-up
            for round_number in range(args.rounds):
                order = list(results) if round_number % 2 == 0 else list(reversed(results))
                for name in order:
                    placement = in_the_drivers_thread() if name == THREAD else contextlib.nullcontext()
                    with placement:
                        trips.count = 0
                        before = thread_cpu()
                        first = (round_number + 1) * 1_000_000 + (0 if name == LOOP else 500_000)
                        turns = await converse(core, first, args.users, 20)
                        after = thread_cpu()
                    main_ms = (after["main"] - before["main"]) / turns * 1000
                    others_ms = (after["others"] - before["others"]) / turns * 1000
                    results[name].append((main_ms + others_ms, main_ms, others_ms, trips.count / turns))
        finally:
            await core.close()
    print(f"{args.rounds} rounds x {args.users} users x {len(PRESSES) + 1} turns, 20 users at a time, SQLite")
    print(
        f"{'statements':24} {'cpu ms/turn':>12} {'loop thread':>12} {'driver':>8} {'trips/turn':>11}"
        "  (each round)"
    )
    medians: dict[str, float] = {}
    for name, rows in results.items():
        medians[name] = statistics.median(r[0] for r in rows)
        print(
            f"{name:24} {medians[name]:12.2f} {statistics.median(r[1] for r in rows):12.2f}"
            f" {statistics.median(r[2] for r in rows):8.2f} {statistics.median(r[3] for r in rows):11.2f}"
            f"  ({' '.join(f'{r[0]:.2f}' for r in rows)})"
        )
    ratio = medians[LOOP] / medians[THREAD]
    print(f"{LOOP} / {THREAD}, CPU per turn: {ratio:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=6)
    asyncio.run(main(parser.parse_args()))
