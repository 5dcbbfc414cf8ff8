"""The durable outbox: messages queued in the transaction that caused them, claimed and sent later."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, literal_column, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import OutboxMessage, RunDeliveryCount
from db.sql import dialect_of, insert_for, run
from ground.messages import Button, DeliveryStatus, Reply, Template

PENDING, SENT, FAILED = "pending", "sent", "failed"
# What a platform reports after accepting a message, in order: a later report never goes back.
DELIVERY_ORDER = ("sent", "delivered", "read")
# WhatsApp error codes a failed-status report may carry.
REENGAGEMENT_REQUIRED, UNDELIVERABLE = 131047, 131026
NO_TEMPLATE = "outside the 24-hour window and no template for it"


@dataclass(frozen=True)
class Outgoing:
    id: int
    channel: str
    chat_id: str
    reply: Reply
    attempts: int
    # The platform said the free-form message cannot reach the user: send the template instead.
    template_only: bool = False


@dataclass(frozen=True)
class Sent:
    """A message the platform accepted: its id there (if statuses will follow), and whether to keep
    the text until it is confirmed delivered (so a late "window closed" can be answered)."""

    id: int
    platform_message_id: str = ""
    keep_payload: bool = False


def encode(reply: Reply) -> dict[str, Any]:
    encoded: dict[str, Any] = {
        "text": reply.text,
        "buttons": [[[b.label, b.data] for b in row] for row in reply.buttons],
        "photo": reply.photo,
    }
    if reply.template is not None:
        t = reply.template
        # A broadcast's template repeats the text: stored once (None means "the text").
        params = None if t.params == (reply.text,) else list(t.params)
        encoded["template"] = [t.purpose, t.language, params, t.button_data]
    return encoded


def decode(payload: dict[str, Any]) -> Reply:
    rows = tuple(tuple(Button(label, data) for label, data in row) for row in payload.get("buttons", []))
    template = None
    if payload.get("template"):
        purpose, language, params, button_data = payload["template"]
        params = (payload["text"],) if params is None else tuple(params)
        template = Template(purpose, language, params, button_data)
    return Reply(payload["text"], rows, payload.get("photo", ""), template=template)


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
                # 'pending' written in the statement, not bound: only then may the planner (both
                # databases) use the partial index of pending rows, ix_outbox_claim.
                .where(
                    OutboxMessage.status == literal_column(f"'{PENDING}'"),
                    OutboxMessage.next_attempt_at <= now,
                )
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
        template_only = bool(row.payload.get("template_only"))
        claimed.append(
            Outgoing(row.id, row.channel, row.chat_id, decode(row.payload), row.attempts, template_only)
        )
    return claimed


async def extend_lease(
    session: AsyncSession, ids: Collection[int], held_until: datetime, until: datetime
) -> set[int]:
    """Moves the lease of the messages a worker still holds, those whose next_attempt_at is still
    the one it set, to `until`; returns them. A message missing from the answer was claimed by
    another worker after this one's lease ran out: this one must not send it any more."""
    if not ids:
        return set()
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(list(ids)),
            OutboxMessage.status == PENDING,
            OutboxMessage.next_attempt_at == held_until,
        )
        .values(next_attempt_at=until)
        .returning(OutboxMessage.id)
    )
    return set(result.scalars().all())


async def mark_all_sent(session: AsyncSession, sent: list[Sent], now: datetime) -> None:
    # The text may hold personal data: once delivered, the outbox keeps only that it was sent.
    # One statement for the plain ones (a broadcast batch); one row at a time for those with a
    # platform id to remember.
    values: dict[str, Any] = {
        "status": SENT,
        "sent_at": now,
        "last_error": None,
        "attempts": OutboxMessage.attempts + 1,
    }
    plain = [s.id for s in sent if not s.platform_message_id]
    if plain:
        await session.execute(
            update(OutboxMessage).where(OutboxMessage.id.in_(plain)).values(**values, payload={})
        )
    for s in sent:
        if s.platform_message_id:
            tracked = {**values, "platform_message_id": s.platform_message_id, "delivery_status": "sent"}
            if not s.keep_payload:
                tracked["payload"] = {}
            await session.execute(update(OutboxMessage).where(OutboxMessage.id == s.id).values(**tracked))


async def known_platform_ids(session: AsyncSession, ids: Collection[str]) -> set[str]:
    """Which of these platform message ids a sent outbox row carries (one query for a webhook's
    reports: most are of direct replies, which the outbox never holds)."""
    wanted, known = list(ids), set()
    for start in range(0, len(wanted), 1000):  # SQLite binds at most 32,766 values a statement
        rows = await session.execute(
            select(OutboxMessage.platform_message_id).where(
                OutboxMessage.platform_message_id.in_(wanted[start : start + 1000])
            )
        )
        known |= {str(value) for value in rows.scalars()}
    return known


async def record_status(session: AsyncSession, status: DeliveryStatus, now: datetime) -> str:
    """Apply what the platform reported of a sent message; returns what was done: "updated",
    "resend" (the window had closed and a template can go instead), "failed", or "unknown"."""
    row = (
        await session.execute(
            select(OutboxMessage)
            .where(OutboxMessage.platform_message_id == status.message_id)
            .with_for_update()
        )
    ).scalar_one_or_none()
    if row is None:
        return "unknown"
    if status.status in DELIVERY_ORDER:
        known = row.delivery_status in DELIVERY_ORDER
        if not known or DELIVERY_ORDER.index(status.status) > DELIVERY_ORDER.index(str(row.delivery_status)):
            row.delivery_status = status.status
            if status.status != "sent":
                row.payload = {}
        return "updated"
    if status.status != "failed":
        return "unknown"
    if (
        status.error_code == REENGAGEMENT_REQUIRED
        and row.payload.get("template")
        and not row.payload.get("template_only")
    ):
        row.payload = {**row.payload, "template_only": True}
        row.status, row.next_attempt_at, row.delivery_status = PENDING, now, "window_closed"
        row.last_error = "outside the 24-hour window: sending the template"
        return "resend"
    reason = {
        REENGAGEMENT_REQUIRED: NO_TEMPLATE,
        UNDELIVERABLE: "undeliverable (not on WhatsApp, or unreachable)",
    }.get(status.error_code or 0, f"platform error {status.error_code}")
    row.status, row.delivery_status, row.payload, row.last_error = FAILED, "failed", {}, reason
    return "failed"


async def forget_unconfirmed_texts(session: AsyncSession, before: datetime) -> int:
    """Texts kept for a delivery report that never came are dropped after a while: least data."""
    result = await run(
        session,
        update(OutboxMessage)
        .where(
            OutboxMessage.status == SENT,
            OutboxMessage.delivery_status == "sent",
            OutboxMessage.sent_at < before,
        )
        .values(payload={}, delivery_status="unconfirmed"),
    )
    return int(result.rowcount or 0)


async def postpone(session: AsyncSession, message_id: int, at: datetime) -> None:
    """Not tried (rate or per-chat limit): later, without counting an attempt."""
    await postpone_many(session, {at: [message_id]})


async def postpone_many(session: AsyncSession, ids_by_time: dict[datetime, list[int]]) -> None:
    """Many postponed at once: one statement per distinct time (a batch has few), not per row."""
    for at, ids in ids_by_time.items():
        await session.execute(
            update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(next_attempt_at=at)
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


async def prune_sent(session: AsyncSession, before: datetime, limit: int) -> int:
    """Deletes up to `limit` messages sent before the cut-off (the oldest first) and returns how
    many. A broadcast run's messages are first added to its counts in run_deliveries, so progress
    and delivery reports still count them. Pending and failed messages are never pruned here.

    The counts come from what the DELETE returned, so a delivery report that changed a row in
    between cannot make them disagree with what was deleted."""
    oldest = (
        select(OutboxMessage.id)
        .where(OutboxMessage.status == SENT, OutboxMessage.sent_at < before)
        .order_by(OutboxMessage.sent_at)
        .limit(limit)
    )
    deleted = await run(
        session,
        delete(OutboxMessage)
        .where(OutboxMessage.id.in_(oldest.scalar_subquery()))
        .returning(
            OutboxMessage.run_id, OutboxMessage.channel, OutboxMessage.status, OutboxMessage.delivery_status
        ),
    )
    rows = deleted.all()
    runs = Counter((run_id, channel, status, seen or "") for run_id, channel, status, seen in rows if run_id)
    if runs:
        table = RunDeliveryCount.__table__
        statement = insert_for(dialect_of(session), table)
        statement = statement.on_conflict_do_update(
            index_elements=["run_id", "channel", "status", "delivery_status"],
            set_={"n": table.c.n + statement.excluded.n},
        )
        await run(
            session,
            statement,
            [
                {"run_id": run_id, "channel": channel, "status": status, "delivery_status": seen, "n": n}
                for (run_id, channel, status, seen), n in runs.items()
            ],
        )
    return len(rows)
