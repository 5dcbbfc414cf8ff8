"""`sigap demo`: chat with the real engine in this terminal, as a villager or as a coordinator."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING

from bot.config import Settings

if TYPE_CHECKING:
    from bot.app import Core
    from bot.channels.console import ConsoleChannel
    from bot.outbox import OutboxSender

# The regency the demo's coordinator looks after (Kubu Raya, in the shipped list of regions).
DEMO_REGENCY = "61.12"


def arguments_demo(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database", help="SQLite file for the demo (default: sqlite_path from the config)")
    parser.add_argument(
        "--as",
        dest="role",
        choices=["villager", "coordinator"],
        default="villager",
        help="coordinator: you also coordinate the task force of a demo regency, to try /kasus, "
        "/statistik, /calo and the reports forwarded to you",
    )
    parser.add_argument(
        "--region", default=DEMO_REGENCY, help=f"with --as coordinator: the regency (default {DEMO_REGENCY})"
    )


def run_demo(args: argparse.Namespace, settings: Settings) -> int:
    if args.database:
        settings = settings.model_copy(update={"database_url": None})
        settings.database.sqlite_path = args.database
    asyncio.run(_demo(settings, args.region if args.role == "coordinator" else None))
    return 0


async def _demo(settings: Settings, coordinator_of: str | None) -> None:
    from bot.channels.console import ConsoleChannel
    from bot.cli.core import opened_core

    async with opened_core(settings) as core:
        banner = core.services.content.texts(core.services.content.default_language)("console.banner")
        channel = ConsoleChannel(core.engine, sys.stdin, sys.stdout, max_picture_bytes=settings.ocr.max_bytes)
        if coordinator_of is not None:
            banner += "\n" + await _make_coordinator(core, channel, coordinator_of)
        sender = demo_sender(core, channel)
        sender.start()
        try:
            await channel.run(banner)
        finally:
            await sender.stop()


async def _make_coordinator(core: Core, channel: ConsoleChannel, region: str) -> str:
    """The console's user gets the coordinator role for the region, as `sigap admin grant` gives it."""
    from bot.cli import admin
    from db.roles import Role

    done = await admin.grant(core, Role.COORDINATOR, f"console:{channel.user_id}", region)
    return done.splitlines()[0]


def demo_sender(core: Core, console: ConsoleChannel) -> OutboxSender:
    """What the outbox holds for the demo's user (a broadcast, a case forwarded to a demo
    coordinator, a reporter's update) appears in the terminal as it would arrive on a phone."""
    from bot.app import retry_policy
    from bot.outbox import OutboxSender

    sender = OutboxSender(
        core.sessions,
        {console.name: console},
        retry_policy(core.settings),
        core.engine_clock,
        per_chat_interval=0,
    )
    core.engine.on_queued(sender.wake)
    return sender
