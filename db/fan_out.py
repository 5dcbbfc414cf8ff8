"""A broadcast run's fan-out, a page of subscribers at a time, in SQL.

Each page is one INSERT ... SELECT per language: the subscribers never pass through Python, so a
million of them cost the memory of one page. The page and the run's mark of how far it got
commit together; a process that dies half-way leaves a run the scheduler continues from the mark,
and the outbox's unique keys ("bc:<run>:<user>") make a page queued twice yield one message each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, bindparam, cast, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import BroadcastRun, OutboxMessage, Subscription, User
from db.sql import dialect_of, insert_for, run
from db.subscriptions import in_audience

PENDING = "pending"


@dataclass(frozen=True)
class Unfinished:
    """A run whose fan-out has not reached its last subscriber."""

    run_id: int
    broadcast_id: int
    queued_through: int


async def unfinished(session: AsyncSession) -> list[Unfinished]:
    rows = await session.execute(
        select(BroadcastRun.id, BroadcastRun.broadcast_id, BroadcastRun.queued_through)
        .where(BroadcastRun.fanned_out.is_(False))
        .order_by(BroadcastRun.id)
    )
    return [Unfinished(*row) for row in rows]


async def page_end(
    session: AsyncSession, region_code: str | None, language: str | None, after: int, size: int
) -> int | None:
    """The user id that closes the next page of `size` subscribers after `after` (by the primary
    key's order); None when fewer remain (the last page)."""
    statement = (
        select(Subscription.user_id)
        .join(User, Subscription.user_id == User.id)
        .where(Subscription.user_id > after, *in_audience(region_code, language))
        .order_by(Subscription.user_id)
        .offset(size - 1)
        .limit(1)
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def queue_page(
    session: AsyncSession,
    run_id: int,
    region_code: str | None,
    language: str,
    exclude_languages: list[str],
    payload: dict[str, Any],
    after: int,
    through: int | None,
    priority: int,
    now: datetime,
) -> int:
    """Queues the message (payload) to the subscribers in the page (after, through] whose language
    is `language`, or any of those not in exclude_languages when that list is given (those get
    the default language's text). Returns how many were queued."""
    conditions = [Subscription.user_id > after, *in_audience(region_code, None)]
    if through is not None:
        conditions.append(Subscription.user_id <= through)
    if exclude_languages:
        conditions.append(Subscription.language.not_in(exclude_languages))
    else:
        conditions.append(Subscription.language == language)
    table = OutboxMessage.__table__
    rows = (
        select(
            literal(f"bc:{run_id}:") + cast(User.id, String),
            User.channel,
            User.chat_id,
            bindparam("payload", payload, type_=JSON),
            literal(PENDING),
            literal(0),
            bindparam("now", now, type_=OutboxMessage.__table__.c.created_at.type),
            bindparam("now2", now, type_=OutboxMessage.__table__.c.created_at.type),
            literal(priority),
            literal(run_id),
        )
        .select_from(Subscription)
        .join(User, Subscription.user_id == User.id)
        .where(*conditions)
    )
    columns = [
        "idempotency_key",
        "channel",
        "chat_id",
        "payload",
        "status",
        "attempts",
        "next_attempt_at",
        "created_at",
        "priority",
        "run_id",
    ]
    statement = (
        insert_for(dialect_of(session), table)
        .from_select(columns, rows)
        .on_conflict_do_nothing()
        .returning(table.c.id)
    )
    return len((await run(session, statement)).all())


async def mark(session: AsyncSession, run_id: int, through: int | None, queued: int) -> None:
    """The page is queued: the run continues after `through`, or (None) it is complete."""
    values: dict[str, Any] = {"recipients": BroadcastRun.recipients + queued}
    if through is None:
        values["fanned_out"] = True
    else:
        values["queued_through"] = through
    await session.execute(update(BroadcastRun).where(BroadcastRun.id == run_id).values(**values))
