"""SQLite's one connection goes back to the pool clean (issue 21): a transaction left open on it
(a task cancelled mid-turn) is rolled back before the next turn gets it, as the pool's rollback on
return did; after a commit nothing is rolled back, which cost a trip to the driver's thread per
message."""

from __future__ import annotations

import asyncio
import shutil
import sys
from asyncio.subprocess import PIPE
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite.core
import pytest
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

import db.session
from bot.app import open_core
from bot.config import Settings
from db.session import create_engine
from db.sqlite_driver import statements_in_loop
from ground.i18n import Content, default_content_dir
from ground.messages import Incoming
from handlers.checklist.scoring import parse_rules


async def test_an_open_transaction_is_rolled_back_on_return_and_a_committed_one_costs_no_rollback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rollbacks = 0
    original = aiosqlite.core.Connection.rollback

    async def counted(self: aiosqlite.core.Connection) -> None:
        nonlocal rollbacks
        rollbacks += 1
        await original(self)

    monkeypatch.setattr(aiosqlite.core.Connection, "rollback", counted)
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'one.db'}")
    try:
        async with engine.begin() as connection:  # (the first connection's set-up rolls back)
            await connection.execute(text("CREATE TABLE notes (body TEXT)"))
        before = rollbacks
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO notes VALUES ('kept')"))
        assert rollbacks == before  # committed: nothing to roll back

        # A transaction SQLAlchemy does not know of, as one cut off mid-way leaves it.
        async with engine.connect() as connection:
            raw = await connection.get_raw_connection()
            assert raw.driver_connection is not None
            await raw.driver_connection.execute("BEGIN IMMEDIATE")
            await raw.driver_connection.execute("INSERT INTO notes VALUES ('half-done')")
        assert rollbacks == before + 1

        async with engine.begin() as connection:  # BEGIN IMMEDIATE again: the lock is free
            bodies = (await connection.execute(text("SELECT body FROM notes"))).scalars().all()
        assert bodies == ["kept"]
    finally:
        await engine.dispose()


async def test_a_statement_is_one_trip_to_the_drivers_thread_with_the_same_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """aiosqlite runs SQLite in a thread; SQLAlchemy's adapter made four trips there per statement
    (cursor, execute, fetch, close), a third of a message's CPU. db/sqlite_driver.py makes one, and
    rows, counts, new ids and errors come back as before."""
    trips = 0
    original = aiosqlite.core.Connection._execute

    async def counted(self: aiosqlite.core.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        nonlocal trips
        trips += 1
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.core.Connection, "_execute", counted)
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'trips.db'}")
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT UNIQUE)"))
            await connection.execute(text("INSERT INTO notes (body) VALUES (:b)"), [{"b": "a"}, {"b": "b"}])
        async with engine.begin() as connection:
            trips = 0
            added = await connection.execute(text("INSERT INTO notes (body) VALUES ('c')"))
            assert added.lastrowid == 3
            assert trips == 1
            changed = await connection.execute(text("UPDATE notes SET body = body || '!' WHERE id < 3"))
            assert changed.rowcount == 2
            rows = (await connection.execute(text("SELECT body FROM notes ORDER BY id"))).scalars().all()
            assert rows == ["a!", "b!", "c"]
            assert trips == 3, "one trip a statement"
        with pytest.raises(IntegrityError):
            async with engine.begin() as connection:
                await connection.execute(text("INSERT INTO notes (body) VALUES ('c')"))
        async with engine.connect() as connection:
            assert (await connection.execute(text("SELECT count(*) FROM notes"))).scalar_one() == 3
    finally:
        await engine.dispose()


CHECKLIST_ANSWERS = [
    f"ck:a:{question.id}:y"
    for question in parse_rules(Content.load(default_content_dir(), "id").data("checklist")).questions
][:3]


# --- a chat turn's own statements in the event loop's thread (db/sqlite_driver.py) -------------

HOLDER = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
print("held", flush=True)
sys.stdin.readline()
connection.execute("ROLLBACK")
"""


@asynccontextmanager
async def write_lock_held_elsewhere(path: Path) -> AsyncIterator[asyncio.subprocess.Process]:
    """Another process (a second `sigap run`, a CLI command) holds SQLite's write lock until the
    block ends."""
    holder = await asyncio.create_subprocess_exec(
        sys.executable, "-c", HOLDER, str(path), stdin=PIPE, stdout=PIPE
    )
    assert holder.stdin is not None and holder.stdout is not None
    try:
        assert await holder.stdout.readline() == b"held\n"
        yield holder
    finally:
        holder.stdin.write(b"release\n")
        await holder.stdin.drain()
        await holder.wait()


def count_trips(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """[trips to aiosqlite's thread so far], counted as the test goes."""
    trips = [0]
    original = aiosqlite.core.Connection._execute

    async def counted(self: aiosqlite.core.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        trips[0] += 1
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.core.Connection, "_execute", counted)
    return trips


async def ticking(ticks: list[int]) -> None:
    """Counts while the event loop is free to run it."""
    while True:
        await asyncio.sleep(0.005)
        ticks[0] += 1


async def test_a_turns_statements_run_in_the_loop_with_no_trip_and_the_same_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Inside statements_in_loop() the chat engine's statements make no trip to the driver's
    thread (their CPU was mostly the trips); rows, counts, new ids, errors and rollbacks are as
    before. The COMMIT alone goes there: it waits for the disk."""
    trips = count_trips(monkeypatch)
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'loop.db'}")
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT UNIQUE)"))
            await connection.execute(text("INSERT INTO notes (body) VALUES (:b)"), [{"b": "a"}, {"b": "b"}])
        with statements_in_loop():
            trips[0] = 0
            async with engine.begin() as connection:  # BEGIN IMMEDIATE
                added = await connection.execute(text("INSERT INTO notes (body) VALUES ('c')"))
                assert added.lastrowid == 3
                changed = await connection.execute(text("UPDATE notes SET body = body || '!' WHERE id < 3"))
                assert changed.rowcount == 2
                rows = (await connection.execute(text("SELECT body FROM notes ORDER BY id"))).scalars().all()
                assert rows == ["a!", "b!", "c"]
                more = [{"b": "d"}, {"b": "e"}]
                await connection.execute(text("INSERT INTO notes (body) VALUES (:b)"), more)
                assert trips[0] == 0, "no trip before the commit"
            assert trips[0] == 1, "the COMMIT's"
            with pytest.raises(IntegrityError):
                async with engine.begin() as connection:
                    await connection.execute(text("INSERT INTO notes (body) VALUES ('c')"))
            async with engine.begin() as connection:
                await connection.execute(text("DELETE FROM notes"))
                await connection.rollback()
            with statements_in_loop(False):  # a handler's statements: in the driver's thread
                trips[0] = 0
                async with engine.connect() as connection:
                    assert (await connection.execute(text("SELECT count(*) FROM notes"))).scalar_one() == 5
                assert trips[0] >= 2  # BEGIN IMMEDIATE, SELECT (and the rollback on return)
    finally:
        await engine.dispose()


async def test_a_turn_waits_for_another_processs_lock_with_the_loop_running_then_goes_on(
    tmp_path: Path,
) -> None:
    """The in-loop connection never waits inside SQLite (its busy timeout is 0, or a lock held
    elsewhere would stop the whole bot): BEGIN IMMEDIATE refused as busy is tried again after
    asyncio sleeps, other coroutines run meanwhile, and once the lock is free the turn goes on."""
    path = tmp_path / "held.db"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    ticks = [0]
    ticker = asyncio.create_task(ticking(ticks))
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE notes (body TEXT)"))

        async def turn() -> None:
            with statements_in_loop():
                async with engine.begin() as connection:
                    await connection.execute(text("INSERT INTO notes VALUES ('after the lock')"))

        async with write_lock_held_elsewhere(path):
            waiting = asyncio.create_task(turn())
            before = ticks[0]
            while ticks[0] < before + 20:  # the loop runs on while the turn waits
                await asyncio.sleep(0.005)
                assert not waiting.done(), "the turn did not wait for the lock"
        await waiting
        async with engine.connect() as connection:
            bodies = (await connection.execute(text("SELECT body FROM notes"))).scalars().all()
        assert bodies == ["after the lock"]
    finally:
        ticker.cancel()
        await engine.dispose()


@pytest.mark.parametrize("in_loop", [True, False], ids=["in the loop", "in the driver's thread"])
async def test_a_lock_held_past_the_budget_ends_in_sqlites_error_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_loop: bool
) -> None:
    """The wait has the budget SQLite's busy timeout had (30 s; shortened here) and ends in the
    same error, "database is locked", which the engine takes for a database failure (the update
    is refused for re-delivery); the loop ran all along."""
    assert db.session.SQLITE_BUSY_SECONDS == 30
    monkeypatch.setattr(db.session, "SQLITE_BUSY_SECONDS", 0.3)
    path = tmp_path / "budget.db"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    ticks = [0]
    ticker = asyncio.create_task(ticking(ticks))
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE notes (body TEXT)"))
        async with write_lock_held_elsewhere(path):
            before = ticks[0]
            with statements_in_loop(in_loop), pytest.raises(OperationalError, match="database is locked"):
                async with engine.begin() as connection:
                    await connection.execute(text("INSERT INTO notes VALUES ('never')"))
            assert ticks[0] > before, "the loop ran while the turn waited"
        async with engine.begin() as connection:  # and the connection serves the next turn
            await connection.execute(text("INSERT INTO notes VALUES ('next')"))
    finally:
        ticker.cancel()
        await engine.dispose()


async def test_a_chat_turn_on_sqlite_goes_to_the_drivers_thread_once_for_its_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sqlite_template: Path
) -> None:
    """BEGIN IMMEDIATE, the update claimed and the user found, the state saved: in the loop;
    the COMMIT: one trip (it was five trips a turn, each a future, a wake-up of the loop and the
    interpreter lock changing hands: most of a turn's CPU beyond the handler's)."""
    path = tmp_path / "turns.db"
    shutil.copy(sqlite_template, path)
    core = await open_core(Settings(database_url=SecretStr(f"sqlite+aiosqlite:///{path}")))
    trips = count_trips(monkeypatch)
    try:
        presses = ["/start", "lang:id", "privacy:ok", "menu:check", *CHECKLIST_ANSWERS]
        made: dict[str, int] = {}
        for number, press in enumerate(presses):
            key = f"77-{number}"
            trips[0] = 0
            replies = await core.engine.handle(
                Incoming("telegram", "77", "77", "command", text=press, update_key=key)
                if press.startswith("/")
                else Incoming("telegram", "77", "77", "button", data=press, update_key=key)
            )
            assert replies, press
            made[press] = trips[0]
        # The language and the privacy notice's handlers write on their own (in the thread).
        assert {press: made[press] for press in presses if press not in ("lang:id", "privacy:ok")} == {
            press: 1 for press in presses if press not in ("lang:id", "privacy:ok")
        }
        again = Incoming("telegram", "77", "77", "button", data="menu:check", update_key="77-3")
        assert await core.engine.handle(again) == [], "a re-delivery is still recognised"
    finally:
        await core.close()
