"""Cases and their history: creation with a regency reference number, status changes, lookups."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db import crypto
from db.models import Case, CaseCounter, CaseEvent
from db.sql import dialect_of, insert_for, run
from ground.messages import whole_number

KINDS = ("missing", "warning")  # a missing or unreachable migrant, or an early warning
OPEN_STATUSES = ("received", "acknowledged", "info_requested", "in_progress")
OUTCOMES = ("found_safe", "returned_home", "police", "embassy", "unfounded")


@dataclass(frozen=True)
class CaseRecord:
    id: int
    reference: str
    kind: str
    status: str
    outcome: str | None
    village_code: str
    regency_code: str
    reporter_user_id: int | None
    verified_source: bool
    contact_allowed: bool
    details: dict[str, Any]
    created_at: datetime
    ack_deadline: datetime
    acknowledged_at: datetime | None
    escalated_at: datetime | None
    closed_at: datetime | None


@dataclass(frozen=True)
class EventRecord:
    at: datetime
    actor_user_id: int | None
    action: str
    note: str | None


def _record(session: AsyncSession, row: Case) -> CaseRecord:
    return CaseRecord(
        id=row.id,
        reference=row.reference,
        kind=row.kind,
        status=row.status,
        outcome=row.outcome,
        village_code=row.village_code,
        regency_code=row.regency_code,
        reporter_user_id=row.reporter_user_id,
        verified_source=row.verified_source,
        contact_allowed=row.contact_allowed,
        details=crypto.open_json(session, row.details),
        created_at=row.created_at,
        ack_deadline=row.ack_deadline,
        acknowledged_at=row.acknowledged_at,
        escalated_at=row.escalated_at,
        closed_at=row.closed_at,
    )


async def next_reference(session: AsyncSession, regency_code: str) -> str:
    """TPPO-6112-000001: the regency's code and its own running number (the row lock orders them)."""
    table = CaseCounter.__table__
    statement = insert_for(dialect_of(session), table).values(regency_code=regency_code, last_number=1)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.regency_code], set_={"last_number": table.c.last_number + 1}
    ).returning(table.c.last_number)
    number = (await run(session, statement)).scalar_one()
    return f"TPPO-{regency_code.replace('.', '')}-{number:06d}"


async def create_case(
    session: AsyncSession,
    *,
    kind: str,
    village_code: str,
    reporter_user_id: int | None,
    verified_source: bool,
    contact_allowed: bool,
    details: dict[str, Any],
    now: datetime,
    ack_deadline: datetime,
) -> CaseRecord:
    regency_code = village_code[:5]
    row = Case(
        reference=await next_reference(session, regency_code),
        kind=kind,
        status="received",
        village_code=village_code,
        regency_code=regency_code,
        province_code=village_code[:2],
        reporter_user_id=reporter_user_id,
        verified_source=verified_source,
        contact_allowed=contact_allowed,
        details=crypto.seal_json(session, details),
        created_at=now,
        ack_deadline=ack_deadline,
    )
    session.add(row)
    await session.flush()
    await add_event(session, row.id, "created", reporter_user_id, None, now)
    return _record(session, row)


async def add_event(
    session: AsyncSession,
    case_id: int,
    action: str,
    actor_user_id: int | None,
    note: str | None,
    now: datetime,
) -> None:
    note = crypto.seal_text(session, note)
    session.add(CaseEvent(case_id=case_id, at=now, actor_user_id=actor_user_id, action=action, note=note))
    await session.flush()


async def get_case(session: AsyncSession, case_id: int, lock: bool = False) -> CaseRecord | None:
    statement = select(Case).where(Case.id == case_id)
    if lock:
        statement = statement.with_for_update()
    row = (await session.execute(statement)).scalar_one_or_none()
    return None if row is None else _record(session, row)


async def find_case(session: AsyncSession, reference_or_id: str) -> CaseRecord | None:
    """By reference (TPPO-6112-000001) or by number."""
    case_id = whole_number(reference_or_id)
    if case_id is not None:
        return await get_case(session, case_id)
    row = (
        await session.execute(select(Case).where(Case.reference == reference_or_id.strip().upper()))
    ).scalar_one_or_none()
    return None if row is None else _record(session, row)


async def set_status(
    session: AsyncSession, case_id: int, status: str, now: datetime, outcome: str | None = None
) -> None:
    values: dict[str, Any] = {"status": status}
    if status == "acknowledged":
        values["acknowledged_at"] = now
    if status == "closed":
        values.update(closed_at=now, outcome=outcome)
    await session.execute(update(Case).where(Case.id == case_id).values(**values))


async def mark_escalated(session: AsyncSession, case_id: int, now: datetime) -> None:
    await session.execute(update(Case).where(Case.id == case_id).values(escalated_at=now))


async def overdue_unacknowledged(session: AsyncSession, now: datetime) -> list[CaseRecord]:
    # SKIP LOCKED: two processes running the job at once take different cases.
    rows = await session.execute(
        select(Case)
        .where(Case.status == "received", Case.escalated_at.is_(None), Case.ack_deadline <= now)
        .order_by(Case.id)
        .with_for_update(skip_locked=True)
    )
    return [_record(session, row) for row in rows.scalars()]


async def cases_of_reporter(session: AsyncSession, user_id: int) -> list[CaseRecord]:
    rows = await session.execute(
        select(Case).where(Case.reporter_user_id == user_id).order_by(Case.id.desc()).limit(10)
    )
    return [_record(session, row) for row in rows.scalars()]


async def cases_in_region(
    session: AsyncSession, region_code: str | None, open_only: bool = True, limit: int | None = None
) -> list[CaseRecord]:
    """Cases of a regency (61.12), a province (61) or everywhere (None), newest first."""
    statement = select(Case).order_by(Case.id.desc())
    if region_code is not None:
        column = Case.province_code if len(region_code) == 2 else Case.regency_code
        statement = statement.where(column == region_code)
    if open_only:
        statement = statement.where(Case.status.in_(OPEN_STATUSES))
    if limit:
        statement = statement.limit(limit)
    return [_record(session, row) for row in (await session.execute(statement)).scalars()]


async def history(session: AsyncSession, case_id: int) -> list[EventRecord]:
    rows = await session.execute(
        select(CaseEvent.at, CaseEvent.actor_user_id, CaseEvent.action, CaseEvent.note)
        .where(CaseEvent.case_id == case_id)
        .order_by(CaseEvent.id)
    )
    return [
        EventRecord(at, actor, action, crypto.open_text(session, note)) for at, actor, action, note in rows
    ]


# What was added to a case after it was reported: the reporter's information, the task force's notes.
NOTE_ACTIONS = ("info_added", "note")


async def notes_of(session: AsyncSession, case_ids: list[int]) -> dict[int, list[EventRecord]]:
    """The notes added later to each of these cases, oldest first (one query per 500 cases)."""
    found: dict[int, list[EventRecord]] = {case_id: [] for case_id in case_ids}
    for start in range(0, len(case_ids), 500):
        rows = await session.execute(
            select(CaseEvent.case_id, CaseEvent.at, CaseEvent.actor_user_id, CaseEvent.action, CaseEvent.note)
            .where(CaseEvent.case_id.in_(case_ids[start : start + 500]), CaseEvent.action.in_(NOTE_ACTIONS))
            .order_by(CaseEvent.id)
        )
        for case_id, at, actor, action, note in rows:
            found[case_id].append(EventRecord(at, actor, action, crypto.open_text(session, note)))
    return found


async def purge_closed(session: AsyncSession, closed_before: datetime, now: datetime) -> list[int]:
    """Removes the personal fields of cases closed before the cut-off: the answers (names, phone
    numbers, free text, the photo's reference), the notes of their history, and the reporter (the
    case and the history no longer point at their account). Returns the purged cases' ids
    (db/personal_data.purge_closed_cases removes what else refers to them)."""
    rows = (
        (
            await session.execute(
                select(Case).where(Case.closed_at < closed_before, Case.purged_at.is_(None)).with_for_update()
            )
        )
        .scalars()
        .all()
    )
    for row in rows:
        if row.reporter_user_id is not None:
            await session.execute(
                update(CaseEvent)
                .where(CaseEvent.case_id == row.id, CaseEvent.actor_user_id == row.reporter_user_id)
                .values(actor_user_id=None)
            )
        row.details = {}
        row.reporter_user_id = None
        row.purged_at = now
    purged = [row.id for row in rows]
    if purged:
        await session.execute(update(CaseEvent).where(CaseEvent.case_id.in_(purged)).values(note=None))
    return purged
