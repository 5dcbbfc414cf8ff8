"""The shared send rate's state: one row per channel holding the moment up to which sends are given out."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import RateWindow
from db.sql import dialect_of, insert_for, run


async def take(
    session: AsyncSession, channel: str, now: float, spacing: float, horizon: float, wanted: int
) -> tuple[float, int, float]:
    """Gives up to `wanted` sends their moments, `spacing` apart, after the channel's last one and
    not before `now`, none later than `horizon` from now. Returns the first moment, how many were
    given and the channel's new "paced until" (the row is locked while counting on PostgreSQL;
    SQLite has one writer anyway). Times are seconds of the wall clock."""
    await run(
        session,
        insert_for(dialect_of(session), RateWindow.__table__)
        .values(channel=channel, paced_until=0.0)
        .on_conflict_do_nothing(),
    )
    row = (
        await session.execute(select(RateWindow).where(RateWindow.channel == channel).with_for_update())
    ).scalar_one()
    # Time not used is not saved up: a queue idle for a minute does not earn a burst after it.
    first = max(row.paced_until, now)
    room = int((now + horizon - first) // spacing) + 1 if first <= now + horizon else 0
    granted = max(0, min(wanted, room))
    row.paced_until = first + granted * spacing
    return first, granted, row.paced_until
