"""What every channel adapter offers the rest of the bot."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Protocol

from bot.delivery import Blocked, DeliveryError
from ground.messages import Reply

if TYPE_CHECKING:
    from bot.engine import ConversationEngine

log = logging.getLogger(__name__)


class Channel(Protocol):
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


async def send_replies(
    channel: Channel, engine: ConversationEngine, chat_id: str, replies: list[Reply]
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
