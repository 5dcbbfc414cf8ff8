"""Telegram long polling that confirms an update only once its turn has committed.

getUpdates confirms every update below the offset it is called with, and the confirmed ones are
gone for good. aiogram's own polling asks again while the previous batch is still being handled,
so a crash or a database outage lost the update in hand. Here the next offset goes out only after
every update of the batch was handled (its turn committed, or it was recognised as a
re-delivery); an update the database could not take is tried again, as a webhook's 503 would
make Telegram re-deliver it. Updates of one user are handled in order, different users at once."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from aiogram import Bot
from aiogram.exceptions import TelegramUnauthorizedError
from aiogram.types import Update

from bot.delivery import RetryPolicy
from bot.engine import TemporaryFailure

log = logging.getLogger(__name__)

# Seconds Telegram holds a getUpdates call open when there is nothing new.
LONG_POLL_SECONDS = 25
# The longest wait between two tries while the database or the Bot API is away.
MAX_PAUSE_SECONDS = 30.0

Feed = Callable[[Update], Awaitable[object]]


class _Stopped(Exception):
    """Stopping while an update could not be handled: leave it unconfirmed for the next start."""


class UpdatePoller:
    def __init__(
        self,
        bot: Bot,
        feed: Feed,
        policy: RetryPolicy,
        allowed_updates: list[str],
        long_poll: int = LONG_POLL_SECONDS,
    ) -> None:
        self._bot = bot
        self._feed = feed
        self._policy = policy
        self._allowed_updates = allowed_updates
        self._long_poll = long_poll
        self._stopping = asyncio.Event()
        self._fetch: asyncio.Task[list[Update]] | None = None

    async def run(self) -> None:
        """Polls until stop(); raises TelegramUnauthorizedError when the token is refused."""
        offset: int | None = None
        failures = 0
        while not self._stopping.is_set():
            try:
                updates = await self._fetch_updates(offset, self._long_poll)
            except asyncio.CancelledError:
                if self._stopping.is_set():
                    break  # stop() ended the long poll
                raise
            except TelegramUnauthorizedError:
                raise
            except Exception as exc:  # network, 5xx, 409 (another poller), a proxy's error page
                failures += 1
                log.error("getUpdates failed (%s); trying again", type(exc).__name__)
                await self._pause(failures)
                continue
            failures = 0
            if not updates:
                continue
            try:
                await self._handle_batch(updates)
            except _Stopped:
                return
            offset = updates[-1].update_id + 1  # confirms the batch with the next call
        if offset is not None:
            await self._confirm(offset)

    async def stop(self) -> None:
        """Ends the long poll at once; a batch being handled is finished first."""
        self._stopping.set()
        if self._fetch is not None and not self._fetch.done():
            self._fetch.cancel()

    async def _fetch_updates(
        self, offset: int | None, long_poll: int, limit: int | None = None
    ) -> list[Update]:
        # The request may take the long poll plus the session's usual timeout.
        request_timeout = int(long_poll + (self._bot.session.timeout or 30))
        self._fetch = asyncio.create_task(
            self._bot.get_updates(
                offset=offset,
                limit=limit,
                timeout=long_poll,
                allowed_updates=self._allowed_updates,
                request_timeout=request_timeout,
            )
        )
        return await self._fetch

    async def _confirm(self, offset: int) -> None:
        """Tells Telegram the last batch is done, so the next start does not get it again."""
        try:
            await self._fetch_updates(offset, long_poll=0, limit=1)
        except (asyncio.CancelledError, Exception) as exc:  # re-delivered then, and recognised
            log.info("last batch not confirmed on stop (%s)", type(exc).__name__)

    async def _handle_batch(self, updates: list[Update]) -> None:
        by_user: dict[int, list[Update]] = {}
        for update in updates:
            by_user.setdefault(_sender(update), []).append(update)
        results = await asyncio.gather(
            *(self._handle_in_order(mine) for mine in by_user.values()), return_exceptions=True
        )
        for result in results:
            if isinstance(result, BaseException):
                raise result

    async def _handle_in_order(self, updates: list[Update]) -> None:
        for update in updates:
            await self._handle(update)

    async def _handle(self, update: Update) -> None:
        failures = 0
        while True:
            try:
                await self._feed(update)
                return
            except TemporaryFailure:
                failures += 1
                if self._stopping.is_set():
                    raise _Stopped from None
                log.warning("update %d waits for the database (try %d)", update.update_id, failures)
                await self._pause(failures)
            except Exception:
                # A bug, not an outage: trying again would fail the same way and hold up everyone.
                log.exception("update %d could not be handled", update.update_id)
                return

    async def _pause(self, failures: int) -> None:
        seconds = min(self._policy.backoff(failures), MAX_PAUSE_SECONDS)
        # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a cancel that comes
        # as the event is set, and the polling loop would go on after its task was cancelled.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._stopping.wait()


def _sender(update: Update) -> int:
    """Who sent it (updates of one user are handled in order); the update id when nobody did."""
    event = update.message or update.callback_query
    user = event.from_user if event is not None else None
    return user.id if user is not None else -update.update_id
