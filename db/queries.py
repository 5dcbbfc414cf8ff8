"""Reads and writes for users, conversation state and results; never commits (the unit of work does)."""

from __future__ import annotations

import copy
from datetime import date, datetime
from typing import Any

from sqlalchemy import CursorResult, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ChecklistResult, Conversation, ProcessedUpdate, User
from db.records import ChecklistOutcome, ConversationState, UserRecord


def _insert(session: AsyncSession, model: type[Any]) -> Any:
    """INSERT with ON CONFLICT support in the session's dialect."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(model)
    return sqlite.insert(model)


async def claim_update(session: AsyncSession, channel: str, update_key: str, now: datetime) -> bool:
    """Record an inbound update; False if it was handled before (a platform re-delivery)."""
    statement = (
        _insert(session, ProcessedUpdate)
        .values(channel=channel, update_key=update_key, received_at=now)
        .on_conflict_do_nothing()
    )
    result: CursorResult[Any] = await session.execute(statement)  # type: ignore[assignment]
    return bool(result.rowcount == 1)


async def forget_processed_updates(session: AsyncSession, before: datetime) -> int:
    """Platforms stop re-delivering after a day; older keys only take space."""
    result: CursorResult[Any] = await session.execute(  # type: ignore[assignment]
        delete(ProcessedUpdate).where(ProcessedUpdate.received_at < before)
    )
    return int(result.rowcount or 0)


async def get_or_create_user(
    session: AsyncSession, channel: str, external_id: str, chat_id: str, default_language: str, now: datetime
) -> UserRecord:
    """The user, created on first contact and locked for this unit of work (one turn at a time)."""
    await session.execute(
        _insert(session, User)
        .values(
            channel=channel,
            external_id=external_id,
            chat_id=chat_id,
            language=default_language,
            language_chosen=False,
            blocked=False,
            created_at=now,
            last_seen_at=now,
        )
        .on_conflict_do_nothing()
    )
    # FOR UPDATE serialises two processes handling the same user on PostgreSQL; SQLite's
    # BEGIN IMMEDIATE already serialises every write transaction.
    row = (
        await session.execute(
            select(User).where(User.channel == channel, User.external_id == external_id).with_for_update()
        )
    ).scalar_one()
    row.last_seen_at = now
    row.chat_id = chat_id
    row.blocked = False
    return _user_record(row)


async def find_user(session: AsyncSession, channel: str, external_id: str) -> UserRecord | None:
    row = (
        await session.execute(select(User).where(User.channel == channel, User.external_id == external_id))
    ).scalar_one_or_none()
    return None if row is None else _user_record(row)


async def set_language(session: AsyncSession, user_id: int, language: str) -> None:
    await session.execute(
        update(User).where(User.id == user_id).values(language=language, language_chosen=True)
    )


async def record_privacy_notice_seen(
    session: AsyncSession, user_id: int, version: str, now: datetime
) -> None:
    await session.execute(
        update(User).where(User.id == user_id).values(privacy_version=version, privacy_seen_at=now)
    )


async def mark_blocked(session: AsyncSession, channel: str, chat_id: str) -> None:
    """The user blocked the bot: stop writing to them until they write again."""
    await session.execute(
        update(User).where(User.channel == channel, User.chat_id == chat_id).values(blocked=True)
    )


async def load_state(session: AsyncSession, user_id: int) -> ConversationState:
    row = await session.get(Conversation, user_id)
    if row is None:
        return ConversationState()
    # A deep copy: handlers mutate nested answers, which must not alias the ORM row.
    return ConversationState(dialog=row.dialog, step=row.step, data=copy.deepcopy(row.data))


async def save_state(session: AsyncSession, user_id: int, state: ConversationState, now: datetime) -> None:
    statement = _insert(session, Conversation).values(
        user_id=user_id, dialog=state.dialog, step=state.step, data=state.data, updated_at=now
    )
    statement = statement.on_conflict_do_update(
        index_elements=[Conversation.user_id],
        set_={"dialog": state.dialog, "step": state.step, "data": state.data, "updated_at": now},
    )
    await session.execute(statement)


async def save_checklist_outcome(session: AsyncSession, outcome: ChecklistOutcome) -> None:
    session.add(
        ChecklistResult(
            risk=outcome.risk,
            score=outcome.score,
            flags={"raised": list(outcome.flags)},
            region_code=outcome.region_code,
            language=outcome.language,
            taken_on=outcome.taken_on,
        )
    )


async def checklist_outcomes(session: AsyncSession, since: date | None = None) -> list[ChecklistOutcome]:
    statement = select(ChecklistResult).order_by(ChecklistResult.id)
    if since is not None:
        statement = statement.where(ChecklistResult.taken_on >= since)
    rows = (await session.execute(statement)).scalars()
    return [
        ChecklistOutcome(
            risk=row.risk,
            score=row.score,
            flags=tuple(row.flags.get("raised", [])),
            region_code=row.region_code,
            language=row.language,
            taken_on=row.taken_on,
        )
        for row in rows
    ]


async def count_users(session: AsyncSession) -> int:
    return int((await session.execute(select(func.count()).select_from(User))).scalar_one())


def _user_record(row: User) -> UserRecord:
    return UserRecord(
        id=row.id,
        channel=row.channel,
        external_id=row.external_id,
        chat_id=row.chat_id,
        language=row.language,
        language_chosen=row.language_chosen,
        privacy_version=row.privacy_version,
        region_code=row.region_code,
    )
