"""Turning a due broadcast into one outbox message per subscriber, in their language."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.messages import Reply, Template
from db import broadcasts, outbox, subscriptions
from db.broadcasts import BroadcastRecord
from handlers.broadcast_schedule import Schedule
from handlers.context import Services

BATCH = 1000
PRIORITY = 1  # behind case forwards and notifications


def schedule_of(broadcast: BroadcastRecord) -> Schedule:
    return Schedule(
        broadcast.schedule, broadcast.timezone, broadcast.run_at, broadcast.weekday, broadcast.local_time
    )


def text_for(services: Services, broadcast: BroadcastRecord, language: str) -> str:
    if broadcast.library_key:
        return services.content.texts(language)(f"broadcasts.{broadcast.library_key}.text")
    return broadcast.text or ""


async def fire(
    session: AsyncSession, services: Services, broadcast: BroadcastRecord, due_at: datetime, now: datetime
) -> int | None:
    """Create the run for this due time and queue its messages, in the caller's transaction.

    Returns how many messages were queued, or None when the run existed already: the unique
    (broadcast, due time) makes a second firing, from here or another process, do nothing."""
    run_id = await broadcasts.start_run(session, broadcast.id, due_at, now)
    if run_id is None:
        return None
    audience = await subscriptions.audience(session, broadcast.region_code, broadcast.language)
    texts = {language: text_for(services, broadcast, language) for language in {a.language for a in audience}}
    queued = 0
    for start in range(0, len(audience), BATCH):
        rows = [
            {
                "key": f"bc:{run_id}:{member.user_id}",
                "channel": member.channel,
                "chat_id": member.chat_id,
                "reply": Reply(
                    texts[member.language],
                    # Subscribers seldom write: on WhatsApp most get the "broadcast" template.
                    template=Template("broadcast", member.language, (texts[member.language],)),
                ),
                "priority": PRIORITY,
                "run_id": run_id,
            }
            for member in audience[start : start + BATCH]
        ]
        queued += await outbox.enqueue_many(session, rows, now)
    await broadcasts.set_recipients(session, run_id, len(audience))
    if broadcast.schedule == "once":
        await broadcasts.set_status(session, broadcast.id, "finished")
    return queued


async def fire_due(session: AsyncSession, services: Services, now: datetime) -> int:
    """Every active broadcast whose latest due time has no run yet is fired; returns messages queued."""
    queued = 0
    for broadcast in await broadcasts.active(session):
        due = schedule_of(broadcast).latest_due(broadcast.created_at, now)
        if due is not None:
            queued += await fire(session, services, broadcast, due, now) or 0
    return queued
