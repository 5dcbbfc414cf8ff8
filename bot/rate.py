"""A per-channel send rate shared by every process: the current slot's count lives in the database
(db/rate_windows.py).

Platforms count their limit over any one second (a sliding window), not per clock second: 500 sent
at the end of one clock second and 500 at the start of the next are 1,000 within one second, and
refused. So a second is cut into SLOTS slots and each slot gets its share of limit / (SLOTS + 1):
any one second touches at most SLOTS + 1 consecutive slots, whose shares add up to the limit, and
the rate reached is SLOTS / (SLOTS + 1) of it (0.95 with 20 slots of 50 ms)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import rate_windows

SLOTS = 20
# Slot numbers are stored modulo this (the column is a 32-bit integer); only equality is used.
WRAP = 2**31


def share(limit: int, slot: int) -> int:
    """Slot `slot`'s share of `limit`: any SLOTS + 1 consecutive shares add up to exactly limit."""
    span = SLOTS + 1
    return (slot + 1) * limit // span - slot * limit // span


class SharedRate:
    """At most `limit` messages in any one second per channel, across processes (the row is locked
    while counting on PostgreSQL; SQLite has one writer anyway). Channels without a limit are
    unlimited."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        limits: Mapping[str, int],
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._sessions = sessions
        self._limits = limits
        self._wall_clock = wall_clock
        self._spent_until = 0.0  # wall time at which the last slot that refused a message ends

    async def take(self, channel: str, wanted: int) -> int:
        """How many of `wanted` messages may go out now (0: wait for the next slot)."""
        limit = self._limits.get(channel)
        if limit is None or wanted <= 0:
            return wanted
        slot = int(self._wall_clock() * SLOTS)
        allowed = share(limit, slot)
        window = slot % WRAP
        async with self._sessions() as session, session.begin():
            granted = await rate_windows.take(session, channel, window, allowed, wanted)
        if granted < wanted:
            self._spent_until = (slot + 1) / SLOTS
        return granted

    def seconds_to_next_window(self) -> float:
        """How long until the slot that last refused a message is over: 0 if it already is.
        Measured from that slot, not from now: a round that ends just past the boundary must not
        sleep through the whole next slot (its share would be lost, a twentieth of a second's)."""
        return max(0.0, self._spent_until - self._wall_clock())
