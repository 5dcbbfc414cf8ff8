"""The one way a command opens what it works on and is sure to close it again."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Settings

if TYPE_CHECKING:
    from bot.app import Core


@contextlib.asynccontextmanager
async def opened_core(settings: Settings) -> AsyncIterator[Core]:
    """The database (migrated), the content and the conversation engine, as the bot runs them;
    closed when the command ends, however it ends."""
    from bot.app import open_core  # imported here: it brings the web server and the channels

    core = await open_core(settings)
    try:
        yield core
    finally:
        await core.close()


@contextlib.asynccontextmanager
async def opened_database(
    settings: Settings, apply_migrations: bool = True
) -> AsyncIterator[tuple[AsyncEngine, async_sessionmaker[AsyncSession]]]:
    """Only the database, for the commands that need no engine (check-offer, migrate): they start
    without loading the web server, the channels and the scheduler that opened_core brings."""
    from db.crypto import FieldCipher
    from db.session import create_engine, create_sessionmaker
    from migrations import runner as migrate

    engine = create_engine(settings.database_url_value(), settings.database.pool_size)
    try:
        if apply_migrations:
            await migrate.upgrade(engine)
        keys = settings.data_keys.get_secret_value() if settings.data_keys else None
        yield engine, create_sessionmaker(engine, FieldCipher.from_setting(keys))
    finally:
        await engine.dispose()
