"""Handles one incoming message as one unit of work: dedupe, load user and state, route, save, commit."""

from __future__ import annotations

import asyncio
import logging
import zlib
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.pictures import PictureReader
from bot.router import Router
from db import first_contact, media, queries
from db.flood import FloodLimit
from db.session import POOL_TIMEOUT_SECONDS
from db.sqlite_driver import statements_in_loop
from ground.messages import Incoming, PictureReading, Reply, compact
from handlers.context import ComputeFirst, ReadFirst, ReadPictureFirst, Services, Turn

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
LOCK_STRIPES = 256
# Pieces of CPU-heavy work one message may ask for (Turn.compute); each runs the turn once more.
MAX_COMPUTED_PER_TURN = 4


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class _Progress:
    """What a message's handling has learnt so far: the user's language (for an apology) and
    the results of work done outside the transaction (Turn.compute)."""

    language: str
    computed: dict[Hashable, Any] = field(default_factory=dict)


class TemporaryFailure(Exception):
    """The database failed (unreachable, dropped, refusing); the platform should re-deliver the
    message later. Nothing of the turn was committed."""


class PictureToRead(Exception):
    """Raised to the caller of handle(..., read_pictures=False) when the message's step wants its
    picture read (reading takes seconds): the caller hands the message to handle() later, out of
    its request. Nothing was committed."""


class ConversationEngine:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        router: Router,
        services: Services,
        clock: Clock = utc_now,
        numbered_menus: Mapping[str, int] | None = None,
        flood_limit: FloodLimit = queries.UNLIMITED,
        pictures: PictureReader | None = None,
        readers: async_sessionmaker[AsyncSession] | None = None,
        concurrent_turns: int | None = None,
    ) -> None:
        """numbered_menus: for each channel that shows a menu of more than N choices as numbered
        text (WhatsApp: 10), that N; a number the user then types means that choice.
        flood_limit: each user's token bucket (db/flood.py): a burst, and a sustained rate.
        pictures: reads the text of pictures for the steps that ask (None: none can be read).
        readers: sessions of the read-only engine for Turn.read (None: `sessions`).
        concurrent_turns: how many turns may hold a database connection at once (None: as many
        as the pool gives)."""
        self._sessions = sessions
        self._readers = readers or sessions
        self._router = router
        self._services = services
        self._clock = clock
        self._numbered_menus = dict(numbered_menus or {})
        self._flood_limit = flood_limit
        self._pictures = pictures
        # Messages of one user are handled one at a time in this process (a fixed set of
        # locks, so memory stays bounded); across processes the user's row lock does it.
        self._locks = [asyncio.Lock() for _ in range(LOCK_STRIPES)]
        self._queue_listeners: list[Callable[[], None]] = []
        # Beyond the connections the pool keeps, it opens one more for a turn and closes it on
        # return: under load a new connection (a new PostgreSQL backend) every dozen updates,
        # 15 % of an update's CPU in bench/updates.py. A turn waits for a kept one instead, as
        # long as it would wait for the pool; the pool's overflow is left to the sender and jobs.
        self._turns = asyncio.Semaphore(concurrent_turns) if concurrent_turns else None

    def on_queued(self, listener: Callable[[], None]) -> None:
        """Called after a turn that put messages in the outbox has committed (wakes the sender)."""
        self._queue_listeners.append(listener)

    async def handle(self, incoming: Incoming, read_pictures: bool = True) -> list[Reply]:
        """The replies to send for this message; [] for a re-delivered one already handled.
        With read_pictures=False a message whose step wants its picture read raises
        PictureToRead instead, and every other message (a report's photo too) is handled here."""
        lock = self._locks[zlib.crc32(f"{incoming.channel}:{incoming.user_id}".encode()) % LOCK_STRIPES]
        async with lock:
            progress = _Progress(self._services.content.default_language)
            try:
                while True:
                    # Slow work a step asks for runs with no transaction open (SQLite has one
                    # connection for every user), then the turn runs again from the start.
                    try:
                        replies, queued = await self._gated_turn(incoming, progress)
                        break
                    except ComputeFirst as request:
                        if len(progress.computed) >= MAX_COMPUTED_PER_TURN:
                            raise RuntimeError("a turn asked for too much work") from request
                        key = (request.work, request.args)
                        progress.computed[key] = await asyncio.to_thread(request.work, *request.args)
                    except ReadFirst as request:
                        if len(progress.computed) >= MAX_COMPUTED_PER_TURN:
                            raise RuntimeError("a turn asked for too much work") from request
                        async with self._readers() as session, session.begin():
                            result = await request.work(session, self._clock(), *request.args)
                        progress.computed[(request.work, request.args)] = result
                    except ReadPictureFirst:
                        if not read_pictures:
                            raise PictureToRead from None
                        if incoming.reading is not None:
                            raise RuntimeError("a step asked again for a picture already read") from None
                        incoming = replace(incoming, reading=await self._read_picture(incoming))
                if queued:
                    for listener in self._queue_listeners:
                        listener()
                return replies
            except PictureToRead:
                raise
            except Exception as exc:
                if not _database_failed(exc):
                    # The transaction rolled back, so the saved state is as before this message.
                    log.exception("handler failed for a %s %s message", incoming.channel, incoming.kind)
                    return [Reply(self._services.content.texts(progress.language)("errors.internal"))]
                # Nothing was committed; saying "try again" would lose the message, so let the
                # transport refuse it and the platform re-deliver it.
                log.error(
                    "database failed while handling a %s message: %s",
                    incoming.channel,
                    type(exc).__name__,
                )
                raise TemporaryFailure from exc

    async def _gated_turn(self, incoming: Incoming, progress: _Progress) -> tuple[list[Reply], int]:
        # SQLite: the turn's own short statements (BEGIN, the claim and the user, the state)
        # run in the loop's thread, no trip to the driver's (db/sqlite_driver.py).
        with statements_in_loop():
            if self._turns is None:
                return await self._turn(incoming, progress)
            if self._turns.locked():
                # Waiting too long is the pool's timeout: a TimeoutError, so the platform
                # re-delivers. (Only when it must wait: a timeout armed and cancelled for every
                # turn was 1 % of an update's CPU in bench/updates.py.)
                async with asyncio.timeout(POOL_TIMEOUT_SECONDS):
                    await self._turns.acquire()
            else:
                await self._turns.acquire()  # free: taken at once
            try:
                return await self._turn(incoming, progress)
            finally:
                self._turns.release()

    async def _turn(self, incoming: Incoming, progress: _Progress) -> tuple[list[Reply], int]:
        """One transaction: the replies, and how many messages it queued in the outbox."""
        async with self._sessions() as session:  # closed, so rolled back, on an exception
            outcome = await self._turn_in(session, incoming, progress)
            # Committed here, not by a session.begin() block: its start was one more trip into
            # SQLAlchemy's greenlet per turn (the transaction begins with the first statement).
            await session.commit()
        return outcome

    async def _turn_in(
        self, session: AsyncSession, incoming: Incoming, progress: _Progress
    ) -> tuple[list[Reply], int]:
        now = self._clock()
        if incoming.update_key:
            found = await queries.claim_update_and_get_user(
                session,
                incoming.channel,
                incoming.update_key,
                incoming.user_id,
                incoming.chat_id,
                progress.language,
                now,
                self._flood_limit,
            )
            if found is None:  # a re-delivery, handled before
                return [], 0
            user, state = found
        else:
            user, state = await queries.get_or_create_user(
                session,
                incoming.channel,
                incoming.user_id,
                incoming.chat_id,
                progress.language,
                now,
                self._flood_limit,
            )
        progress.language = user.language
        # Their first message: what the platform would not let us send before goes out now.
        released = 0
        if user.held_messages:
            with statements_in_loop(False):
                released = await first_contact.release(session, incoming.channel, incoming.chat_id, now)
        flooded = user.flood_refused
        if flooded and user.flood_refusals > 1:
            # Told once; the rest of a flood gets no answer, so it costs no sends. The state
            # is untouched.
            return [], released
        turn = Turn(
            incoming=incoming,
            user=user,
            state=state,
            t=self._services.content.texts(user.language),
            session=session,
            now=now,
            services=self._services,
            computed=progress.computed,
        )
        # What a handler asks of the database may be long (a region's cases exported): in the
        # driver's thread, as before, so the loop goes on meanwhile (sends, the web server).
        with statements_in_loop(False):
            if flooded:
                # The first refused message: said once, with the open question shown again so
                # the user knows what to answer once they slow down.
                turn.say(turn.t("errors.flood"))
                await self._router.reprompt(turn)
            else:
                await self._router.route(turn)
            replies = [await media.attach(session, reply) for reply in compact(turn.replies)]
        # A word written in a group is refused (bot/router.py) and changes nothing of the
        # user's private conversation; a button pressed there still acts.
        if incoming.private or incoming.kind == "button":
            turn.state.menu = self._numbered_choices(incoming.channel, replies)
            turn.state.prompt = _last_question(replies)
            await queries.save_state(session, user.id, turn.state)
        return replies, turn.queued_messages + released

    async def _read_picture(self, incoming: Incoming) -> PictureReading:
        if self._pictures is None:
            return PictureReading(problem="unavailable")
        return await self._pictures.read(incoming)

    def _numbered_choices(self, channel: str, replies: list[Reply]) -> list[str] | None:
        limit = self._numbered_menus.get(channel)
        if limit is None:
            return None
        for reply in reversed(replies):
            if reply.buttons:
                choices = reply.all_buttons
                return [button.data for button in choices] if len(choices) > limit else None
        return None

    async def note_blocked(self, channel: str, chat_id: str) -> None:
        """The platform says the user blocked the bot: remember it so nothing more is sent."""
        async with self._sessions() as session, session.begin():
            await queries.mark_blocked(session, channel, chat_id, self._clock())


def _last_question(replies: list[Reply]) -> list[tuple[str, str]] | None:
    """The buttons (data, label) of the last reply that has any: what typed words may press
    (bot/router.py). None when this turn asked nothing with buttons."""
    for reply in reversed(replies):
        if reply.buttons:
            return [(button.data, button.label) for button in reply.all_buttons]
    return None


def _database_failed(exc: Exception) -> bool:
    """The database failed, not this message: unreachable, dropped, read-only, refusing a statement
    (a missing table, no permission), out of connections. A refusal of the message's own data
    (SQLSTATE classes 22 and 23: out of range, too long, a duplicate) is not: it would fail the
    same way on every re-delivery, and in polling it would hold up everyone behind it."""
    if isinstance(exc, OSError | InterfaceError | OperationalError | SQLAlchemyTimeoutError):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    if isinstance(exc, IntegrityError | DataError):
        return False
    return not str(getattr(exc.orig, "sqlstate", "") or "").startswith(("22", "23"))
