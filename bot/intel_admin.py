"""`sigap intel`: "seen before" at the terminal: the identifiers seen most (list, export as CSV)
and the task force's marks. Every view and mark is audited as the CLI's."""

from __future__ import annotations

from datetime import timedelta

from bot.app import Core
from bot.config import ConfigError
from db import audit, seen_before
from db.identifier_keys import IdentifierKeys
from handlers.seen_before import calo
from handlers.tables import to_csv


def _keys(core: Core) -> IdentifierKeys:
    if core.services.seen_keys is None:
        raise ConfigError("set SIGAP_SEEN_KEYS first (`sigap keys new` prints a key)")
    return core.services.seen_keys


async def _ranked(
    core: Core, region: str | None, days: int, limit: int, action: str
) -> list[seen_before.Ranked]:
    if days < 1:
        raise ConfigError("--days must be 1 or more")
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
        raise ConfigError(
            f"nothing to mark: {typed!r} is not a number, link, @account, company or a listed #code"
        )
    return f"#{marked}: {mark}"
