"""Broadcasts and their runs: create, list, pause, cancel, fire once per due time, and progress."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Broadcast, BroadcastRun, OutboxMessage, RunDeliveryCount
from db.sql import insert_once

STATUSES = ("active", "paused", "cancelled", "finished")


@dataclass(frozen=True)
class BroadcastRecord:
    id: int
    created_by: str
    region_code: str | None
    language: str | None
    library_key: str | None
    text: str | None
    schedule: str
    run_at: datetime | None
    weekday: int | None
    local_time: str | None
    timezone: str
    status: str
    created_at: datetime


@dataclass(frozen=True)
class Progress:
    recipients: int
    sent: int
    pending: int
    failed: int


def _record(row: Broadcast) -> BroadcastRecord:
    return BroadcastRecord(
        id=row.id,
        created_by=row.created_by,
        region_code=row.region_code,
        language=row.language,
        library_key=row.library_key,
        text=row.text,
        schedule=row.schedule,
        run_at=row.run_at,
        weekday=row.weekday,
        local_time=row.local_time,
        timezone=row.timezone,
        status=row.status,
        created_at=row.created_at,
    )


async def create(session: AsyncSession, **fields: object) -> BroadcastRecord:
    row = Broadcast(status="active", **fields)
    session.add(row)
    await session.flush()
    return _record(row)


async def create_library_once(
    session: AsyncSession, library_key: str, region_code: str | None, run_at: datetime, created_by: str
) -> BroadcastRecord:
    """A library message, once, to a region (each subscriber in their language)."""
    return await create(
        session,
        created_by=created_by,
        region_code=region_code,
        language=None,
        library_key=library_key,
        text=None,
        schedule="once",
        run_at=run_at,
        weekday=None,
        local_time=None,
        timezone="Asia/Jakarta",
        created_at=run_at,
    )


async def get(session: AsyncSession, broadcast_id: int) -> BroadcastRecord | None:
    row = await session.get(Broadcast, broadcast_id)
    return None if row is None else _record(row)


async def listing(session: AsyncSession, region_code: str | None = None) -> list[BroadcastRecord]:
    """Broadcasts aimed at a region or inside it (None: all), newest first."""
    statement = select(Broadcast).order_by(Broadcast.id.desc())
    if region_code is not None:
        statement = statement.where(Broadcast.region_code.startswith(region_code))
    return [_record(row) for row in (await session.execute(statement)).scalars()]


async def active(session: AsyncSession) -> list[BroadcastRecord]:
    rows = await session.execute(select(Broadcast).where(Broadcast.status == "active").order_by(Broadcast.id))
    return [_record(row) for row in rows.scalars()]


async def set_status(session: AsyncSession, broadcast_id: int, status: str) -> None:
    assert status in STATUSES
    await session.execute(update(Broadcast).where(Broadcast.id == broadcast_id).values(status=status))


async def start_run(session: AsyncSession, broadcast_id: int, due_at: datetime, now: datetime) -> int | None:
    """The run for this due time, or None if it exists already (fired before, here or elsewhere)."""
    return await insert_once(
        session,
        BroadcastRun.__table__,
        broadcast_id=broadcast_id,
        due_at=due_at,
        started_at=now,
        recipients=0,
    )


async def set_recipients(session: AsyncSession, run_id: int, recipients: int) -> None:
    await session.execute(update(BroadcastRun).where(BroadcastRun.id == run_id).values(recipients=recipients))


async def progress(session: AsyncSession, broadcast_id: int) -> Progress:
    """Over all runs of the broadcast: recipients, and their messages sent / pending / failed."""
    return (await progress_of(session, [broadcast_id]))[broadcast_id]


def live_counts(broadcast_ids: Collection[int]) -> Select[int | None, str, int]:
    """The runs' messages still in the outbox, by run and status: read from ix_outbox_run_status
    alone (migration 0021) in its own order, so neither the rows nor a sort of them are read
    (`sigap broadcast send` asks each second while it delivers)."""
    runs = select(BroadcastRun.id).where(BroadcastRun.broadcast_id.in_(list(broadcast_ids)))
    return (
        select(OutboxMessage.run_id, OutboxMessage.status, func.count())
        .where(OutboxMessage.run_id.in_(runs.scalar_subquery()))
        .group_by(OutboxMessage.run_id, OutboxMessage.status)
    )


async def progress_of(session: AsyncSession, broadcast_ids: Collection[int]) -> dict[int, Progress]:
    """progress() of many broadcasts in three queries (a listing), not three per broadcast: the
    runs, then their messages by run and status. Messages pruned from the outbox count from
    run_deliveries."""
    ids = list(broadcast_ids)
    recipients = dict.fromkeys(ids, 0)
    broadcast_of: dict[int, int] = {}
    for run_id, broadcast_id, n in await session.execute(
        select(BroadcastRun.id, BroadcastRun.broadcast_id, BroadcastRun.recipients).where(
            BroadcastRun.broadcast_id.in_(ids)
        )
    ):
        broadcast_of[run_id] = broadcast_id
        recipients[broadcast_id] += int(n or 0)
    counts: dict[int, Counter[str]] = {broadcast_id: Counter() for broadcast_id in ids}
    pruned = (
        select(RunDeliveryCount.run_id, RunDeliveryCount.status, func.sum(RunDeliveryCount.n))
        .where(RunDeliveryCount.run_id.in_(list(broadcast_of)))
        .group_by(RunDeliveryCount.run_id, RunDeliveryCount.status)
    )
    for statement in (live_counts(ids), pruned):
        for run, status, n in await session.execute(statement):
            counts[broadcast_of[int(run or 0)]][status] += int(n)
    return {
        broadcast_id: Progress(
            recipients[broadcast_id],
            counts[broadcast_id]["sent"],
            counts[broadcast_id]["pending"],
            counts[broadcast_id]["failed"],
        )
        for broadcast_id in ids
    }


@dataclass(frozen=True)
class RunDelivery:
    """One run of a broadcast on one channel: how many of its messages reached which state."""

    broadcast_id: int
    region_code: str | None
    library_key: str | None
    text: str | None
    due_at: datetime
    recipients: int
    channel: str
    # Outbox status (sent, pending, failed) and, where the platform reports it, delivered / read.
    counts: dict[str, int]


async def delivery_report(session: AsyncSession, region_code: str | None) -> list[RunDelivery]:
    """Every run of the broadcasts aimed at the region or inside it (None: all), newest first."""
    columns = (
        Broadcast.id,
        Broadcast.region_code,
        Broadcast.library_key,
        Broadcast.text,
        BroadcastRun.id,
        BroadcastRun.due_at,
        BroadcastRun.recipients,
        OutboxMessage.channel,
        OutboxMessage.status,
        OutboxMessage.delivery_status,
    )
    live = (
        select(*columns, func.count())
        .join(BroadcastRun, BroadcastRun.broadcast_id == Broadcast.id)
        .join(OutboxMessage, OutboxMessage.run_id == BroadcastRun.id)
        .group_by(*columns)
    )
    pruned_columns = (
        *columns[:7],
        RunDeliveryCount.channel,
        RunDeliveryCount.status,
        RunDeliveryCount.delivery_status,
    )
    pruned = (
        select(*pruned_columns, func.sum(RunDeliveryCount.n))
        .join(BroadcastRun, BroadcastRun.broadcast_id == Broadcast.id)
        .join(RunDeliveryCount, RunDeliveryCount.run_id == BroadcastRun.id)
        .group_by(*pruned_columns)
    )
    lines: dict[tuple[int, str], RunDelivery] = {}
    for statement in (live, pruned):
        if region_code is not None:
            statement = statement.where(Broadcast.region_code.startswith(region_code))
        for (
            broadcast_id,
            region,
            key,
            text,
            run_id,
            due_at,
            recipients,
            channel,
            status,
            seen,
            n,
        ) in await session.execute(statement):
            line = lines.setdefault(
                (run_id, channel),
                RunDelivery(broadcast_id, region, key, text, due_at, recipients, channel, {}),
            )
            line.counts[status] = line.counts.get(status, 0) + int(n)
            if seen in ("delivered", "read"):
                # "read" implies delivered: both columns count it, as WhatsApp's own reports do.
                line.counts["delivered"] = line.counts.get("delivered", 0) + int(n)
                if seen == "read":
                    line.counts["read"] = line.counts.get("read", 0) + int(n)
    # Newest run first, then by channel: the same order whether a run's rows are kept or pruned.
    order = sorted(lines, key=lambda found: (-lines[found].due_at.timestamp(), -found[0], found[1]))
    return [lines[found] for found in order]
