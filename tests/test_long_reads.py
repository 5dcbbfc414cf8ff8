"""A long read (a coordinator's national statistics) runs in a session of the read-only engine
(db.session.create_reader): other users' turns go on meanwhile, also on SQLite's one connection."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from db import queries
from db.models import User
from db.session import create_engine, create_reader, create_sessionmaker

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


async def test_other_turns_commit_while_a_long_read_is_open(database_url: str) -> None:
    engine = create_engine(database_url)
    reader = create_reader(engine)
    sessions, readers = create_sessionmaker(engine), create_sessionmaker(reader)
    counted = select(func.count()).select_from(User)
    try:
        async with readers() as reading, reading.begin():
            before = await reading.scalar(counted)
            # Another user's turn in the middle of the read: on SQLite it needs the one writing
            # connection and the write lock, neither of which the read holds.
            async with sessions() as session, session.begin():
                await queries.get_or_create_user(session, "telegram", "8", "8", "id", NOW)
            async with sessions() as session:
                assert await session.scalar(counted) == before + 1
            if engine.dialect.name == "sqlite":
                # The read goes on in the snapshot it started with, and cannot write.
                assert await reading.scalar(counted) == before
                with pytest.raises(OperationalError, match="readonly"):
                    await reading.execute(text("DELETE FROM users"))
    finally:
        await reader.dispose()
        await engine.dispose()
