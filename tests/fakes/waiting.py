"""Waiting, in tests, for a fake server to have received something, without fixed sleeps."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


async def wait_for_count(count: Callable[[], int], wanted: int, event: asyncio.Event, within: float) -> None:
    """Returns once count() reaches wanted; the fake sets event whenever something arrives."""
    deadline = time.monotonic() + within
    while count() < wanted:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"expected {wanted} messages, got {count()}")
        event.clear()
        try:
            await asyncio.wait_for(event.wait(), remaining)
        except TimeoutError:
            pass
