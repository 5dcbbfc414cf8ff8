"""`sigap intel`: "seen before" at the terminal: the identifiers seen most (list, export as CSV)
and the task force's marks. Every view and mark is audited as the CLI's."""

from __future__ import annotations

import argparse
import asyncio
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.usage import UsageError
from bot.config import ConfigError, Settings
from db import audit, seen_before
from db.identifier_keys import IdentifierKeys
from handlers.seen_before import calo
from handlers.tables import to_csv

if TYPE_CHECKING:
    from bot.app import Core


def _keys(core: Core) -> IdentifierKeys:
    if core.services.seen_keys is None:
        raise ConfigError("set SIGAP_SEEN_KEYS first (`sigap keys new` prints a key)")
    return core.services.seen_keys


async def _ranked(
    core: Core, region: str | None, days: int, limit: int, action: str
) -> list[seen_before.Ranked]:
    if days < 1:
        raise UsageError("--days must be 1 or more")
    now = core.engine_clock()
    async with core.sessions() as session, session.begin():
        ranked = await seen_before.most_seen(session, region, now.date() - timedelta(days=days), limit)
        detail = f"{region or 'all'}, {days} days, {len(ranked)} rows"
        await audit.record(session, "cli", action, now, detail=detail)
    return ranked


async def listing(core: Core, region: str | None, days: int, limit: int) -> list[str]:
    t = core.services.content.texts(core.services.content.default_language)
    ranked = await _ranked(core, region, days, limit, "seen_listed")
    if not ranked:
        return [t("seen.calo.none", region=region or t("statistics.everywhere"), days=days)]
    return [
        t("seen.calo.title", region=region or t("statistics.everywhere"), days=days),
        *calo.ranked_lines(t, ranked),
    ]


async def export(core: Core, region: str | None, days: int, limit: int) -> tuple[bytes, int]:
    ranked = await _ranked(core, region, days, limit, "seen_exported")
    table: list[list[str | int]] = [["code", "kind", "sightings", "regencies", "mark", "cases"]]
    table += [
        [calo.code(r.digest), r.kind, r.sightings, r.regencies, r.mark or "", " ".join(r.cases)]
        for r in ranked
    ]
    return to_csv(table), len(ranked)


async def mark(core: Core, mark: str, typed: str) -> str:
    keys = _keys(core)
    now = core.engine_clock()
    chosen = None if mark == "none" else mark
    async with core.sessions() as session, session.begin():
        marked = await calo.set_mark(session, keys, typed, chosen, "cli", now, now.date())
    if marked is None:
        raise UsageError(
            f"nothing to mark: {typed!r} is not a number, link, @account, company or a listed #code"
        )
    return f"#{marked}: {mark}"


def arguments_intel(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="intel_command", required=True)
    for name, what in (("list", "the identifiers seen most"), ("export", "the same as CSV")):
        command = sub.add_parser(name, help=what)
        command.add_argument("--region", help="regency (61.12) or province (61) code; default: everywhere")
        command.add_argument("--days", type=int, default=calo.DAYS, help=f"default {calo.DAYS}")
        command.add_argument("--limit", type=int, default=50, help="rows (default 50)")
        if name == "export":
            command.add_argument("--output", required=True, help="CSV file to write")
    marking = sub.add_parser("mark", help="the task force's finding: confirmed, cleared, or none")
    marking.add_argument("mark", choices=["confirmed", "cleared", "none"])
    marking.add_argument("identifier", help="a number, link, @account, company, or a listed #code")


def run_intel(args: argparse.Namespace, settings: Settings) -> int:
    print(asyncio.run(_intel(settings, args)))
    return 0


async def _intel(settings: Settings, args: argparse.Namespace) -> str:
    from bot.cli.core import opened_core
    from ground.private_files import write_private

    async with opened_core(settings) as core:
        if args.intel_command == "mark":
            return await mark(core, args.mark, args.identifier)
        if args.intel_command == "list":
            return "\n".join(await listing(core, args.region, args.days, args.limit))
        content, rows = await export(core, args.region, args.days, args.limit)
    write_private(Path(args.output), content)
    return f"{rows} row(s) written to {args.output}"
