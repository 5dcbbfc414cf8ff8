"""Flood control: a token bucket per user, kept on the user's row and updated by the statement that
finds the user (db/queries.py), so every process shares it and the row lock orders it.

The bucket holds `burst` messages and refills at `per_second`. It is stored as one number, the
moment (seconds since the epoch) at which the bucket is full again (the "theoretical arrival
time" of the generic cell rate algorithm): a message at `now` finds
    tokens = burst - max(0, full_at - now) * per_second,
is let through when at least one is left, and then moves `full_at` one interval (1 / per_second)
later. A refused message takes nothing, so a flood that stops recovers at the refill rate.

A `full_at` further ahead than a full bucket can ever be (burst intervals) means the clock was
stepped back (NTP, a restored VM): the bucket starts full rather than refusing a normal user until
the clock catches up.

Refused messages are told once: `users.flood_refused` says whether this message was refused, and
`users.flood_count` counts the messages refused since the bucket was last full, so the first of
a flood (count 1) is told to slow down and the rest get no answer (a flood costs no sends), also
when a trickle of them gets through as the bucket refills. Once the bucket is full again (the
person stopped for burst / per_second seconds) a new flood is told again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Double, bindparam, case, or_


@dataclass(frozen=True)
class FloodLimit:
    """How many messages a user may send at once (burst) and keep sending (per_second)."""

    burst: int
    per_second: float

    def parameters(self, now: datetime) -> dict[str, float]:
        """The bound values of the statement's bucket expressions for a message at `now`."""
        interval = 1.0 / self.per_second
        moment = now.timestamp()
        return {
            "flood_now": moment,
            "flood_first": moment + interval,
            "flood_interval": interval,
            # A message is let through while the bucket is full again no later than this after it.
            "flood_tolerance": (self.burst - 1) * interval,
            "flood_span": self.burst * interval,
        }


def _param(name: str) -> Any:
    return bindparam(name, type_=Double())


def bucket_updates(full_at: Any, refusals: Any) -> dict[str, Any]:
    """The SET clauses for an existing user's row, given its `flood_full_at` and `flood_count`
    columns (every clause reads the row as it was, in either dialect)."""
    now = _param("flood_now")
    # Full, or further ahead than it can ever be (the clock went back): a full bucket.
    full = or_(full_at.is_(None), full_at <= now, full_at > now + _param("flood_span"))
    start = case((full, now), else_=full_at)  # where this message's token is counted from
    let_through = start <= now + _param("flood_tolerance")
    return {
        "flood_full_at": case((let_through, start + _param("flood_interval")), else_=full_at),
        "flood_refused": case((let_through, False), else_=True),
        "flood_count": case((full, 0), (let_through, refusals), else_=refusals + 1),
    }


def first_message() -> dict[str, Any]:
    """The values for a user's first message: one token taken, nothing refused."""
    return {"flood_full_at": _param("flood_first"), "flood_refused": False, "flood_count": 0}
