"""`sigap broadcast`: create, list, pause, resume, cancel, status, and send now with a progress bar."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.cli.usage import UsageError
from bot.config import Settings
from db import audit, broadcasts, regions, subscriptions
from db.broadcasts import BroadcastRecord
from ground.i18n import Content
from handlers.broadcasts.report import delivery_table
from handlers.broadcasts.schedule import Schedule, ScheduleError, once_at, weekly
from handlers.broadcasts.sending import fire, schedule_of
from handlers.tables import to_csv, to_xlsx

if TYPE_CHECKING:
    from bot.app import Core


def library_keys(content: Content) -> list[str]:
    """The library's messages: content/<lang>/broadcasts.toml, one table per message."""
    texts = content.texts(content.default_language)
    return sorted({key.split(".")[1] for key in texts.keys() if key.startswith("broadcasts.")})


def library(core: Core, language: str | None) -> list[str]:
    """`sigap broadcast library`: each message's key, title and first line, to choose --library."""
    content = core.services.content
    if language is not None and language not in content.languages:
        raise UsageError(f"--language must be one of {', '.join(content.languages)}, not {language!r}")
    t = content.texts(language or content.default_language)
    keys = library_keys(content)
    width = max(map(len, keys), default=0)
    lines = []
    for key in keys:
        first = next((line for line in t(f"broadcasts.{key}.text").splitlines() if line.strip()), "")
        lines.append(f"{key:<{width}}  {t(f'broadcasts.{key}.title')}: {first[:70]}")
    return [*lines, f"{len(keys)} message(s); each subscriber gets one in their own language"]


async def create(
    core: Core,
    region: str | None,
    library: str | None,
    text: str | None,
    language: str | None,
    at: str | None,
    every: list[str] | None,
    everyone: bool = False,
    force: bool = False,
) -> str:
    """A new broadcast. It is aimed at a region, or at every subscriber only when asked for by
    name (everyone=True); one nobody would receive now is refused unless forced (a weekly one
    reaches those who subscribe later)."""
    content = core.services.content
    if bool(library) == bool(text):
        raise UsageError("give either --library KEY or --text TEXT")
    if region is None and not everyone:
        raise UsageError(
            "who is it for? give --region CODE (find it with `sigap regions search NAME`), "
            "or --everyone for every subscriber in the country"
        )
    if region is not None and everyone:
        raise UsageError("give --region or --everyone, not both")
    if library and library not in library_keys(content):
        keys = ", ".join(library_keys(content))
        raise UsageError(
            f"no library message {library!r}; there are: {keys} (`sigap broadcast library` shows them)"
        )
    if text and language not in content.languages:
        raise UsageError(f"a text of your own needs --language ({' or '.join(content.languages)})")
    async with core.sessions() as session, session.begin():
        if region is not None and await regions.get_region(session, region) is None:
            raise UsageError(f"no region with code {region}; find it with `sigap regions search NAME`")
        zone = regions.timezone_of(region) if region else "Asia/Jakarta"
        try:
            if every:
                schedule = weekly(every[0], every[1], zone)
            else:
                schedule = once_at(at or "", zone)
        except ScheduleError as exc:
            raise UsageError(str(exc)) from exc
        audience = await subscriptions.audience_size(session, region, language if text else None)
        if not audience and not force:
            who = f"in {region}" if region else "anywhere"
            tongue = f" reading {language}" if text else ""
            raise UsageError(
                f"nobody would receive it: 0 subscribers {who}{tongue}. Nothing was created; "
                "add --force to create it anyway (a weekly broadcast reaches those who subscribe later)"
            )
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
    return f"broadcast {record.id} created: {describe(record)}; {audience} subscriber(s) would receive it now"


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
        every = await broadcasts.progress_of(session, [record.id for record in found])
        lines = []
        for record in found:
            progress = every[record.id]
            lines.append(
                f"{record.id:>4}  {describe(record)}  | recipients {progress.recipients}, "
                f"sent {progress.sent}, pending {progress.pending}, failed {progress.failed}"
            )
    return lines or ["no broadcasts yet"]


async def set_status(core: Core, broadcast_id: int, status: str) -> str:
    async with core.sessions() as session, session.begin():
        record = await broadcasts.get(session, broadcast_id)
        if record is None:
            raise UsageError(f"no broadcast {broadcast_id}")
        await broadcasts.set_status(session, broadcast_id, status)
    return f"broadcast {broadcast_id} is now {status}"


async def send_now(core: Core, broadcast_id: int) -> str:
    """Fire a run now and deliver it from this process, showing progress until nothing is pending.
    With no messenger configured (the demo) the run is only queued: a running `sigap demo` on the
    same database shows the demo user's message."""
    from bot.channels import registry

    if not registry.configured(core.settings):
        now = core.engine_clock()
        async with core.sessions() as session:
            record = await broadcasts.get(session, broadcast_id)
        if record is None:
            raise UsageError(f"no broadcast {broadcast_id}")
        queued = await fire(core.sessions, core.services, record, now, now)
        return (
            f"queued {queued or 0} now. No Telegram or WhatsApp token here, so this process sends "
            "nothing: a running `sigap demo` on this database shows the demo user's message; "
            "`sigap run` (with a token) sends the others"
        )
    from bot.app import channels_and_sender, settle_heap

    channels, sender = channels_and_sender(core)  # before firing: tokens missing stop here
    now = core.engine_clock()
    async with core.sessions() as session:
        record = await broadcasts.get(session, broadcast_id)
    if record is None:
        raise UsageError(f"no broadcast {broadcast_id}")
    settle_heap()
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


def arguments_broadcast(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="broadcast_command", required=True)
    made = sub.add_parser("create", help="a one-off or weekly broadcast (times in the region's zone)")
    audience = made.add_mutually_exclusive_group(required=True)
    audience.add_argument("--region", help="region code (61.12 regency, 61 province, a district or village)")
    audience.add_argument("--everyone", action="store_true", help="every subscriber in the country")
    made.add_argument("--force", action="store_true", help="create it even if nobody would receive it now")
    made.add_argument(
        "--library", help="a message from content/<lang>/broadcasts.toml (each subscriber's language)"
    )
    made.add_argument("--text", help="your own text (then --language)")
    made.add_argument("--language", help="id or en, for --text")
    when = made.add_mutually_exclusive_group(required=True)
    when.add_argument("--at", help="once: 'YYYY-MM-DD HH:MM' local time")
    when.add_argument("--weekly", nargs=2, metavar=("DAY", "HH:MM"), help="every week, e.g. mon 09:00")
    shown = sub.add_parser("library", help="the library's messages (for --library)")
    shown.add_argument("--language", help="id or en (default: the configured default)")
    listed = sub.add_parser("list", help="broadcasts with their progress")
    listed.add_argument("--region")
    for name in ("pause", "resume", "cancel", "send"):
        one = sub.add_parser(name, help={"send": "fire now and deliver, with a progress bar"}.get(name, name))
        one.add_argument("id", type=int)
    status = sub.add_parser("status", help="sent / pending / failed (same as list)")
    status.add_argument("--region")
    delivered = sub.add_parser("report", help="delivery report per run and channel, as CSV or XLSX")
    delivered.add_argument("--region", help="broadcasts aimed at this region or inside it; default: all")
    delivered.add_argument("--output", required=True, help="file to write: .csv or .xlsx")


def run_broadcast(args: argparse.Namespace, settings: Settings) -> int:
    for line in asyncio.run(_broadcast(settings, args)):
        print(line)
    return 0


async def _broadcast(settings: Settings, args: argparse.Namespace) -> list[str]:
    from bot.cli.core import opened_core
    from ground.private_files import write_private

    async with opened_core(settings) as core:
        command = args.broadcast_command
        if command == "create":
            made = await create(
                core,
                args.region,
                args.library,
                args.text,
                args.language,
                args.at,
                args.weekly,
                everyone=args.everyone,
                force=args.force,
            )
            return [made]
        if command == "library":
            return library(core, args.language)
        if command in ("list", "status"):
            return await listing(core, args.region)
        if command == "send":
            return [await send_now(core, args.id)]
        if command == "report":
            content, rows = await delivery_file(core, args.region, args.output)
            await asyncio.to_thread(write_private, Path(args.output), content)
            return [f"{rows} row(s) written to {args.output}"]
        status = {"pause": "paused", "resume": "active", "cancel": "cancelled"}[command]
        return [await set_status(core, args.id, status)]
