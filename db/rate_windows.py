"""The shared send rate's counter: one row per channel holding the current slot and what it used."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import RateWindow
from db.sql import dialect_of, insert_for, run


async def take(session: AsyncSession, channel: str, window: int, allowed: int, wanted: int) -> int:
    """Up to `wanted` of the slot's `allowed`, counted in the channel's row (locked on PostgreSQL
    while counting; SQLite has one writer anyway). A row still on an older slot starts again."""
    await run(
        session,
        insert_for(dialect_of(session), RateWindow.__table__)
        .values(channel=channel, window=window, used=0)
        .on_conflict_do_nothing(),
    )
    row = (
        await session.execute(select(RateWindow).where(RateWindow.channel == channel).with_for_update())
    ).scalar_one()
    if row.window != window:
        row.window, row.used = window, 0
    granted = max(0, min(wanted, allowed - row.used))
    row.used += granted
    return granted
