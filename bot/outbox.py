"""Delivers the durable outbox: claims due messages, sends each once, reschedules what can be retried."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.base import Channel
from bot.delivery import Blocked, DeliveryError, RetryLater, RetryPolicy, Transient
from bot.engine import Clock
from db import outbox, queries

log = logging.getLogger(__name__)


class OutboxSender:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        channels: Mapping[str, Channel],
        policy: RetryPolicy,
        clock: Clock,
        batch: int = 20,
        lease: timedelta = timedelta(seconds=120),
        idle_seconds: float = 1.0,
    ) -> None:
        self._sessions = sessions
        self._channels = channels
        self._policy = policy
        self._clock = clock
        self._batch = batch
        self._lease = lease
        self._idle_seconds = idle_seconds
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def wake(self) -> None:
        """Something was just queued: look now instead of at the next idle tick."""
        self._wake.set()

    async def _run(self) -> None:
        while True:
            try:
                sent = await self.drain_once()
            except Exception:  # the database may be away for a moment; never let the loop die
                log.exception("outbox round failed")
                sent = 0
            if sent == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self._idle_seconds)
                self._wake.clear()

    async def drain_once(self) -> int:
        """Claims one batch of due messages and tries each once; returns how many were claimed."""
        async with self._sessions() as session, session.begin():
            claimed = await outbox.claim_due(session, self._clock(), self._batch, self._lease)
        for message in claimed:
            await self._deliver(message)
        return len(claimed)

    async def _deliver(self, message: outbox.Outgoing) -> None:
        channel = self._channels.get(message.channel)
        outcome: tuple[str, float, str]
        if channel is None:
            # Not running here (e.g. WhatsApp not configured in this process): try again later.
            outcome = ("retry", 60.0, f"channel {message.channel} not running")
        else:
            try:
                await channel.send_once(message.chat_id, message.reply)
                outcome = ("sent", 0.0, "")
            except RetryLater as exc:
                outcome = ("retry", exc.retry_after, str(exc))
            except Transient as exc:
                failures = message.attempts + 1
                if failures >= self._policy.max_attempts:
                    outcome = ("failed", 0.0, f"gave up after {failures} attempts: {exc}")
                else:
                    outcome = ("retry", self._policy.backoff(failures), f"transient: {exc}")
            except Blocked as exc:
                outcome = ("blocked", 0.0, f"blocked: {exc}")
            except DeliveryError as exc:
                outcome = ("failed", 0.0, f"refused: {exc}")
        await self._record(message, *outcome)

    async def _record(self, message: outbox.Outgoing, outcome: str, delay: float, error: str) -> None:
        now = self._clock()
        async with self._sessions() as session, session.begin():
            if outcome == "sent":
                await outbox.mark_sent(session, message.id, now)
            elif outcome == "retry":
                await outbox.retry_later(session, message.id, now + timedelta(seconds=delay), error)
            else:
                await outbox.mark_failed(session, message.id, error)
                if outcome == "blocked":
                    await queries.mark_blocked(session, message.channel, message.chat_id, now)
                log.warning("outbox message %d not delivered: %s", message.id, error)
