"""Delivers the durable outbox: claims due messages, sends each once, reschedules what can be retried."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Mapping
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.base import Channel
from bot.delivery import Blocked, DeliveryError, RetryLater, RetryPolicy, Transient
from bot.engine import Clock
from bot.rate import SharedRate
from db import outbox, queries

log = logging.getLogger(__name__)


class OutboxSender:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        channels: Mapping[str, Channel],
        policy: RetryPolicy,
        clock: Clock,
        batch: int = 50,
        lease: timedelta = timedelta(seconds=120),
        idle_seconds: float = 1.0,
        rate: SharedRate | None = None,
        per_chat_interval: float = 1.0,
        concurrency: int = 10,
    ) -> None:
        self._sessions = sessions
        self._channels = channels
        self._policy = policy
        self._clock = clock
        self._batch = batch
        self._lease = lease
        self._idle_seconds = idle_seconds
        self._rate = rate
        self._per_chat_interval = per_chat_interval
        self._concurrency = concurrency
        self._last_sent_to: dict[tuple[str, str], float] = {}
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
        if not claimed:
            return 0
        sendable, deferred = await self._within_limits(claimed)
        gate = asyncio.Semaphore(self._concurrency)

        async def attempt(message: outbox.Outgoing) -> tuple[outbox.Outgoing, str, float, str]:
            async with gate:
                return (message, *await self._deliver(message))

        outcomes = await asyncio.gather(*(attempt(message) for message in sendable))
        await self._record(list(outcomes), deferred)
        if deferred and not sendable:
            # The shared rate is spent for this second: wait for the next one instead of spinning.
            await asyncio.sleep(self._rate.seconds_to_next_window() if self._rate else 0.05)
        return len(claimed)

    async def _within_limits(
        self, claimed: list[outbox.Outgoing]
    ) -> tuple[list[outbox.Outgoing], list[tuple[outbox.Outgoing, float]]]:
        """Splits a batch into what may go now and what waits (seconds) for the rate or the chat."""
        sendable: list[outbox.Outgoing] = []
        deferred: list[tuple[outbox.Outgoing, float]] = []
        now = time.monotonic()
        by_channel: dict[str, list[outbox.Outgoing]] = {}
        in_this_batch: set[tuple[str, str]] = set()
        for message in claimed:
            chat = (message.channel, message.chat_id)
            last = self._last_sent_to.get(chat)
            if self._per_chat_interval and chat in in_this_batch:
                deferred.append((message, self._per_chat_interval))
            elif last is not None and now - last < self._per_chat_interval:
                deferred.append((message, self._per_chat_interval - (now - last)))
            else:
                in_this_batch.add(chat)
                by_channel.setdefault(message.channel, []).append(message)
        for channel, messages in by_channel.items():
            granted = await self._rate.take(channel, len(messages)) if self._rate else len(messages)
            for message in messages[:granted]:
                self._last_sent_to[(message.channel, message.chat_id)] = now
            sendable += messages[:granted]
            deferred += [(message, 0.0) for message in messages[granted:]]
        if len(self._last_sent_to) > 100_000:  # only the last second matters
            self._last_sent_to = {
                k: t for k, t in self._last_sent_to.items() if now - t < self._per_chat_interval
            }
        return sendable, deferred

    async def _deliver(self, message: outbox.Outgoing) -> tuple[str, float, str]:
        channel = self._channels.get(message.channel)
        if channel is None:
            # Not running here (e.g. WhatsApp not configured in this process): try again later.
            return ("retry", 60.0, f"channel {message.channel} not running")
        try:
            await channel.send_once(message.chat_id, message.reply)
            return ("sent", 0.0, "")
        except RetryLater as exc:
            return ("retry", exc.retry_after, str(exc))
        except Transient as exc:
            failures = message.attempts + 1
            if failures >= self._policy.max_attempts:
                return ("failed", 0.0, f"gave up after {failures} attempts: {exc}")
            return ("retry", self._policy.backoff(failures), f"transient: {exc}")
        except Blocked as exc:
            return ("blocked", 0.0, f"blocked: {exc}")
        except DeliveryError as exc:
            return ("failed", 0.0, f"refused: {exc}")

    async def _record(
        self,
        outcomes: list[tuple[outbox.Outgoing, str, float, str]],
        deferred: list[tuple[outbox.Outgoing, float]],
    ) -> None:
        """Every outcome of a batch in one transaction."""
        now = self._clock()
        async with self._sessions() as session, session.begin():
            await outbox.mark_all_sent(
                session, [m.id for m, outcome, _, _ in outcomes if outcome == "sent"], now
            )
            for message, wait in deferred:
                await outbox.postpone(session, message.id, now + timedelta(seconds=wait))
            for message, outcome, delay, error in outcomes:
                if outcome == "retry":
                    await outbox.retry_later(session, message.id, now + timedelta(seconds=delay), error)
                elif outcome in ("failed", "blocked"):
                    await outbox.mark_failed(session, message.id, error)
                    if outcome == "blocked":
                        await queries.mark_blocked(session, message.channel, message.chat_id, now)
                    log.warning("outbox message %d not delivered: %s", message.id, error)
