"""SQLite's one connection goes back to the pool clean (issue 21): a transaction left open on it
(a task cancelled mid-turn) is rolled back before the next turn gets it, as the pool's rollback on
return did; after a commit nothing is rolled back, which cost a trip to the driver's thread per
message."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiosqlite.core
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from db.session import create_engine


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
