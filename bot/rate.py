"""A per-channel send rate shared by every process: the current second's count lives in the database."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import RateWindow
from db.sql import dialect_of, insert_for, run


class SharedRate:
    """At most `limit` messages a second per channel, across processes (the row is locked while
    counting on PostgreSQL; SQLite has one writer anyway). Channels without a limit are unlimited."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        limits: Mapping[str, int],
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._sessions = sessions
        self._limits = limits
        self._wall_clock = wall_clock

    async def take(self, channel: str, wanted: int) -> int:
        """How many of `wanted` messages may go out now (0: wait for the next second)."""
        limit = self._limits.get(channel)
        if limit is None or wanted <= 0:
            return wanted
        window = int(self._wall_clock())
        async with self._sessions() as session, session.begin():
            await run(
                session,
                insert_for(dialect_of(session), RateWindow.__table__)
                .values(channel=channel, window=window, used=0)
                .on_conflict_do_nothing(),
            )
            row = (
                await session.execute(
                    select(RateWindow).where(RateWindow.channel == channel).with_for_update()
                )
            ).scalar_one()
            if row.window != window:
                row.window, row.used = window, 0
            granted = max(0, min(wanted, limit - row.used))
            row.used += granted
        return granted

    def seconds_to_next_window(self) -> float:
        now = self._wall_clock()
        return max(0.0, int(now) + 1 - now)
