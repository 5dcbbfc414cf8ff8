"""The reference lists an operator loads and looks up: `sigap agencies`, `contacts`, `hotlines`,
`regions`. A bad file is refused before anything is written."""

from __future__ import annotations

import argparse
import asyncio
from datetime import date
from pathlib import Path

from bot.cli.usage import UsageError
from bot.config import Settings

# bot.regions' levels (handlers.regions.levels.LEVELS), named here so the parser needs no database.
LEVEL_NAMES = ("province", "regency", "district", "village")


def arguments_agencies(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="agencies_command", required=True)
    load = sub.add_parser("import", help="replace our copy with a CSV export of the register")
    load.add_argument("file", help="CSV with a 'Nama P3MI' column (licence, address, status optional)")
    load.add_argument("--as-of", help="date of the export, YYYY-MM-DD (default: today)")


def run_agencies(args: argparse.Namespace, settings: Settings) -> int:
    print(asyncio.run(_import_agencies(settings, Path(args.file), args.as_of)))
    return 0


async def _import_agencies(settings: Settings, path: Path, as_of: str | None) -> str:
    from bot.cli.core import opened_core
    from db.agencies import read_register, replace_register

    rows = read_register(path)  # a bad file is refused before anything is written
    try:
        day = date.fromisoformat(as_of) if as_of else date.today()
    except ValueError as exc:
        raise UsageError(f"--as-of must be a date like 2026-11-01, not {as_of!r}") from exc
    async with opened_core(settings) as core, core.sessions() as session, session.begin():
        count = await replace_register(session, rows, day)
    revoked = f", {len(rows) - count} with a revoked licence kept as revoked" if len(rows) > count else ""
    return f"{count} licensed placement companies loaded{revoked} (register as of {day:%Y-%m-%d})"


def arguments_contacts(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="contacts_command", required=True)
    load = sub.add_parser("import", help="load a CSV; replaces the contacts of the regencies it names")
    load.add_argument(
        "file", help="CSV: regency_code,office,phone,whatsapp,hours,source,as_of (docs/samples/contacts.csv)"
    )


def run_contacts(args: argparse.Namespace, settings: Settings) -> int:
    print(asyncio.run(_import_contacts(settings, Path(args.file))))
    return 0


async def _import_contacts(settings: Settings, path: Path) -> str:
    from bot.cli.core import opened_core
    from db import audit
    from db.contacts import read_contacts, replace_contacts

    rows = read_contacts(path, date.today())  # a bad file is refused before anything is written
    async with opened_core(settings) as core, core.sessions() as session, session.begin():
        counts = await replace_contacts(session, rows)
        detail = f"{path.name}: " + ", ".join(f"{code} {n}" for code, n in counts.items())
        await audit.record(session, "cli", "contacts_imported", core.engine_clock(), detail=detail)
    return f"{len(rows)} contact(s) loaded for {len(counts)} regency(ies): " + ", ".join(
        f"{code} ({n})" for code, n in counts.items()
    )


def arguments_hotlines(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--language", help="id or en (default: the configured default)")
    parser.add_argument("--strict", action="store_true", help="exit with 1 when there is a warning")


def run_hotlines(args: argparse.Namespace, settings: Settings) -> int:
    """What users are shown and where it comes from, and what to re-check."""
    from ground.i18n import Content, default_content_dir
    from handlers.hotlines import national as hotlines

    content = Content.load(default_content_dir(), settings.conversation.default_language)
    max_age = settings.hotlines.max_age_days
    language = args.language or content.default_language
    lines, warnings = hotlines.listing(content, language, date.today(), max_age)
    print("\n".join(lines))
    print(
        f"\n{len(warnings)} warning(s) ([hotlines] max_age_days = {max_age}):"
        if warnings
        else "\nno warnings"
    )
    for warning in warnings:
        print(f"  ! {warning}")
    return 1 if warnings and args.strict else 0


def arguments_regions(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="regions_command", required=True)
    load = sub.add_parser("import", help="load or refresh the list (idempotent)")
    load.add_argument("file", nargs="?", help="kode,nama CSV (.csv or .csv.gz); default: the shipped list")
    search = sub.add_parser("search", help="find a region's code by name (villages as users find them)")
    search.add_argument("query", help="e.g. 'kubu raya', 'sungai kakap' or 'kakap, kubu raya'")
    search.add_argument(
        "--level", choices=LEVEL_NAMES, help="only this level (default: every level, villages last)"
    )


def run_regions(args: argparse.Namespace, settings: Settings) -> int:
    from db.regions import shipped_list

    if args.regions_command == "import":
        asyncio.run(_import_regions(settings, Path(args.file) if args.file else shipped_list()))
    else:
        asyncio.run(_search_regions(settings, args.query, args.level))
    return 0


async def _import_regions(settings: Settings, path: Path) -> None:
    from bot.cli.core import opened_core
    from db.regions import import_regions, read_region_file

    rows = read_region_file(path)  # a bad file is refused before anything is written
    async with opened_core(settings) as core, core.sessions() as session, session.begin():
        report = await import_regions(session, rows)
    print(f"{path.name}: {report.read} regions read, {report.added} new, {report.retired} no longer listed")


async def _search_regions(settings: Settings, query: str, level: str | None) -> None:
    from bot.cli.core import opened_core
    from db.regions import active_regions
    from handlers.regions.levels import LEVELS, find_regions
    from handlers.regions.search import QueryTooLong, RegionIndex

    async with opened_core(settings) as core, core.sessions() as session:
        rows = await active_regions(session)
    if not rows:
        print("no regions loaded yet: run `sigap regions import` first")
        return
    try:
        lines = [
            found.line
            for number in ([LEVELS[level]] if level else [1, 2, 3])
            if number < LEVELS["village"]
            for found in find_regions(rows, query, number, limit=10 if level else 3)
        ]
        if level in (None, "village"):
            lines += [
                f"{place.code:<14} {'village':<9} {place.label}, {place.province} ({place.zone})"
                for place in RegionIndex(rows).search(query, limit=10)
            ]
    except QueryTooLong as exc:
        raise UsageError(f"that is not a region's name ({exc})") from exc
    print("\n".join(lines) if lines else f"no {level or 'region'} found for {query!r}")
