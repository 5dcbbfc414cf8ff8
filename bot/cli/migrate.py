"""`sigap migrate`: the database schema up (or down) to a revision."""

from __future__ import annotations

import argparse
import asyncio

from bot.config import Settings


def arguments_migrate(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--revision", default="head", help="target revision (default: head)")
    parser.add_argument("--downgrade", action="store_true", help="go down to --revision instead")


def run_migrate(args: argparse.Namespace, settings: Settings) -> int:
    asyncio.run(_migrate(settings, args.revision, args.downgrade))
    return 0


async def _migrate(settings: Settings, revision: str, down: bool) -> None:
    from bot.cli.core import opened_database
    from migrations import runner as migrate

    async with opened_database(settings, apply_migrations=False) as (engine, _):
        if down:
            await migrate.downgrade(engine, revision)
        else:
            await migrate.upgrade(engine, revision)
        print(f"database at revision {await migrate.current_revision(engine)}")
