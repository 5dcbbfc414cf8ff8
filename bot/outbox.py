"""Delivers the durable outbox: claims due messages, sends each once, reschedules what can be retried."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.base import Sender
from bot.delivery import (
    Blocked,
    DeliveryError,
    NotStarted,
    RetryLater,
    RetryPolicy,
    Transient,
    Unauthorized,
    WindowClosed,
)
from bot.engine import Clock
from bot.rate import SPREAD, SharedRate
from db import first_contact, media, outbox, queries
from ground.messages import DeliveryStatus, Reply

# Credentials refused: look again after this long (the operator is told in the log).
CREDENTIALS_PAUSE_SECONDS = 300.0


@dataclass(frozen=True)
class Outcome:
    """What one attempt came to: "sent", "retry" (counts an attempt), "postpone" (does not),
    "failed", "blocked" or "held" (until the person first writes); how long to wait; the error;
    the platform's id of a sent message, and whether to keep its text until delivery is
    confirmed."""

    kind: str
    wait: float = 0.0
    error: str = ""
    platform_id: str = ""
    keep_text: bool = False


log = logging.getLogger(__name__)

# A worker starts no send once this share of its lease has gone by without a renewal: the rest
# of the lease covers the sends already under way.
SENDING_SHARE_OF_LEASE = 0.7

# A stop lets the round under way finish and record its sends for at most this long, then cancels
# it: a send the platform accepted but the outbox did not record would go again after the lease.
STOP_SECONDS = 10.0

# Rounds a process runs at once: while one sends at its paced moments, the next is claimed and
# given the moments that follow (bot/rate.py), so the platform's allowance has no gap between
# rounds. What a kill -9 can send again is what these rounds' batches sent and had not recorded.
ROUNDS_AT_ONCE = 2
# A round that could send nothing of what it claimed waits at least this long before it claims again.
IDLE_AFTER_DEFERRING = 0.05


@dataclass
class _Lease:
    """A claimed batch's hold on its messages, renewed while the round runs (a slow platform or a
    loaded machine can make a round outlast the lease): another worker takes a message only after
    this one died or lost it, so a message is not sent twice by two live workers."""

    seconds: float
    until: datetime  # next_attempt_at as this worker last set it on its messages
    renewed_at: float  # time.monotonic() just before that was set
    lost: set[int]

    def holds(self, message_id: int) -> bool:
        fresh = time.monotonic() - self.renewed_at < self.seconds * SENDING_SHARE_OF_LEASE
        return fresh and message_id not in self.lost


class OutboxSender:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        channels: Mapping[str, Sender],
        policy: RetryPolicy,
        clock: Clock,
        batch: int = 50,
        lease: timedelta = timedelta(seconds=120),
        idle_seconds: float = 1.0,
        rate: SharedRate | None = None,
        per_chat_interval: float = 1.0,
        concurrency: int = 10,
        wake: asyncio.Event | None = None,
    ) -> None:
        """wake: set when something was queued (by the engine, a delivery report), so the
        sender looks at once; made before the channels, which are built before the sender."""
        self._sessions = sessions
        self._channels = channels
        self._policy = policy
        self._clock = clock
        self._batch = batch
        self._lease = lease
        self._idle_seconds = idle_seconds
        self._rate = rate
        # A paced send reaches the platform up to SPREAD after its moment (bot/rate.py): the next
        # one to the same chat keeps that much more than the interval from it.
        margin = SPREAD if rate is not None and per_chat_interval else 0.0
        self._per_chat_interval = per_chat_interval + margin
        # Sends in flight from this process, whatever round they belong to.
        self._gate = asyncio.Semaphore(concurrency)
        self._last_sent_to: dict[tuple[str, str], float] = {}
        self._sending_to: set[tuple[str, str]] = set()  # chats a round of this process sends to
        self._wake = wake if wake is not None else asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        """Starts no new round or send, lets the round under way record what it sent, then ends.

        Cancelling at once would leave a batch claimed with some of its messages accepted by the
        platform but not marked sent (sent again after the lease, on every restart or deploy), and
        cancels the sender inside a database call (on SQLite the connection's teardown could then
        hang the process's exit)."""
        if self._task is None:
            return
        self._stopping.set()
        self._wake.set()
        try:
            async with asyncio.timeout(STOP_SECONDS):
                await asyncio.shield(self._task)
        except TimeoutError:
            log.warning("outbox round still running %.0f s after the stop: cancelled", STOP_SECONDS)
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def wake(self) -> None:
        """Something was just queued: look now instead of at the next idle tick."""
        self._wake.set()

    async def _run(self) -> None:
        await asyncio.gather(*(self._rounds() for _ in range(ROUNDS_AT_ONCE)))

    async def _rounds(self) -> None:
        while not self._stopping.is_set():
            try:
                sent = await self.drain_once()
            except Exception:  # the database may be away for a moment; never let the loop die
                log.exception("outbox round failed")
                sent = 0
            if sent == 0:
                # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a cancel that
                # comes as the event is set, and this loop would then never end (a stop that hangs).
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self._idle_seconds):
                        await self._wake.wait()
                self._wake.clear()

    async def drain_once(self) -> int:
        """Claims one batch of due messages and tries each once; returns how many were claimed."""
        attempted_at = self._clock()
        claimed_at = time.monotonic()
        async with self._sessions() as session, session.begin():
            claimed = await outbox.claim_due(session, attempted_at, self._batch, self._lease)
        if not claimed:
            return 0
        # What the shared rate holds back goes back to the queue (one statement), not waited for
        # here: a batch is claimed, sent in one round and recorded, its lease renewed meanwhile,
        # so what a kill -9 can repeat stays the batches of the rounds in flight (ROUNDS_AT_ONCE).
        lease = _Lease(self._lease.total_seconds(), attempted_at + self._lease, claimed_at, set())
        recorded = asyncio.Event()
        keeping = asyncio.create_task(self._keep(lease, {m.id for m in claimed}, recorded))
        sendable: list[tuple[outbox.Outgoing, float]] = []
        try:
            try:
                sendable, deferred, windows = await self._within_limits(claimed)
            except Exception:
                await self._give_back(claimed)
                raise
            attempts = await asyncio.gather(
                *(
                    self._attempt(
                        self._gate, lease, message, windows.get((message.channel, message.chat_id)), moment
                    )
                    for message, moment in sendable
                )
            )
            # A message this worker lost before sending it is another's now: nothing is recorded.
            outcomes = [attempt for attempt in attempts if attempt is not None]
            if len(outcomes) < len(attempts):
                log.warning(
                    "outbox lease lost for %d message(s) before sending", len(attempts) - len(outcomes)
                )
            await self._record(outcomes, _behind_their_chats(deferred, outcomes), attempted_at)
        finally:
            recorded.set()  # not cancelled: a renewal under way finishes its transaction
            await keeping
            self._sending_to -= {(m.channel, m.chat_id) for m, _ in sendable}
        if deferred and not sendable and not self._stopping.is_set():
            # The shared rate has given out its moments, or another round sends to these chats:
            # wait (for room, at least IDLE_AFTER_DEFERRING) instead of claiming them in a spin,
            # which starved the round that was sending (a load test's 50 forwards to one chat).
            room = self._rate.seconds_to_room() if self._rate else 0.0
            await asyncio.sleep(max(room, IDLE_AFTER_DEFERRING))
        return len(claimed)

    async def _give_back(self, claimed: list[outbox.Outgoing]) -> None:
        """A round that failed before sending anything (the database away a moment) returns its
        batch to the queue at once, instead of leaving it claimed until the lease runs out."""
        try:
            async with self._sessions() as session, session.begin():
                await outbox.postpone_many(session, {self._clock(): [m.id for m in claimed]})
        except Exception:  # still away: the lease brings them back
            log.exception("could not give an unsent batch back to the outbox")

    async def _attempt(
        self,
        gate: asyncio.Semaphore,
        lease: _Lease,
        message: outbox.Outgoing,
        window_open: bool | None,
        moment: float,
    ) -> tuple[outbox.Outgoing, Outcome] | None:
        # Wait for the message's moment (the shared rate's pacing) outside the gate, so sends due
        # sooner are not held behind it; a stop ends the wait.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(max(0.0, moment - time.monotonic())):
                await self._stopping.wait()
        async with gate:
            if not lease.holds(message.id):
                return None
            if self._stopping.is_set():  # back to the queue for the next process, as it was
                return message, Outcome("postpone", 0.0, "the sender stopped")
            if self._rate is not None and self._rate.missed(moment):
                # Sent this late it could meet the next moments' sends within one second at the
                # platform: it gives its moment up and waits for another.
                return message, Outcome("postpone", 0.0, "missed its moment")
            return message, await self._deliver(message, window_open)

    async def _keep(self, lease: _Lease, ids: set[int], recorded: asyncio.Event) -> None:
        """Renews the batch's lease every third of it until the round is recorded."""
        while True:
            with contextlib.suppress(TimeoutError):  # asyncio.timeout: see _run
                async with asyncio.timeout(lease.seconds / 3):
                    await recorded.wait()
            if recorded.is_set():
                return
            started = time.monotonic()
            until = self._clock() + timedelta(seconds=lease.seconds)
            held = ids - lease.lost
            try:
                async with self._sessions() as session, session.begin():
                    kept = await outbox.extend_lease(session, held, lease.until, until)
            except Exception:  # the database away for a moment: holds() stops new sends in time
                log.exception("could not renew the outbox lease")
                continue
            lease.lost |= held - kept
            lease.until, lease.renewed_at = until, started

    async def _within_limits(
        self, claimed: list[outbox.Outgoing]
    ) -> tuple[
        list[tuple[outbox.Outgoing, float]],
        list[tuple[outbox.Outgoing, float]],
        dict[tuple[str, str], bool],
    ]:
        """Splits a batch into what goes in this round, each at its moment (time.monotonic), and
        what waits (seconds) for the rate or the chat; and the reply windows of the chats (looked
        up before the moments are asked for: the sends follow the grant at once)."""
        sendable: list[tuple[outbox.Outgoing, float]] = []
        deferred: list[tuple[outbox.Outgoing, float]] = []
        now = time.monotonic()
        by_channel: dict[str, list[outbox.Outgoing]] = {}
        in_this_batch: set[tuple[str, str]] = set()
        for message in claimed:
            chat = (message.channel, message.chat_id)
            last = self._last_sent_to.get(chat)
            if chat in self._sending_to and chat not in in_this_batch:
                # Another round of this process is sending to this chat: this one waits for it,
                # so one chat's messages go in the order they were queued.
                deferred.append((message, 0.0))
            elif chat in in_this_batch:
                # One message a chat a round: the next goes once this one is through. Sent one
                # after the other in a round, all but the first would start past their paced moments.
                deferred.append((message, self._per_chat_interval))
            elif last is not None and now - last < self._per_chat_interval:
                deferred.append((message, self._per_chat_interval - (now - last)))
            else:
                in_this_batch.add(chat)
                self._sending_to.add(chat)  # before the rate is asked: the other round runs meanwhile
                by_channel.setdefault(message.channel, []).append(message)
        try:
            windows = await self._reply_windows([m for ms in by_channel.values() for m in ms])
        except BaseException:  # this round sends nothing: its chats are free again
            self._sending_to -= in_this_batch
            raise
        for channel, messages in by_channel.items():
            try:
                moments = (
                    await self._rate.take(channel, len(messages)) if self._rate else [now] * len(messages)
                )
            except BaseException:  # this round sends nothing: its chats are free again
                self._sending_to -= in_this_batch
                raise
            for message, moment in zip(messages, moments, strict=False):
                # The chat's last send is when it will go, not when it was granted.
                self._last_sent_to[(message.channel, message.chat_id)] = moment
                sendable.append((message, moment))
            for message in messages[len(moments) :]:
                deferred.append((message, 0.0))
                self._sending_to.discard((message.channel, message.chat_id))
        if len(self._last_sent_to) > 100_000:  # only the last second matters
            self._last_sent_to = {
                k: t for k, t in self._last_sent_to.items() if now - t < self._per_chat_interval
            }
        return sendable, deferred, windows

    async def _reply_windows(self, messages: list[outbox.Outgoing]) -> dict[tuple[str, str], bool]:
        """For channels that allow free-form messages only for a while after the user last wrote
        (WhatsApp: 24 hours), whether each chat's window is still open."""
        open_: dict[tuple[str, str], bool] = {}
        now = self._clock()
        for name, channel in self._channels.items():
            window = channel.session_window
            chats = sorted({m.chat_id for m in messages if m.channel == name})
            if window is None or not chats:
                continue
            async with self._sessions() as session:
                seen = await queries.last_inbound(session, name, chats)
            for chat in chats:
                open_[(name, chat)] = chat in seen and now - seen[chat] < window
        return open_

    async def _deliver(self, message: outbox.Outgoing, window_open: bool | None) -> Outcome:
        """One attempt. window_open is None where the channel has no reply window."""
        channel = self._channels.get(message.channel)
        if channel is None:
            # Not running here (e.g. WhatsApp not configured in this process): try again later.
            return Outcome("retry", 60.0, f"channel {message.channel} not running")
        reply = message.reply
        if message.template_only or window_open is False:
            if reply.template is None:
                return Outcome("failed", error=outbox.NO_TEMPLATE)
            reply = Reply("", template=reply.template)
        try:
            reply = await self._with_stored_photo(reply)
            try:
                platform_id = await channel.send_once(message.chat_id, reply)
            except WindowClosed:
                # Our record of the user's last message was off: the template, if there is one.
                if reply.template is None or not reply.text:
                    raise
                reply = Reply("", template=reply.template)
                platform_id = await channel.send_once(message.chat_id, reply)
            # Keep the text until delivery is confirmed: a late "window closed" report resends
            # it as the template (see record_statuses).
            keep = bool(platform_id and reply.text and reply.template)
            return Outcome("sent", platform_id=platform_id, keep_text=keep)
        except RetryLater as exc:
            return Outcome("retry", exc.retry_after, str(exc))
        except Unauthorized as exc:
            return Outcome("postpone", CREDENTIALS_PAUSE_SECONDS, str(exc))
        except Transient as exc:
            return self._again_or_give_up(message, "transient", str(exc))
        except Blocked as exc:
            return Outcome("blocked", error=f"blocked: {exc}")
        except NotStarted as exc:
            return Outcome("held", error=f"held for their first message: {exc}")
        except WindowClosed:
            return Outcome("failed", error=outbox.NO_TEMPLATE)
        except DeliveryError as exc:
            return Outcome("failed", error=f"refused: {exc}")
        except Exception as exc:  # an adapter's bug must not stall the batch until the lease ends
            log.exception("unexpected error sending outbox message %d", message.id)
            return self._again_or_give_up(message, "unexpected", type(exc).__name__)

    def _again_or_give_up(self, message: outbox.Outgoing, what: str, detail: str) -> Outcome:
        """A failure worth retrying: with backoff, until the policy's attempts are spent."""
        failures = message.attempts + 1
        if failures >= self._policy.max_attempts:
            return Outcome("failed", error=f"gave up after {failures} attempts: {detail}")
        return Outcome("retry", self._policy.backoff(failures), f"{what}: {detail}")

    async def _with_stored_photo(self, reply: Reply) -> Reply:
        if not media.is_stored(reply.photo):
            return reply
        async with self._sessions() as session:
            return await media.attach(session, reply)

    async def _record(
        self,
        outcomes: list[tuple[outbox.Outgoing, Outcome]],
        deferred: list[tuple[outbox.Outgoing, float]],
        attempted_at: datetime,
    ) -> None:
        """Every outcome of a batch in one transaction."""
        now = self._clock()
        async with self._sessions() as session, session.begin():
            sent = [
                outbox.Sent(m.id, outcome.platform_id, outcome.keep_text)
                for m, outcome in outcomes
                if outcome.kind == "sent"
            ]
            await outbox.mark_all_sent(session, sent, now)
            # Waits rounded up to a tenth of a second: never earlier than allowed, and a batch's
            # postponed messages take a statement or two, not one each.
            later: dict[datetime, list[int]] = {}
            waits = [(m, wait) for m, wait in deferred]
            waits += [(m, outcome.wait) for m, outcome in outcomes if outcome.kind == "postpone"]
            for message, wait in waits:
                at = now + timedelta(seconds=math.ceil(wait * 10) / 10)
                later.setdefault(at, []).append(message.id)
            await outbox.postpone_many(session, later)
            for message, outcome in outcomes:
                at = now + timedelta(seconds=outcome.wait)
                if outcome.kind == "retry":
                    await outbox.retry_later(session, message.id, at, outcome.error)
                elif outcome.kind == "held":
                    await first_contact.hold(
                        session, message.id, message.channel, message.chat_id, outcome.error, attempted_at
                    )
                elif outcome.kind in ("failed", "blocked"):
                    await outbox.mark_failed(session, message.id, outcome.error)
                    if outcome.kind == "blocked":
                        await queries.mark_blocked(session, message.channel, message.chat_id, now)
                    log.warning("outbox message %d not delivered: %s", message.id, outcome.error)


def _behind_their_chats(
    deferred: list[tuple[outbox.Outgoing, float]], outcomes: list[tuple[outbox.Outgoing, Outcome]]
) -> list[tuple[outbox.Outgoing, float]]:
    """A chat's message that is not through this round (given back, to be retried, held) keeps the
    chat's later messages waiting at least as long, so that none overtakes it (a case's photo
    before the case)."""
    not_through = {
        (m.channel, m.chat_id): outcome.wait
        for m, outcome in outcomes
        if outcome.kind not in ("sent", "failed")
    }
    return [(m, max(wait, not_through.get((m.channel, m.chat_id), wait))) for m, wait in deferred]


async def record_statuses(
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
    statuses: list[DeliveryStatus],
    wake: Callable[[], None],
) -> list[DeliveryStatus]:
    """Applies a platform's delivery reports to the outbox; returns those matching no sent message
    yet (a report can overtake the sender's own record of the send: the caller tries them again)."""
    resend = False
    now: datetime = clock()
    async with sessions() as session, session.begin():
        known = await outbox.known_platform_ids(session, {s.message_id for s in statuses})
        unknown = [status for status in statuses if status.message_id not in known]
        for status in statuses:
            if status.message_id not in known:
                continue
            done = await outbox.record_status(session, status, now)
            resend = resend or done == "resend"
            if done == "failed":
                log.warning("a sent message failed on the platform: error %s", status.error_code)
    if resend:
        wake()
    return unknown
