"""Periodic jobs, run by hand with a controlled clock (no sleeping)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import build_services
from bot.config import Settings
from bot.scheduler import PROCESSED_UPDATE_RETENTION, Jobs
from db import queries
from db.models import ProcessedUpdate
from tests.harness import FakeClock


async def test_old_processed_update_keys_are_forgotten(sessions: async_sessionmaker[AsyncSession]) -> None:
    clock = FakeClock()
    async with sessions() as session, session.begin():
        assert await queries.claim_update(session, "telegram", "old", clock())
        clock.advance(seconds=PROCESSED_UPDATE_RETENTION.total_seconds() - 60)
        assert await queries.claim_update(session, "telegram", "recent", clock())
    clock.advance(seconds=120)  # "old" is now past retention, "recent" is not
    jobs = Jobs(sessions, clock, build_services(Settings()))
    assert await jobs.forget_old_updates() == 1
    async with sessions() as session:
        keys = (await session.execute(select(ProcessedUpdate.update_key))).scalars().all()
        assert keys == ["recent"]
        assert (await session.execute(select(func.count()).select_from(ProcessedUpdate))).scalar_one() == 1
