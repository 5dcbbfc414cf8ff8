"""A per-channel send rate shared by every process: each message gets a send time of its own.

Platforms count their limit over any one second (a sliding window), not per clock second: 500 sent
at the end of one clock second and 500 at the start of the next are 1,000 within one second, and
refused. Counting per slot of a second cannot use the whole limit (a sliding second touches one
slot more than a second holds: 20 slots reach 20/21 = 0.952 of it).

So the rate paces instead (the generic cell rate algorithm without a burst): the channel's row
(db/rate_windows.py) holds one time, `free_at`, the earliest moment of its next message. A worker
asks for n messages and gets the send times max(free_at, now) + i * spacing, i < n, and the row
moves on to the end of them, under its lock, so every process's times are spaced by at least
`spacing` from everyone else's.

The invariant: the send times ever handed out for a channel, by all processes together, are at
least `spacing` = (1 + MARGIN) / limit apart. Any one second then holds at most
ceil(1 / spacing) <= limit of them, and still does when each send reaches the platform up to
MARGIN seconds later than another (a one-second window at the platform sees the times of a
1 + MARGIN window here: ceil((1 + MARGIN) / spacing) = limit). A busy channel uses
1 / (1 + MARGIN) of its limit (0.98).

A worker sleeps until each message's time (bot/outbox.py), so reserving is bounded: no time later
than AHEAD seconds from now is handed out (a worker that dies wastes at most that much), and none
sooner than the LEAD it needs to claim and prepare its messages. A message that still cannot
start within MARGIN / 2 of its time (the event loop held up) goes back to the queue unsent: sent
late it would crowd the sends after it. What a
worker claimed fewer of than it reserved is given back if nobody reserved after it. Times are the
wall clock of each process: processes sharing a channel need synchronised clocks (NTP), as they
did with slots."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import rate_windows
from ground.pacing import Reservation

# The share of the spacing kept free for the jitter between when a send starts here and when it
# reaches the platform (the event loop's lag, the network): 20 ms at any limit.
MARGIN = 0.02
# How far ahead of now send times are handed out: enough for a worker to claim and prepare its
# next batch while the previous one is still going out, little enough to lose if it dies.
AHEAD = 0.5
# No time sooner than this from now is handed out (at least; the sender asks for more when its
# claims take longer): the worker claims and prepares its messages meanwhile, and a message that
# cannot start near its time is not sent late (bot/outbox.py).
LEAD = 0.05


@dataclass(frozen=True)
class Grant:
    """The send times granted for `channel` (`limited` False: no limit, send at once)."""

    channel: str
    reservation: Reservation
    limited: bool

    @property
    def count(self) -> int:
        return self.reservation.count

    def send_at(self, index: int) -> float:
        return self.reservation.send_at(index) if self.limited else 0.0


class SharedRate:
    """At most `limit` messages in any one second per channel, across processes. Channels without a
    limit are unlimited."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        limits: Mapping[str, int],
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._sessions = sessions
        self._limits = limits
        self._wall_clock = wall_clock

    @property
    def limited_channels(self) -> frozenset[str]:
        return frozenset(self._limits)

    def now(self) -> float:
        """The clock the send times are on (seconds since the epoch)."""
        return self._wall_clock()

    async def take_all(self, channels: list[str], wanted: int, lead: float = LEAD) -> list[Grant]:
        """take() for each of `channels`, in one transaction (rows locked in name order, so two
        processes never wait for each other's lock in opposite order); no time sooner than
        `lead` from now."""
        now = self._wall_clock()
        grants = []
        async with self._sessions() as session, session.begin():
            for channel in sorted(channels):
                limit = self._limits.get(channel)
                if limit is None or wanted <= 0:
                    grants.append(Grant(channel, Reservation(max(wanted, 0), now, 0.0, now), limited=False))
                    continue
                spacing = (1 + MARGIN) / limit
                reservation = await rate_windows.take(session, channel, now, wanted, spacing, AHEAD, lead)
                grants.append(Grant(channel, reservation, limited=True))
        return grants

    async def give_back_all(self, used: list[tuple[Grant, int]]) -> None:
        """give_back() for each (grant, used), in one transaction, in name order."""
        returned = sorted(
            ((g, n) for g, n in used if g.limited and n < g.count), key=lambda item: item[0].channel
        )
        if not returned:
            return
        async with self._sessions() as session, session.begin():
            for grant, n in returned:
                await rate_windows.give_back(session, grant.channel, grant.reservation, n)

    async def take(self, channel: str, wanted: int) -> Grant:
        """Send times for up to `wanted` messages (count 0: none before AHEAD from now)."""
        return (await self.take_all([channel], wanted))[0]

    async def give_back(self, grant: Grant, used: int) -> None:
        """The times a worker did not use (it claimed fewer messages): free again, if still last."""
        await self.give_back_all([(grant, used)])

    def seconds_until_granted(self, grants: list[Grant]) -> float:
        """How long until a channel that granted nothing may grant again."""
        now = self._wall_clock()
        # A millisecond more: the first time is then strictly within AHEAD of now.
        waits = [g.reservation.start - AHEAD - now + 0.001 for g in grants if g.limited and g.count == 0]
        return max(0.0, min(waits, default=0.0))
