"""The durable outbox: messages queued in the transaction that caused them, claimed and sent later."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.messages import Button, Reply
from db.models import OutboxMessage
from db.sql import dialect_of, insert_for, run

PENDING, SENT, FAILED = "pending", "sent", "failed"


@dataclass(frozen=True)
class Outgoing:
    id: int
    channel: str
    chat_id: str
    reply: Reply
    attempts: int


def encode(reply: Reply) -> dict[str, Any]:
    return {
        "text": reply.text,
        "buttons": [[[b.label, b.data] for b in row] for row in reply.buttons],
        "photo": reply.photo,
    }


def decode(payload: dict[str, Any]) -> Reply:
    rows = tuple(tuple(Button(label, data) for label, data in row) for row in payload.get("buttons", []))
    return Reply(payload["text"], rows, payload.get("photo", ""))


async def enqueue(
    session: AsyncSession, key: str, channel: str, chat_id: str, reply: Reply, now: datetime
) -> bool:
    """Queue a message; False if one with this key was queued before (it is not queued twice)."""
    statement = (
        insert_for(dialect_of(session), OutboxMessage.__table__)
        .values(
            idempotency_key=key,
            channel=channel,
            chat_id=chat_id,
            payload=encode(reply),
            status=PENDING,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
        .on_conflict_do_nothing()
    )
    return bool((await run(session, statement)).rowcount == 1)


async def enqueue_many(session: AsyncSession, rows: list[dict[str, Any]], now: datetime) -> int:
    """Bulk queue (broadcast fan-out): rows of key, channel, chat_id, reply, priority, run_id.
    Keys queued before are skipped, so a repeated fan-out adds nothing."""
    if not rows:
        return 0
    # RETURNING counts exactly the rows added (executemany's rowcount is -1 on asyncpg).
    table = OutboxMessage.__table__
    statement = insert_for(dialect_of(session), table).on_conflict_do_nothing().returning(table.c.id)
    values = [
        {
            "idempotency_key": row["key"],
            "channel": row["channel"],
            "chat_id": row["chat_id"],
            "payload": encode(row["reply"]),
            "status": PENDING,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
            "priority": row.get("priority", 0),
            "run_id": row.get("run_id"),
        }
        for row in rows
    ]
    result = await run(session, statement, values)
    return len(result.all())


async def claim_due(session: AsyncSession, now: datetime, limit: int, lease: timedelta) -> list[Outgoing]:
    """Due messages for this worker. On PostgreSQL, SKIP LOCKED lets several processes share the
    work; the lease pushes next_attempt_at ahead, so a worker that dies mid-send leaves the
    message to be picked up again after the lease."""
    rows = (
        (
            await session.execute(
                select(OutboxMessage)
                .where(OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now)
                .order_by(OutboxMessage.priority, OutboxMessage.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        .scalars()
        .all()
    )
    claimed = []
    for row in rows:
        row.next_attempt_at = now + lease
        claimed.append(Outgoing(row.id, row.channel, row.chat_id, decode(row.payload), row.attempts))
    return claimed


async def mark_all_sent(session: AsyncSession, message_ids: list[int], now: datetime) -> None:
    # The text may hold personal data: once delivered, the outbox keeps only that it was sent.
    if message_ids:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(message_ids))
            .values(
                status=SENT, sent_at=now, payload={}, last_error=None, attempts=OutboxMessage.attempts + 1
            )
        )


async def postpone(session: AsyncSession, message_id: int, at: datetime) -> None:
    """Not tried (rate or per-chat limit): later, without counting an attempt."""
    await session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message_id).values(next_attempt_at=at)
    )


async def retry_later(session: AsyncSession, message_id: int, at: datetime, error: str) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(next_attempt_at=at, last_error=error[:200], attempts=OutboxMessage.attempts + 1)
    )


async def mark_failed(session: AsyncSession, message_id: int, error: str) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(status=FAILED, last_error=error[:200], payload={}, attempts=OutboxMessage.attempts + 1)
    )


async def counts(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
    return {status: int(n) for status, n in rows}
