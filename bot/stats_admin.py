"""`sigap stats`: a region's numbers in the terminal, and as an HTML page or an XLSX for meetings."""

from __future__ import annotations

import asyncio
from datetime import date
from zoneinfo import ZoneInfo

from bot.app import Core
from bot.config import ConfigError
from db import audit, regions
from handlers.statistics.charts import weekly_chart
from handlers.statistics.export import statistics_xlsx
from handlers.statistics.figures import gather, last_days, place_names, scope_of
from handlers.statistics.html import summary_html
from handlers.statistics.text import summary_text


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
        raise ConfigError(f"no language {language!r}; there are: {', '.join(content.languages)}")
    if days < 1:
        raise ConfigError("--days must be 1 or more")
    t = content.texts(language)
    now = core.engine_clock()
    async with core.sessions() as session, session.begin():
        if region is not None and await regions.get_region(session, region) is None:
            raise ConfigError(f"no region with code {region}; find it with `sigap regions search`")
        scope = await scope_of(session, region, t("statistics.everywhere"))
        if until is None:
            period = last_days(now.astimezone(ZoneInfo(scope.timezone)).date(), days)
        else:
            try:
                last = date.fromisoformat(until)
            except ValueError as exc:
                raise ConfigError(f"--until {until!r} is not a date like 2026-11-22") from exc
            period = last_days(last, days)
        summary = await gather(session, scope, period, now)
        names = await place_names(session, summary)
        written = [path for path in (html, xlsx) if path]
        if written:
            detail = f"{region or 'all'}, {days} days -> {', '.join(written)}"
            await audit.record(session, "cli", "statistics_exported", now, detail=detail)
    files: dict[str, bytes] = {}
    if html:
        png = await asyncio.to_thread(weekly_chart, t, summary)
        files[html] = summary_html(t, summary, names, png).encode("utf-8")
    if xlsx:
        files[xlsx] = statistics_xlsx(t, summary, names)
    return summary_text(t, summary, names), files
