"""Sending one message with bounded retries: waits out 429 retry_after, backs off on 5xx and timeouts."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """Base of the outcomes an adapter reports in platform-neutral terms."""


class RetryLater(DeliveryError):
    """The platform asked us to wait (HTTP 429); resend the same message after retry_after seconds."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"rate limited, retry after {retry_after}s")
        self.retry_after = retry_after


class Blocked(DeliveryError):
    """The user blocked the bot or left: never retry."""


class NotStarted(DeliveryError):
    """The person has never written to the bot, and the platform lets no bot write first
    (Telegram: "bot can't initiate conversation"): keep the message until they do."""


class Transient(DeliveryError):
    """Network error, timeout or 5xx: worth retrying with backoff."""


class Permanent(DeliveryError):
    """The platform refused the message itself (bad request): retrying cannot help."""


class WindowClosed(Permanent):
    """Only an approved template may reach this user now (WhatsApp's 24-hour window has closed)."""


class Unauthorized(DeliveryError):
    """The platform refused our credentials: nothing can be sent until the operator fixes them."""


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5
    backoff_base_seconds: float = 1.0
    backoff_max_seconds: float = 60.0
    max_retry_after_seconds: float = 300.0

    def backoff(self, failures: int) -> float:
        return float(min(self.backoff_base_seconds * 2 ** (failures - 1), self.backoff_max_seconds))


Sleep = Callable[[float], Awaitable[None]]


async def deliver(send: Callable[[], Awaitable[T]], policy: RetryPolicy, sleep: Sleep = asyncio.sleep) -> T:
    """Run send() until it succeeds, retrying what is worth retrying; a loop, never recursion."""
    failures = 0
    while True:
        try:
            return await send()
        except RetryLater as exc:
            failures += 1
            if exc.retry_after > policy.max_retry_after_seconds or failures >= policy.max_attempts:
                raise
            log.warning("rate limited; waiting %.1fs as the platform asked", exc.retry_after)
            await sleep(exc.retry_after)
        except Transient:
            failures += 1
            if failures >= policy.max_attempts:
                raise
            delay = policy.backoff(failures)
            log.warning(
                "transient send failure %d/%d; retrying in %.1fs", failures, policy.max_attempts, delay
            )
            await sleep(delay)
