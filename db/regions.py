"""Indonesian regions: importing the official Kemendagri list and reading it back."""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Region
from db.sql import dialect_of, insert_for, run

SHIPPED_LIST = "wilayah_kepmendagri_2025.csv.gz"
BATCH = 2000

# Indonesia's three time zones follow province borders (Kemendagri province codes).
WITA_PROVINCES = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
WIT_PROVINCES = {"81", "82", "91", "92", "93", "94", "95", "96"}
ZONE_ABBREVIATIONS = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


class RegionListError(ValueError):
    """The file is not a usable region list; the message names the line."""


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    level: int
    parent_code: str | None
    timezone: str


@dataclass(frozen=True)
class ImportReport:
    read: int
    added: int
    retired: int


def shipped_list() -> Path:
    return Path(str(resources.files("db") / "data" / SHIPPED_LIST))


def timezone_of(code: str) -> str:
    province = code[:2]
    if province in WIT_PROVINCES:
        return "Asia/Jayapura"
    if province in WITA_PROVINCES:
        return "Asia/Makassar"
    return "Asia/Jakarta"


def parse_region_list(lines: Iterable[str]) -> Iterator[RegionRow]:
    """Rows of a `kode,nama` CSV (the Kemendagri list); refuses what is not one."""
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None or [h.strip().lower() for h in header[:2]] != ["kode", "nama"]:
        raise RegionListError("line 1: expected the header 'kode,nama'")
    for number, record in enumerate(reader, start=2):
        if not record:
            continue
        if len(record) != 2 or not record[0].strip() or not record[1].strip():
            raise RegionListError(f"line {number}: expected 'kode,nama'")
        code, name = record[0].strip(), record[1].strip()
        parts = code.split(".")
        if not all(p.isdigit() for p in parts) or len(parts) > 4 or len(code) > 16:
            raise RegionListError(f"line {number}: {code!r} is not a Kemendagri code")
        yield RegionRow(code, name, len(parts), ".".join(parts[:-1]) or None, timezone_of(code))


def read_region_file(path: Path) -> list[RegionRow]:
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as raw:
            return list(parse_region_list(io.TextIOWrapper(raw, encoding="utf-8-sig")))
    except (OSError, UnicodeDecodeError) as exc:
        raise RegionListError(f"{path}: {exc}") from exc


async def import_regions(session: AsyncSession, rows: list[RegionRow]) -> ImportReport:
    """Adds new regions, renames changed ones, retires those the list no longer has. Idempotent."""
    table = Region.__table__
    before = set((await session.execute(select(Region.code))).scalars())
    statement = insert_for(dialect_of(session), table)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.code],
        set_={
            "name": statement.excluded.name,
            "level": statement.excluded.level,
            "parent_code": statement.excluded.parent_code,
            "timezone": statement.excluded.timezone,
            "active": True,
        },
    )
    for start in range(0, len(rows), BATCH):
        batch: list[dict[str, Any]] = [
            {**row.__dict__, "active": True} for row in rows[start : start + BATCH]
        ]
        await run(session, statement, batch)
    listed = {row.code for row in rows}
    retired = before - listed
    for start in range(0, len(retired), BATCH):
        chunk = sorted(retired)[start : start + BATCH]
        await run(session, update(Region).where(Region.code.in_(chunk)).values(active=False))
    return ImportReport(read=len(rows), added=len(listed - before), retired=len(retired))


async def count_regions(session: AsyncSession) -> int:
    return int((await session.execute(select(func.count()).select_from(Region))).scalar_one())


async def active_regions(session: AsyncSession) -> list[RegionRow]:
    rows = await session.execute(
        select(Region.code, Region.name, Region.level, Region.parent_code, Region.timezone)
        .where(Region.active)
        .order_by(Region.code)
    )
    return [RegionRow(*row) for row in rows]


async def get_region(session: AsyncSession, code: str) -> RegionRow | None:
    row = (
        await session.execute(
            select(Region.code, Region.name, Region.level, Region.parent_code, Region.timezone).where(
                Region.code == code
            )
        )
    ).one_or_none()
    return None if row is None else RegionRow(*row)


async def names(session: AsyncSession, codes: Iterable[str]) -> dict[str, str]:
    """The official names of the given codes (kept ones too: an old case's village still has a name)."""
    wanted = sorted(set(codes))
    if not wanted:
        return {}
    rows = await session.execute(select(Region.code, Region.name).where(Region.code.in_(wanted)))
    return {code: name for code, name in rows}


def local_day(moment: datetime, code: str | None) -> date:
    """The calendar day in the region's zone (WIB when the region is unknown): statistics count
    a check made at 07:00 WIT on Monday as Monday's, though it was Sunday in UTC."""
    return moment.astimezone(ZoneInfo(timezone_of(code or ""))).date()
