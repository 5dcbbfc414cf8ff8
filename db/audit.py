"""The audit log: every view, export and change of a case, with who and when (UU PDP)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AuditEntry


@dataclass(frozen=True)
class Entry:
    at: datetime
    actor: str
    action: str
    case_id: int | None
    detail: str | None


async def record(
    session: AsyncSession,
    actor: str,
    action: str,
    now: datetime,
    case_id: int | None = None,
    detail: str | None = None,
) -> None:
    """In the caller's transaction: an action that rolls back leaves no entry, and none is lost."""
    session.add(
        AuditEntry(
            at=now,
            actor=actor[:80],
            action=action[:32],
            case_id=case_id,
            detail=(detail or None) and detail[:200],
        )
    )


async def entries(session: AsyncSession, case_id: int | None = None, limit: int = 100) -> list[Entry]:
    """Newest first."""
    statement = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    if case_id is not None:
        statement = statement.where(AuditEntry.case_id == case_id)
    rows = (await session.execute(statement)).scalars()
    return [Entry(r.at, r.actor, r.action, r.case_id, r.detail) for r in rows]
