"""What every channel adapter offers the rest of the bot."""

from __future__ import annotations

from typing import Protocol

from bot.messages import Reply


class Channel(Protocol):
    name: str

    async def send(self, chat_id: str, reply: Reply) -> None:
        """Deliver one reply, retrying what is worth retrying; raises bot.delivery errors otherwise."""
        ...

    async def send_once(self, chat_id: str, reply: Reply) -> None:
        """One attempt; the outbox schedules retries itself. Raises bot.delivery errors."""
        ...

    async def close(self) -> None: ...
