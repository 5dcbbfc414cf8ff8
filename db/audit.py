"""The audit log: every view, export and change of a case, with who and when (UU PDP)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
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


# What officials do (coordinators, admins, acting on cases, statistics and broadcasts): their
# accountability outlives their account. Any other entry (a reporter adding to their case, or
# whatever is audited later) names a person only while Sigap may know who they are.
OFFICIAL_ACTIONS = frozenset(
    {
        "case_viewed",
        "case_acknowledged",
        "case_in_progress",
        "case_info_requested",
        "case_closed",
        "cases_listed",
        "cases_exported",
        "statistics_viewed",
        "statistics_exported",
        "broadcasts_exported",
        "seen_viewed",
        "seen_looked_up",
        "seen_marked",
        "seen_listed",
        "seen_exported",
    }
)
SIGAP_ITSELF = ("system", "cli")
UNNAMED_REPORTER = "reporter"


async def forget_actor(session: AsyncSession, accounts: list[str], instead: str) -> None:
    """Entries made by these accounts ("whatsapp:62812..."), officials' acts apart, name `instead`."""
    await session.execute(
        update(AuditEntry)
        .where(AuditEntry.actor.in_(accounts), AuditEntry.action.not_in(OFFICIAL_ACTIONS))
        .values(actor=instead)
    )


async def forget_case_reporters(session: AsyncSession, case_ids: list[int]) -> None:
    """On these (purged) cases, entries other than officials' acts and Sigap's own name nobody."""
    if case_ids:
        await session.execute(
            update(AuditEntry)
            .where(
                AuditEntry.case_id.in_(case_ids),
                AuditEntry.action.not_in(OFFICIAL_ACTIONS),
                AuditEntry.actor.not_in(SIGAP_ITSELF),
            )
            .values(actor=UNNAMED_REPORTER)
        )
