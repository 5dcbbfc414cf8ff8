"""`sigap stats`: a region's numbers in the terminal, and as an HTML page or an XLSX for meetings."""

from __future__ import annotations

import argparse
import asyncio
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.cli.usage import UsageError
from bot.config import Settings
from db import audit, regions
from handlers.statistics.export import statistics_xlsx
from handlers.statistics.figures import gather, last_days, place_names, scope_of
from handlers.statistics.html import summary_html
from handlers.statistics.text import summary_text

if TYPE_CHECKING:
    from bot.app import Core


async def report(
    core: Core,
    region: str | None,
    days: int,
    until: str | None,
    language: str | None,
    html: str | None,
    xlsx: str | None,
) -> tuple[str, dict[str, bytes]]:
    """The numbers as text, and the files asked for (path -> content) for the caller to write."""
    content = core.services.content
    language = language or content.default_language
    if language not in content.languages:
        raise UsageError(f"no language {language!r}; there are: {', '.join(content.languages)}")
    if days < 1:
        raise UsageError("--days must be 1 or more")
    t = content.texts(language)
    now = core.engine_clock()
    # Read-only, in a session of its own (db.session.create_reader): a year of the country must
    # not hold SQLite's write lock while the running bot serves its users.
    async with core.readers() as session, session.begin():
        if region is not None and await regions.get_region(session, region) is None:
            raise UsageError(f"no region with code {region}; find it with `sigap regions search`")
        scope = await scope_of(session, region, t("statistics.everywhere"))
        if until is None:
            period = last_days(now.astimezone(ZoneInfo(scope.timezone)).date(), days)
        else:
            try:
                last = date.fromisoformat(until)
            except ValueError as exc:
                raise UsageError(f"--until {until!r} is not a date like 2026-11-22") from exc
            period = last_days(last, days)
        summary = await gather(session, scope, period, now)
        names = await place_names(session, summary)
    written = [path for path in (html, xlsx) if path]
    if written:
        async with core.sessions() as session, session.begin():
            detail = f"{region or 'all'}, {days} days -> {', '.join(written)}"
            await audit.record(session, "cli", "statistics_exported", now, detail=detail)
    files: dict[str, bytes] = {}
    if html:
        from handlers.statistics.charts import weekly_chart  # matplotlib: only for the chart

        png = await asyncio.to_thread(weekly_chart, t, summary)
        files[html] = summary_html(t, summary, names, png).encode("utf-8")
    if xlsx:
        files[xlsx] = statistics_xlsx(t, summary, names)
    return summary_text(t, summary, names), files


def arguments_stats(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--region", help="regency (61.12) or province (61) code; default: the whole country")
    parser.add_argument("--days", type=int, default=7, help="how many days, up to --until (default: 7)")
    parser.add_argument("--until", help="last day, YYYY-MM-DD (default: today in the region's zone)")
    parser.add_argument("--language", help="id or en (default: the configured default)")
    parser.add_argument(
        "--html", metavar="FILE", help="also write a self-contained HTML report with the chart"
    )
    parser.add_argument("--xlsx", metavar="FILE", help="also write the numbers as an XLSX workbook")


def run_stats(args: argparse.Namespace, settings: Settings) -> int:
    from ground.private_files import write_private

    text, files = asyncio.run(_stats(settings, args))
    print(text)
    for path, data in files.items():
        write_private(Path(path), data)
        print(f"written: {path}")
    return 0


async def _stats(settings: Settings, args: argparse.Namespace) -> tuple[str, dict[str, bytes]]:
    from bot.cli.core import opened_core

    async with opened_core(settings) as core:
        return await report(core, args.region, args.days, args.until, args.language, args.html, args.xlsx)
