"""A per-channel send rate shared by every process: each message gets its own moment to go, spaced
evenly, from one "paced until" time per channel kept in the database (db/rate_windows.py).

Platforms count their limit over any one second (a sliding window), and they count when a send
*reaches* them, not when we decided to send it. Sends spaced `spacing` apart, each reaching the
platform between its moment and SPREAD later, put into any one second at most the sends whose
moments fall in 1 + SPREAD seconds: floor((1 + SPREAD) / spacing) + 1 of them. With spacing
(1 + SPREAD) / (limit - 1) that is exactly the limit, whatever the processes, and the rate reached
is (limit - 1) / (1 + SPREAD) a second (0.96 of a limit of 500, 0.92 of 25).

LATE of SPREAD is for the sender (a send that cannot start within LATE of its moment gives it up
and goes back to the queue), the rest for the way to the platform and the platform's own delays
(with 15 ms of 30 for that, a million-message run saw 2 sends of 5,000 refused). Moments are
granted up to HORIZON ahead, so the next round is granted its moments while the last one is still
sending: no gap between rounds; an idle channel's first moment is LEAD ahead, for the grant to come
back first. Processes sharing a queue share a clock (one machine, or NTP's milliseconds)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import rate_windows

SPREAD = 0.04
LATE = 0.015
HORIZON = 0.25
# A channel idle until now gives its first moment this far ahead, so that the grant's own
# transaction is back before it (granted "now", the first sends would start already late).
LEAD = 0.02


def spacing(limit: int) -> float:
    """Seconds between two sends so that no second, however placed, sees more than `limit`."""
    return (1 + SPREAD) / max(1, limit - 1)


class SharedRate:
    """At most `limit` messages reaching the platform in any one second per channel, across
    processes (the channel's row is locked while its moments are given out on PostgreSQL; SQLite
    has one writer anyway). Channels without a limit are unlimited."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        limits: Mapping[str, int],
        wall_clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._sessions = sessions
        self._limits = limits
        self._wall_clock = wall_clock
        self._monotonic = monotonic
        self._room_at = 0.0  # wall time at which the channel that last refused has room again

    async def take(self, channel: str, wanted: int) -> list[float]:
        """A moment (on time.monotonic's clock) for each of the first messages of `wanted` that
        may go: none means wait for seconds_to_room(). Unlimited channels: all of them, now."""
        now = self._monotonic()
        limit = self._limits.get(channel)
        if limit is None or wanted <= 0:
            return [now] * max(0, wanted)
        wall = self._wall_clock()
        step = spacing(limit)
        async with self._sessions() as session, session.begin():
            first, granted, paced_until = await rate_windows.take(
                session, channel, wall + LEAD, step, HORIZON - LEAD, wanted
            )
        if granted < wanted:
            self._room_at = paced_until - HORIZON
        # Wall time (shared by the processes) to this process's monotonic clock (what it sleeps on).
        return [now + (first + i * step - wall) for i in range(granted)]

    def seconds_to_room(self) -> float:
        """How long until the channel that last refused a message has a moment to give again."""
        return max(0.0, self._room_at - self._wall_clock())

    def missed(self, moment: float) -> bool:
        """Whether a send given this moment is now too late to go without breaking the limit."""
        return self._monotonic() - moment > LATE
