"""`sigap broadcast`: create, list, pause, resume, cancel, status, and send now with a progress bar."""

from __future__ import annotations

import asyncio
import sys
from zoneinfo import ZoneInfo

from bot.app import Core, configured_channels, outbox_sender
from bot.channels.base import Channel
from bot.config import ConfigError
from db import audit, broadcasts, regions
from db.broadcasts import BroadcastRecord
from handlers.broadcast_report import delivery_table
from handlers.broadcast_schedule import Schedule, ScheduleError, once_at, weekly
from handlers.broadcasting import fire, schedule_of
from handlers.tables import to_csv, to_xlsx


async def create(
    core: Core,
    region: str | None,
    library: str | None,
    text: str | None,
    language: str | None,
    at: str | None,
    every: list[str] | None,
) -> str:
    content = core.services.content
    if bool(library) == bool(text):
        raise ConfigError("give either --library KEY or --text TEXT")
    if library and not content.texts(content.default_language).has(f"broadcasts.{library}.text"):
        keys = sorted(
            {
                k.split(".")[1]
                for k in content.texts(content.default_language).keys()
                if k.startswith("broadcasts.")
            }
        )
        raise ConfigError(f"no library message {library!r}; there are: {', '.join(keys)}")
    if text and language not in content.languages:
        raise ConfigError(f"a text of your own needs --language ({' or '.join(content.languages)})")
    async with core.sessions() as session, session.begin():
        if region is not None and await regions.get_region(session, region) is None:
            raise ConfigError(f"no region with code {region}; find it with `sigap regions search`")
        zone = regions.timezone_of(region) if region else "Asia/Jakarta"
        try:
            if every:
                schedule = weekly(every[0], every[1], zone)
            else:
                schedule = once_at(at or "", zone)
        except ScheduleError as exc:
            raise ConfigError(str(exc)) from exc
        record = await broadcasts.create(
            session,
            created_by="cli",
            region_code=region,
            language=language if text else None,
            library_key=library,
            text=text,
            schedule=schedule.kind,
            run_at=schedule.run_at,
            weekday=schedule.weekday,
            local_time=schedule.local_time,
            timezone=zone,
            created_at=core.engine_clock(),
        )
    return f"broadcast {record.id} created: {describe(record)}"


def describe(record: BroadcastRecord) -> str:
    what = f"library:{record.library_key}" if record.library_key else f"text ({record.language})"
    where = record.region_code or "everyone"
    schedule: Schedule = schedule_of(record)
    if schedule.kind == "once" and schedule.run_at is not None:
        when = schedule.run_at.astimezone(ZoneInfo(record.timezone)).strftime("%Y-%m-%d %H:%M %Z")
    else:
        days = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
        zone = regions.ZONE_ABBREVIATIONS[record.timezone]
        when = f"every {days[record.weekday or 0]} {record.local_time} ({zone})"
    return f"{what} to {where}, {when}, {record.status}"


async def delivery_file(core: Core, region: str | None, output: str) -> tuple[bytes, int]:
    """The delivery report as the file the name asks for (.csv, else XLSX), and its row count."""
    texts = core.services.content.texts(core.services.content.default_language)
    async with core.sessions() as session, session.begin():
        lines = await broadcasts.delivery_report(session, region)
        detail = f"{len(lines)} rows: {region or 'all'} -> {output}"
        await audit.record(session, "cli", "broadcasts_exported", core.engine_clock(), detail=detail)
    table = delivery_table(texts, lines)
    content = to_csv(table) if output.lower().endswith(".csv") else to_xlsx([("deliveries", table)])
    return content, len(lines)


async def listing(core: Core, region: str | None) -> list[str]:
    async with core.sessions() as session:
        found = await broadcasts.listing(session, region)
        lines = []
        for record in found:
            progress = await broadcasts.progress(session, record.id)
            lines.append(
                f"{record.id:>4}  {describe(record)}  | recipients {progress.recipients}, "
                f"sent {progress.sent}, pending {progress.pending}, failed {progress.failed}"
            )
    return lines or ["no broadcasts yet"]


async def set_status(core: Core, broadcast_id: int, status: str) -> str:
    async with core.sessions() as session, session.begin():
        record = await broadcasts.get(session, broadcast_id)
        if record is None:
            raise ConfigError(f"no broadcast {broadcast_id}")
        await broadcasts.set_status(session, broadcast_id, status)
    return f"broadcast {broadcast_id} is now {status}"


async def send_now(core: Core, broadcast_id: int) -> str:
    """Fire a run now and deliver it from this process, showing progress until nothing is pending."""
    channels: dict[str, Channel] = {}
    sender = outbox_sender(core, channels)
    channels.update(configured_channels(core, sender.wake))  # before firing: tokens missing stop here
    now = core.engine_clock()
    async with core.sessions() as session:
        record = await broadcasts.get(session, broadcast_id)
    if record is None:
        raise ConfigError(f"no broadcast {broadcast_id}")
    sender.start()
    try:
        # The first pages go out while the rest is queued.
        queued = await fire(core.sessions, core.services, record, now, now)
        while True:
            async with core.sessions() as session:
                progress = await broadcasts.progress(session, broadcast_id)
            done = progress.sent + progress.failed
            total = max(progress.sent + progress.failed + progress.pending, 1)
            bar = "#" * int(40 * done / total)
            sys.stdout.write(f"\r[{bar:<40}] {done}/{total} sent {progress.sent} failed {progress.failed}")
            sys.stdout.flush()
            if progress.pending == 0:
                break
            await asyncio.sleep(0.5)
    finally:
        await sender.stop()
        for channel in channels.values():
            await channel.close()
    sys.stdout.write("\n")
    return f"queued {queued or 0} now; in all: sent {progress.sent}, failed {progress.failed}"
