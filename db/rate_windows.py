"""The shared send rate's pacing time: one row per channel, locked while it is moved (bot/rate.py)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import RateWindow
from db.sql import dialect_of, insert_for, run
from ground.pacing import Reservation, given_back, reserve


async def _locked(session: AsyncSession, channel: str) -> RateWindow:
    await run(
        session,
        insert_for(dialect_of(session), RateWindow.__table__)
        .values(channel=channel, free_at=0.0)
        .on_conflict_do_nothing(),
    )
    # Locked on PostgreSQL until the transaction ends; SQLite has one writer anyway.
    return (
        await session.execute(select(RateWindow).where(RateWindow.channel == channel).with_for_update())
    ).scalar_one()


async def take(
    session: AsyncSession, channel: str, now: float, wanted: int, spacing: float, ahead: float, lead: float
) -> Reservation:
    """Reserves up to `wanted` evenly spaced send times for the channel (ground/pacing.py)."""
    row = await _locked(session, channel)
    reservation = reserve(row.free_at, now, wanted, spacing, ahead, lead)
    row.free_at = reservation.end
    return reservation


async def give_back(session: AsyncSession, channel: str, reservation: Reservation, used: int) -> None:
    """Returns the unused end of a reservation, if it is still the last one handed out."""
    row = await _locked(session, channel)
    row.free_at = given_back(row.free_at, reservation, used)
