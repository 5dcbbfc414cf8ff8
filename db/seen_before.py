"""Queries of "seen before": record sightings of hashed identifiers, count them, list the most
seen in a region, mark and forget them. Digests come in already computed (db/identifier_keys.py)."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, bindparam, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Case, SeenIdentifier, Sighting
from db.sql import under_any

log = logging.getLogger(__name__)

MARKS = ("confirmed", "cleared")


@dataclass(frozen=True)
class Seen:
    """What is known of one identifier: sightings, regencies, since when, and the task force's mark."""

    digest: str
    kind: str
    sightings: int
    regencies: int
    since: date
    reports: int  # sightings that came from a report (a case)
    mark: str | None


@dataclass(frozen=True)
class Ranked:
    """An identifier seen in a region lately, with the region's own cases it appears in."""

    digest: str
    kind: str
    sightings: int
    regencies: int
    mark: str | None
    cases: tuple[str, ...]  # case references, the region's only


# Built once: a statement built per call costs more than SQLite's index look-up. The ORM path,
# for a backend without a driver path below.
LOOK_UP = select(
    SeenIdentifier.digest,
    SeenIdentifier.kind,
    SeenIdentifier.sightings,
    SeenIdentifier.regencies,
    SeenIdentifier.first_seen,
    SeenIdentifier.reports,
    SeenIdentifier.mark,
).where(SeenIdentifier.digest.in_(bindparam("digests", expanding=True)))
# The same query, sent to the driver itself: SQLAlchemy's async adapters pass every statement
# through several thread or greenlet hand-offs (cursor, execute, fetch, close), which cost 4 to 10
# times the index look-up (about 0.2 ms against 0.02 ms on SQLite, 0.3 ms against 0.07 ms on
# PostgreSQL, bench/seen_before.py). The ad check asks this for each ad naming a stored identifier.
DRIVER_KEY = "seen_before.driver"  # in Session.info: (transaction, backend, driver connection)
LOOK_UP_SQL = (
    "SELECT digest, kind, sightings, regencies, first_seen, reports, mark FROM seen_identifiers "
    "WHERE digest IN ({})"
)


@lru_cache(maxsize=32)
def _look_up_sql(dialect: str, count: int) -> str:
    marks = (f"${n}" for n in range(1, count + 1)) if dialect == "postgresql" else ("?" for _ in range(count))
    return LOOK_UP_SQL.format(", ".join(marks))


async def _driver(session: AsyncSession) -> tuple[str, Any]:
    """The backend's name and the driver's connection the session's transaction holds. Kept in
    the session for that transaction: asking SQLAlchemy again costs several times the look-up
    (0.06-0.1 ms in the ad check, bench/seen_before.py)."""
    transaction = session.sync_session.get_transaction()
    kept = session.info.get(DRIVER_KEY)
    if kept is not None and transaction is not None and kept[0] is transaction and transaction.is_active:
        return kept[1], kept[2]
    connection = await session.connection()
    driver = (await connection.get_raw_connection()).driver_connection
    kept = (session.sync_session.get_transaction(), connection.dialect.name, driver)
    session.info[DRIVER_KEY] = kept
    return kept[1], kept[2]


async def look_up(session: AsyncSession, digests: Sequence[str]) -> dict[str, Seen]:
    """The identifiers stored under any of these digests (one query, by the unique index), read
    in the session's transaction (after its pending changes are flushed, as the ORM would)."""
    if not digests:
        return {}
    unique = list(dict.fromkeys(digests))
    if session.new or session.dirty or session.deleted:  # a flush on a clean session still costs
        await session.flush()
    dialect, driver = await _driver(session)
    sql = _look_up_sql(dialect, len(unique))
    try:
        if dialect == "sqlite":  # aiosqlite; dates come as SQLAlchemy stores them, "YYYY-MM-DD"
            rows = await driver.execute_fetchall(sql, unique)
            return {
                digest: Seen(digest, kind, sightings, regencies, date.fromisoformat(since), reports, mark)
                for digest, kind, sightings, regencies, since, reports, mark in rows
            }
        if dialect == "postgresql":  # asyncpg
            return {row[0]: Seen(*row) for row in await driver.fetch(sql, *unique)}
    except Exception as error:  # asked again below, where errors are SQLAlchemy's
        # The driver's own error (sqlite3's, asyncpg's) would escape the chat engine's test of a
        # failed database (bot/engine.py) and the pool's of a dropped connection: the ORM asks
        # again, and either answers or raises what SQLAlchemy makes of the failure.
        log.warning(
            "seen-before look-up through the driver failed (%s); through SQLAlchemy", type(error).__name__
        )
        session.info.pop(DRIVER_KEY, None)
    return {row[0]: Seen(*row) for row in await session.execute(LOOK_UP, {"digests": unique})}


async def record(
    session: AsyncSession,
    sightings: Mapping[str, tuple[str, Sequence[str]]],
    day: date,
    regency_code: str | None,
    risk: str | None,
    case_id: int | None = None,
) -> None:
    """One sighting per identifier. `sightings`: first-key digest -> (kind, digests under older
    keys); a row found under an older key is re-keyed to the first key's digest."""
    everything = [d for digest, (_, older) in sightings.items() for d in (digest, *older)]
    stored = {
        row.digest: row
        for row in (
            await session.execute(select(SeenIdentifier).where(SeenIdentifier.digest.in_(everything)))
        ).scalars()
    }
    for digest, (kind, older) in sightings.items():
        row = stored.get(digest) or next((stored[d] for d in older if d in stored), None)
        if row is None:
            row = SeenIdentifier(digest=digest, kind=kind, first_seen=day, last_seen=day)
            session.add(row)
            await session.flush()
        else:
            row.digest = digest
            row.first_seen = day if not row.sightings else min(row.first_seen, day)
            row.last_seen = max(row.last_seen, day)
        session.add(
            Sighting(identifier_id=row.id, seen_on=day, regency_code=regency_code, risk=risk, case_id=case_id)
        )
        await session.flush()
        # Recomputed rather than incremented: two processes recording at once still end right.
        counts = (
            await session.execute(
                select(
                    func.count(Sighting.id),
                    func.count(func.distinct(Sighting.regency_code)),
                    func.count(Sighting.id).filter(Sighting.risk.is_(None)),
                ).where(Sighting.identifier_id == row.id)
            )
        ).one()
        row.sightings, row.regencies, row.reports = counts


def _in_region(region_code: str | None) -> ColumnElement[bool]:
    return Sighting.regency_code.startswith(region_code) if region_code else Sighting.id.is_not(None)


async def most_seen(
    session: AsyncSession, region_code: str | None, since: date, limit: int = 10
) -> list[Ranked]:
    """The identifiers seen most in a region (a regency or province code prefix; None: the whole
    country) since a day, with the references of the region's own cases they appear in."""
    in_region = _in_region(region_code)
    rows = (
        await session.execute(
            select(
                SeenIdentifier.id,
                SeenIdentifier.digest,
                SeenIdentifier.kind,
                SeenIdentifier.mark,
                func.count(Sighting.id),
                func.count(func.distinct(Sighting.regency_code)),
            )
            .join(Sighting, Sighting.identifier_id == SeenIdentifier.id)
            .where(in_region, Sighting.seen_on >= since)
            .group_by(SeenIdentifier.id)
            .order_by(func.count(Sighting.id).desc(), SeenIdentifier.id)
            .limit(limit)
        )
    ).all()
    ids = [row[0] for row in rows]
    cases: dict[int, list[str]] = {}
    if ids:
        case_rows = await session.execute(
            select(Sighting.identifier_id, Case.reference)
            .join(Case, Case.id == Sighting.case_id)
            .where(
                Sighting.identifier_id.in_(ids), in_region, Case.regency_code.startswith(region_code or "")
            )
            .order_by(Case.reference)
        )
        for identifier_id, reference in case_rows:
            if reference not in cases.setdefault(identifier_id, []):
                cases[identifier_id].append(reference)
    return [
        Ranked(digest, kind, count, regencies, mark, tuple(cases.get(identifier_id, ())))
        for identifier_id, digest, kind, mark, count, regencies in rows
    ]


async def most_seen_of_regions(
    session: AsyncSession, region_codes: Sequence[str], since: date, limit: int = 10
) -> dict[str, list[Ranked]]:
    """most_seen of every region (the weekly digest), in two queries: sightings counted per
    regency and identifier, summed into each region here, then the cases of the top identifiers."""
    found: dict[str, list[Ranked]] = {code: [] for code in region_codes}
    if not region_codes:
        return found
    # Each sighting's regency against the regions (db.sql.under_any: no chain of LIKEs).
    under = under_any(Sighting.regency_code, region_codes)
    rows = await session.execute(
        select(
            Sighting.regency_code,
            SeenIdentifier.id,
            SeenIdentifier.digest,
            SeenIdentifier.kind,
            SeenIdentifier.mark,
            func.count(Sighting.id),
        )
        .join(Sighting, Sighting.identifier_id == SeenIdentifier.id)
        .where(under, Sighting.seen_on >= since)
        .group_by(
            Sighting.regency_code,
            SeenIdentifier.id,
            SeenIdentifier.digest,
            SeenIdentifier.kind,
            SeenIdentifier.mark,
        )
    )
    # region -> identifier -> (digest, kind, mark, sightings, regencies)
    counted: dict[str, dict[int, list[Any]]] = {code: {} for code in region_codes}
    for regency, identifier_id, digest, kind, mark, n in rows:
        for code in region_codes:
            if str(regency).startswith(code):
                entry = counted[code].setdefault(identifier_id, [digest, kind, mark, 0, 0])
                entry[3] += int(n)
                entry[4] += 1
    tops = {
        code: sorted(by_id.items(), key=lambda item: (-item[1][3], item[0]))[:limit]
        for code, by_id in counted.items()
    }
    ids = sorted({identifier_id for top in tops.values() for identifier_id, _ in top})
    references: list[tuple[int, str | None, str, str]] = []
    for first in range(0, len(ids), 500):
        references += [
            (int(identifier_id), seen_in, str(case_regency), str(reference))
            for identifier_id, seen_in, case_regency, reference in await session.execute(
                select(Sighting.identifier_id, Sighting.regency_code, Case.regency_code, Case.reference)
                .join(Case, Case.id == Sighting.case_id)
                .where(Sighting.identifier_id.in_(ids[first : first + 500]))
                .order_by(Case.reference)
            )
        ]
    for code, top in tops.items():
        mine = {identifier_id for identifier_id, _ in top}
        cases: dict[int, list[str]] = {}
        for identifier_id, seen_in, case_regency, reference in references:
            if identifier_id not in mine or not (seen_in or "").startswith(code):
                continue
            if case_regency.startswith(code) and reference not in cases.setdefault(identifier_id, []):
                cases[identifier_id].append(reference)
        found[code] = [
            Ranked(digest, kind, count, regencies, mark, tuple(cases.get(identifier_id, ())))
            for identifier_id, (digest, kind, mark, count, regencies) in top
        ]
    return found


async def set_mark(
    session: AsyncSession, kind: str, digests: Sequence[str], mark: str | None, day: date
) -> bool:
    """Marks the identifier stored under one of these digests; one never seen is stored with its
    mark, so the task force's finding holds from its first sighting."""
    found = (
        await session.execute(select(SeenIdentifier).where(SeenIdentifier.digest.in_(list(digests))))
    ).scalar_one_or_none()
    if found is None:
        if mark is None:
            return False
        found = SeenIdentifier(digest=digests[0], kind=kind, first_seen=day, last_seen=day)
        session.add(found)
    found.mark, found.marked_on = mark, (day if mark else None)
    return True


async def forget_unseen(session: AsyncSession, unseen_since: date) -> int:
    """Identifiers not seen since the day, with their sightings; cleared ones stay cleared (only
    their sightings go). Returns how many identifiers were deleted."""
    old = select(SeenIdentifier.id).where(SeenIdentifier.last_seen < unseen_since)
    await session.execute(delete(Sighting).where(Sighting.identifier_id.in_(old)))
    await session.execute(
        update(SeenIdentifier)
        .where(SeenIdentifier.last_seen < unseen_since)
        .values(sightings=0, regencies=0, reports=0)
    )
    result = await session.execute(
        delete(SeenIdentifier).where(
            SeenIdentifier.last_seen < unseen_since,
            SeenIdentifier.mark.is_(None) | (SeenIdentifier.mark != "cleared"),
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def digests_with_code(session: AsyncSession, code: str) -> list[str]:
    """The digests that start with a short code shown in a listing ("#3f9a1c2e")."""
    code = code.lstrip("#").lower()
    if len(code) < 8 or any(c not in "0123456789abcdef" for c in code):
        return []
    rows = await session.execute(
        select(SeenIdentifier.digest).where(SeenIdentifier.digest.startswith(code)).limit(2)
    )
    return list(rows.scalars())


async def kind_of(session: AsyncSession, digest: str) -> str:
    found = await session.execute(select(SeenIdentifier.kind).where(SeenIdentifier.digest == digest))
    return found.scalar_one_or_none() or ""
