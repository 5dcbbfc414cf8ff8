"""What every channel adapter offers the rest of the bot."""

from __future__ import annotations

from datetime import timedelta
from typing import Protocol

from bot.messages import Reply


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
