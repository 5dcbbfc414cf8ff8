"""Read-only questions `sigap doctor` asks of the database: what is loaded, and a sample of sealed data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db import crypto
from db.models import Agency, Case, CaseEvent, Region

LEVELS = {1: "provinces", 2: "regencies", 3: "districts", 4: "villages"}


@dataclass(frozen=True)
class RegisterState:
    companies: int
    as_of: date | None


async def region_counts(session: AsyncSession) -> dict[str, int]:
    """Active regions per level ({"provinces": 38, ...}); empty when no list was imported."""
    rows = await session.execute(
        select(Region.level, func.count()).where(Region.active).group_by(Region.level).order_by(Region.level)
    )
    return {LEVELS.get(level, f"level {level}"): count for level, count in rows.tuples()}


async def register_state(session: AsyncSession) -> RegisterState:
    # Licensed companies only: revoked ones are kept to be told as revoked (db.agencies).
    licensed = Agency.revoked.is_(False)
    companies, as_of = (
        await session.execute(select(func.count(), func.max(Agency.as_of)).where(licensed))
    ).one()
    return RegisterState(companies, as_of)


async def open_sealed_samples(session: AsyncSession) -> int:
    """Opens the oldest and newest sealed report and the newest sealed note with the session's
    cipher; returns how many were opened (0: nothing is sealed yet). Raises crypto.DataKeyError
    when a sample does not open: a key was dropped, or none is set."""
    sealed_details = Case.details[crypto.ENCRYPTED].as_string()
    opened = 0
    for order in (Case.id.asc(), Case.id.desc()):
        row = await session.scalar(select(Case.details).where(sealed_details.is_not(None)).order_by(order))
        if row is not None:
            crypto.open_json(session, row)
            opened += 1
    note = await session.scalar(
        select(CaseEvent.note)
        .where(CaseEvent.note.like(crypto.TOKEN_PREFIX.decode() + "%"))
        .order_by(CaseEvent.id.desc())
    )
    if note is not None:
        crypto.open_text(session, note)
        opened += 1
    return opened


async def seen_identifier_count(session: AsyncSession) -> int:
    """How many recruiters' identifiers "seen before" holds (keyed hashes)."""
    from db.models import SeenIdentifier

    return int((await session.execute(select(func.count()).select_from(SeenIdentifier))).scalar_one())
