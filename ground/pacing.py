"""The arithmetic of the shared send rate (bot/rate.py explains the invariant it keeps)."""

from __future__ import annotations

import math
from dataclasses import dataclass

# A pacing time further ahead of a process's clock than this means the clock was stepped back
# (NTP, a restored VM): pacing starts again from now rather than stopping the sender until the
# clock catches up.
STEPPED_BACK_SECONDS = 60.0


@dataclass(frozen=True)
class Reservation:
    """`count` send times, `start` + i * `spacing` (seconds since the epoch) for i < count; `end`
    is where the channel's pacing time was moved to (kept as computed, to give back exactly)."""

    count: int
    start: float
    spacing: float
    end: float

    def send_at(self, index: int) -> float:
        return self.start + index * self.spacing


def reserve(
    free_at: float, now: float, wanted: int, spacing: float, ahead: float, lead: float = 0.0
) -> Reservation:
    """Up to `wanted` send times from max(free_at, now + lead) on, none later than now + ahead
    (lead: what the worker needs to get its messages ready, so its first time is not past)."""
    if free_at > now + STEPPED_BACK_SECONDS:
        free_at = now
    start = max(free_at, now + lead)
    # The last reserved time must be < now + ahead: count - 1 spacings after start.
    room = math.ceil((now + ahead - start) / spacing) if start < now + ahead else 0
    count = max(0, min(wanted, room))
    return Reservation(count, start, spacing, start + count * spacing)


def given_back(free_at: float, reservation: Reservation, used: int) -> float:
    """The pacing time after a worker used only the first `used` of its reservation: moved back
    only if nobody reserved after it (the unused times are then the last ones handed out)."""
    if free_at != reservation.end or used >= reservation.count:
        return free_at
    return reservation.start + used * reservation.spacing
