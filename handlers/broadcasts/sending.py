"""Turning a due broadcast into one outbox message per subscriber, in their language.

The fan-out goes a page of subscribers at a time, each page in its own transaction (db.fan_out):
memory stays flat at a million subscribers, the outbox sender starts on the first page while the
rest is queued, and a run cut short by a crash is continued by the next tick, here or elsewhere."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import broadcasts, fan_out, outbox
from db.broadcasts import BroadcastRecord
from ground.messages import Reply, Template
from handlers.broadcasts.schedule import Schedule
from handlers.context import Services

PAGE = 5000
PRIORITY = 1  # behind case forwards and notifications


def schedule_of(broadcast: BroadcastRecord) -> Schedule:
    return Schedule(
        broadcast.schedule, broadcast.timezone, broadcast.run_at, broadcast.weekday, broadcast.local_time
    )


def text_for(services: Services, broadcast: BroadcastRecord, language: str) -> str:
    if broadcast.library_key:
        return services.content.texts(language)(f"broadcasts.{broadcast.library_key}.text")
    return broadcast.text or ""


def message_for(services: Services, broadcast: BroadcastRecord, language: str) -> Reply:
    text = text_for(services, broadcast, language)
    # Subscribers seldom write: on WhatsApp most get the "broadcast" template.
    return Reply(text, template=Template("broadcast", language, (text,)))


async def start(
    session: AsyncSession, broadcast: BroadcastRecord, due_at: datetime, now: datetime
) -> int | None:
    """The run for this due time, in the caller's transaction; None when it existed already: the
    unique (broadcast, due time) makes a second firing, from here or another process, do nothing."""
    run_id = await broadcasts.start_run(session, broadcast.id, due_at, now)
    if run_id is not None and broadcast.schedule == "once":
        await broadcasts.set_status(session, broadcast.id, "finished")
    return run_id


async def queue_run(
    sessions: async_sessionmaker[AsyncSession],
    services: Services,
    broadcast: BroadcastRecord,
    run_id: int,
    after: int,
    now: datetime,
    page: int = PAGE,
) -> int:
    """Queues the run's messages to the subscribers after user id `after`, a page per transaction;
    returns how many were queued."""
    content = services.content
    others = [language for language in content.languages if language != content.default_language]
    wanted: list[tuple[str, list[str]]]
    if broadcast.language is not None:
        # One language for all; a subscriber in another gets nothing (as the preview counted).
        wanted = [(broadcast.language, [])]
    else:
        # Each in their own language; a language without texts gets the default one.
        wanted = [(language, []) for language in others]
        wanted.append((content.default_language, others))
    payloads = {language: outbox.encode(message_for(services, broadcast, language)) for language, _ in wanted}
    queued = 0
    while True:
        async with sessions() as session, session.begin():
            through = await fan_out.page_end(session, broadcast.region_code, broadcast.language, after, page)
            in_page = 0
            for language, excluded in wanted:
                in_page += await fan_out.queue_page(
                    session,
                    run_id,
                    broadcast.region_code,
                    language,
                    excluded,
                    payloads[language],
                    after,
                    through,
                    PRIORITY,
                    now,
                )
            await fan_out.mark(session, run_id, through, in_page)
        queued += in_page
        if through is None:
            return queued
        after = through


async def fire(
    sessions: async_sessionmaker[AsyncSession],
    services: Services,
    broadcast: BroadcastRecord,
    due_at: datetime,
    now: datetime,
) -> int | None:
    """Create the run for this due time and queue its messages. Returns how many were queued, or
    None when the run existed already."""
    async with sessions() as session, session.begin():
        run_id = await start(session, broadcast, due_at, now)
    if run_id is None:
        return None
    return await queue_run(sessions, services, broadcast, run_id, 0, now)


async def fire_due(sessions: async_sessionmaker[AsyncSession], services: Services, now: datetime) -> int:
    """Runs cut short are continued, then every active broadcast whose latest due time has no run
    yet is fired; returns messages queued."""
    queued = 0
    async with sessions() as session:
        cut_short = await fan_out.unfinished(session)
    for run in cut_short:
        async with sessions() as session:
            broadcast = await broadcasts.get(session, run.broadcast_id)
        if broadcast is not None:
            queued += await queue_run(sessions, services, broadcast, run.run_id, run.queued_through, now)
    async with sessions() as session:
        due_now = await broadcasts.active(session)
    for broadcast in due_now:
        due = schedule_of(broadcast).latest_due(broadcast.created_at, now)
        if due is not None:
            queued += await fire(sessions, services, broadcast, due, now) or 0
    return queued
