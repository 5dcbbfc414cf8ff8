"""Sent messages older than the retention leave the outbox (idle polls stay cheap at a million
sent), and only those: pending, failed and recent ones stay; a broadcast's progress and delivery
report count the pruned ones as before."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import build_services
from bot.config import Settings
from bot.scheduler import Jobs
from db import broadcasts, outbox
from db.models import OutboxMessage
from tests.harness import FakeClock

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
OLD, RECENT = NOW - timedelta(days=40), NOW - timedelta(days=2)
# (name, status, sent_at, delivery_status, in the run)
MESSAGES = [
    ("old-sent-1", "sent", OLD, None, True),
    ("old-sent-2", "sent", OLD + timedelta(hours=1), "delivered", True),
    ("old-sent-3", "sent", OLD + timedelta(hours=2), "read", True),
    ("old-sent-wa", "sent", OLD, "read", True),
    ("old-forward", "sent", OLD, None, False),  # a case forward: no run
    ("recent-sent", "sent", RECENT, "delivered", True),
    ("old-failed", "failed", None, "failed", True),
    ("old-pending", "pending", None, None, True),
]
PRUNED = {"old-sent-1", "old-sent-2", "old-sent-3", "old-sent-wa", "old-forward"}


async def seed(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session, session.begin():
        record = await broadcasts.create_library_once(session, "red_flags", None, OLD, "test")
        run_id = await broadcasts.start_run(session, record.id, OLD, OLD)
        assert run_id is not None
        await broadcasts.set_recipients(session, run_id, 7)
        for name, status, sent_at, seen, in_run in MESSAGES:
            session.add(
                OutboxMessage(
                    idempotency_key=name,
                    channel="whatsapp" if name.endswith("-wa") else "telegram",
                    chat_id=name,
                    payload={},
                    status=status,
                    attempts=1,
                    next_attempt_at=OLD,
                    created_at=OLD,
                    sent_at=sent_at,
                    priority=1 if in_run else 0,
                    run_id=run_id if in_run else None,
                    delivery_status=seen,
                )
            )
        return record.id


async def kept(sessions: async_sessionmaker[AsyncSession]) -> set[str]:
    async with sessions() as session:
        return set((await session.execute(select(OutboxMessage.idempotency_key))).scalars())


async def test_only_sent_messages_older_than_the_cut_off_are_pruned_and_still_counted(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    broadcast_id = await seed(sessions)
    async with sessions() as session:
        progress_before = await broadcasts.progress(session, broadcast_id)
        report_before = await broadcasts.delivery_report(session, None)
    assert progress_before == broadcasts.Progress(7, 5, 1, 1)
    pruned = []
    while True:  # two at a time: the batches add up
        async with sessions() as session, session.begin():
            pruned.append(await outbox.prune_sent(session, NOW - timedelta(days=30), 2))
        if pruned[-1] < 2:
            break
    assert pruned == [2, 2, 1]
    assert await kept(sessions) == {name for name, *_ in MESSAGES} - PRUNED
    async with sessions() as session:
        assert await broadcasts.progress(session, broadcast_id) == progress_before
        assert await broadcasts.delivery_report(session, None) == report_before
        report = {line.channel: line.counts for line in report_before}
    assert report["telegram"] == {"sent": 4, "delivered": 3, "read": 1, "failed": 1, "pending": 1}
    assert report["whatsapp"] == {"sent": 1, "delivered": 1, "read": 1}


async def test_the_hourly_job_keeps_the_configured_days(sessions: async_sessionmaker[AsyncSession]) -> None:
    await seed(sessions)
    services = build_services(Settings())
    # 45 days kept: nothing is old enough; 1 day: the recent one goes too.
    assert (
        await Jobs(sessions, FakeClock(NOW), replace(services, sent_retention_days=45)).prune_sent_messages()
        == 0
    )
    assert (
        await Jobs(sessions, FakeClock(NOW), replace(services, sent_retention_days=1)).prune_sent_messages()
        == 6
    )
    assert await kept(sessions) == {"old-failed", "old-pending"}
