"""APScheduler jobs. The database stays the source of truth; the in-memory scheduler only ticks."""

from __future__ import annotations

import logging
from datetime import timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.engine import Clock
from db import queries

log = logging.getLogger(__name__)

# Telegram stops re-delivering an update after about a day; keys older than this only take space.
PROCESSED_UPDATE_RETENTION = timedelta(days=2)


class Jobs:
    """The periodic work of one `sigap run` process."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock
        self._scheduler = AsyncIOScheduler(timezone="UTC")

    def start(self) -> None:
        # coalesce + max_instances=1: a job that fell behind (process paused) runs once, not N times.
        self._scheduler.add_job(
            self.forget_old_updates,
            IntervalTrigger(hours=1),
            coalesce=True,
            max_instances=1,
            id="forget_old_updates",
        )
        self._scheduler.start()

    def stop(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    async def forget_old_updates(self) -> int:
        async with self._sessions() as session, session.begin():
            removed = await queries.forget_processed_updates(
                session, self._clock() - PROCESSED_UPDATE_RETENTION
            )
        if removed:
            log.info("forgot %d processed update keys", removed)
        return removed
