"""What every channel adapter offers the rest of the bot: sending (`Sender`), and for a messenger
also receiving and what the core must know of it (`Channel`), built by `bot.channels.registry`."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Protocol

from bot.delivery import Blocked, DeliveryError, RetryPolicy
from bot.web import Handler
from ground.messages import DeliveryStatus, Reply

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.engine import ConversationEngine

log = logging.getLogger(__name__)

# A webhook route on the built-in web server: method, path, handler.
Route = tuple[str, str, Handler]
# Where a channel hands the platform's delivery reports; returns those it could not match yet.
StatusSink = Callable[[list[DeliveryStatus]], Awaitable[list[DeliveryStatus]]]


class Sender(Protocol):
    """What the outbox and a turn's replies need: the console of `sigap demo` is one too."""

    name: str

    @property
    def session_window(self) -> timedelta | None:
        """How long after a user's last message free-form messages may reach them (None: always).
        Outside it, the outbox sends the reply's template instead, or records why it could not."""
        ...

    async def send(self, chat_id: str, reply: Reply) -> str:
        """Deliver one reply, retrying what is worth retrying; raises bot.delivery errors otherwise."""
        ...

    async def send_once(self, chat_id: str, reply: Reply) -> str:
        """One attempt; the outbox schedules retries itself. Returns the platform's message id
        where delivery reports will refer to it (else ""). Raises bot.delivery errors."""
        ...

    async def close(self) -> None: ...


class Channel(Sender, Protocol):
    """A messenger Sigap runs on: its module exposes `from_settings(context) -> Channel`, and one
    line in bot/channels/registry.py names it. The core (bot/app.py, the outbox, the engine) only
    ever goes through this protocol."""

    @property
    def messages_per_second(self) -> int | None:
        """The platform's send rate, shared by every process (bot/rate.py); None: no limit."""
        ...

    def routes(self) -> list[Route]:
        """Its webhooks on the built-in web server (none when it polls)."""
        ...

    async def start(self) -> asyncio.Task[None] | None:
        """Starts receiving once the web server listens: registers a webhook, or starts polling
        and returns that task (`sigap run` ends when it ends on its own, e.g. a refused token)."""
        ...

    async def stop(self) -> None:
        """Stops receiving (polling ends); what was received is still finished by close()."""
        ...

    async def idle(self) -> None:
        """Waits until everything received so far is handled and answered (tests, shutdown)."""
        ...


@dataclass(frozen=True)
class ChannelContext:
    """What the core hands a channel's `from_settings`: built before the outbox sender, whose
    wake-up the delivery reports' sink already carries (no wiring filled in afterwards)."""

    settings: Settings
    engine: ConversationEngine
    policy: RetryPolicy
    on_statuses: StatusSink


async def send_replies(
    channel: Sender, engine: ConversationEngine, chat_id: str, replies: list[Reply]
) -> None:
    """A turn's replies, in order, each with the channel's retries. The first that cannot be
    delivered ends the turn's sending: later replies would make no sense without it."""
    for reply in replies:
        try:
            await channel.send(chat_id, reply)
        except Blocked:
            await engine.note_blocked(channel.name, chat_id)
            return
        except DeliveryError as exc:
            log.error("reply not delivered: %s", exc)
            return
