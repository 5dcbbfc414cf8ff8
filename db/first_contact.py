"""Messages a platform will not let the bot send first (Telegram: "bot can't initiate
conversation"): held in the outbox until the person writes, then released to the sender."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import OutboxMessage, User

HELD, PENDING = "held", "pending"


async def hold(
    session: AsyncSession, message_id: int, channel: str, chat_id: str, reason: str, attempted_at: datetime
) -> bool:
    """Keeps the message for the person's first message; False (the message is tried again at
    once) when they wrote while it was being sent. The user's row is updated first: on PostgreSQL
    that waits for a turn of theirs in progress, so the release and the hold never miss each other."""
    seen = (
        await session.execute(
            update(User)
            .where(User.channel == channel, User.chat_id == chat_id)
            .values(held_messages=True)
            .returning(User.last_seen_at)
        )
    ).scalars()
    if any(moment is not None and moment >= attempted_at for moment in seen):
        await session.execute(
            update(OutboxMessage).where(OutboxMessage.id == message_id).values(next_attempt_at=attempted_at)
        )
        return False
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(status=HELD, last_error=reason[:200])
    )
    return True


async def release(session: AsyncSession, channel: str, chat_id: str, now: datetime) -> int:
    """The person wrote: what was held for them goes out now. Returns how many messages."""
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.channel == channel, OutboxMessage.chat_id == chat_id, OutboxMessage.status == HELD
        )
        .values(status=PENDING, next_attempt_at=now, last_error=None)
    )
    await session.execute(
        update(User).where(User.channel == channel, User.chat_id == chat_id).values(held_messages=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
