"""Reads and writes for users, conversation state and results; never commits (the unit of work does)."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Boolean, Table, bindparam, case, delete, exists, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import BindParameter, ColumnElement
from sqlalchemy.sql.schema import ScalarElementColumnDefault

from db import crypto, flood
from db.models import ChecklistResult, ProcessedUpdate, User
from db.records import ChecklistOutcome, ConversationState, UserRecord
from db.sql import dialect_of, insert_for, run
from db.subscriptions import unsubscribe_chat

# The flood limit a caller that gives none gets: generous enough never to refuse anyone.
UNLIMITED = flood.FloodLimit(burst=10**9, per_second=10**6)


@dataclass(frozen=True)
class _HotStatements:
    """The statements every incoming message runs, built once per dialect with bound parameters."""

    claim_update: Any
    upsert_user: Any
    save_state: Any
    # PostgreSQL: claim_update and upsert_user in one statement, one round trip less per message
    # (bench/updates.py); no row when the update was handled before. None: SQLite, which runs
    # no INSERT inside a WITH.
    claim_and_upsert_user: Any


@functools.cache
def _statements(dialect: str) -> _HotStatements:
    updates = cast(Table, ProcessedUpdate.__table__)
    users = cast(Table, User.__table__)
    claim = (
        insert_for(dialect, updates)
        .values(
            channel=bindparam("channel"),
            update_key=bindparam("update_key"),
            received_at=bindparam("received_at"),
        )
        .on_conflict_do_nothing()
    )
    # A new user's row; the parameters are bound per message (get_or_create_user).
    new_user: dict[str, Any] = {
        "channel": bindparam("channel"),
        "external_id": bindparam("external_id"),
        "chat_id": bindparam("chat_id"),
        "language": bindparam("language"),
        "language_chosen": False,
        "blocked": False,
        "created_at": bindparam("now"),
        "last_seen_at": bindparam("now"),
        "dialog": "start",
        "step": "idle",
        "dialog_data": bindparam("empty", type_=users.c.dialog_data.type),
        **flood.first_message(),
    }
    upsert = _upserting_user(insert_for(dialect, users).values(**new_user), users)
    claim_and_upsert = None
    if dialect == "postgresql":
        claimed = claim.returning(updates.c.channel).cte("claimed")
        # The columns' own defaults too: an INSERT ... SELECT is given no values for them.
        defaults = {
            column.name: column.default.arg
            for column in users.c
            if column.name not in new_user and isinstance(column.default, ScalarElementColumnDefault)
        }
        computed = [c.name for c in users.c if c.name not in new_user and c.default is not None]
        if set(computed) - set(defaults):  # a default computed per row: give it in new_user
            raise RuntimeError(f"users columns with computed defaults: {computed}")
        # Typed as the columns: PostgreSQL cannot tell a bare parameter's type in a SELECT list.
        row = [
            _typed(value, users.c[name].type).label(name) for name, value in {**new_user, **defaults}.items()
        ]
        claim_and_upsert = _upserting_user(
            insert_for(dialect, users)
            .from_select([*new_user, *defaults], select(*row).where(exists(claimed.select())))
            .add_cte(claimed),
            users,
        )
    save = (
        update(users)
        .where(users.c.id == bindparam("user_id"))
        .values(
            dialog=bindparam("dialog"),
            step=bindparam("step"),
            dialog_data=bindparam("dialog_data"),
            menu_choices=bindparam("menu_choices", type_=users.c.menu_choices.type),
        )
    )
    return _HotStatements(claim, upsert, save, claim_and_upsert)


def _typed(value: Any, type_: Any) -> ColumnElement[Any]:
    if isinstance(value, BindParameter):
        return value if not value.type._isnull else bindparam(value.key, type_=type_)
    return literal(value, type_)


def _upserting_user(insert: Any, users: Table) -> Any:
    """The user's row inserted, or updated for one more message, and returned with the state."""
    # Writing again means the user has not blocked us (any more), and may have a new chat; but
    # only a message from their own chat says where to write to them (get_or_create_user).
    own_chat = bindparam("own_chat", type_=Boolean())
    return insert.on_conflict_do_update(
        index_elements=[users.c.channel, users.c.external_id],
        set_={
            "last_seen_at": insert.excluded.last_seen_at,
            "chat_id": case((own_chat, insert.excluded.chat_id), else_=users.c.chat_id),
            "blocked": False,
            # Flood control: the user's token bucket, in the same statement (db/flood.py).
            **flood.bucket_updates(users.c.flood_full_at, users.c.flood_count),
        },
    ).returning(*_USER_COLUMNS, users.c.dialog, users.c.step, users.c.dialog_data, users.c.menu_choices)


_USER_COLUMNS = [
    User.__table__.c[name]
    for name in (
        "id",
        "channel",
        "external_id",
        "chat_id",
        "language",
        "language_chosen",
        "privacy_version",
        "region_code",
        "flood_refused",
        "flood_count",
        "held_messages",
    )
]


def update_fingerprint(update_key: str) -> str:
    """What is stored of a platform's update key: its SHA-256. WhatsApp's message ids embed the
    sender's number (base64 in "wamid.HBgN..."), and a user who asks to be forgotten must not stay
    in a table of keys kept two days; re-deliveries are still recognised."""
    return hashlib.sha256(update_key.encode()).hexdigest()


async def claim_update(session: AsyncSession, channel: str, update_key: str, now: datetime) -> bool:
    """Record an inbound update; False if it was handled before (a platform re-delivery)."""
    statement = _statements(dialect_of(session)).claim_update
    parameters = {"channel": channel, "update_key": update_fingerprint(update_key), "received_at": now}
    result = await run(session, statement, parameters)
    return bool(result.rowcount == 1)


async def forget_processed_updates(session: AsyncSession, before: datetime) -> int:
    """Platforms stop re-delivering after a day; older keys only take space."""
    result = await run(session, delete(ProcessedUpdate).where(ProcessedUpdate.received_at < before))
    return int(result.rowcount or 0)


async def get_or_create_user(
    session: AsyncSession,
    channel: str,
    external_id: str,
    chat_id: str,
    default_language: str,
    now: datetime,
    flood_limit: flood.FloodLimit = UNLIMITED,
) -> tuple[UserRecord, ConversationState]:
    """The user and where they are in a dialogue, created on first contact.

    One statement, which also locks the row: that serialises two processes handling the same
    user on PostgreSQL until commit (SQLite's BEGIN IMMEDIATE serialises all writers anyway).

    The stored chat (where case forwards and notifications go) changes only for a message from
    the user's own one-to-one chat, whose id is the user's id on every channel we speak
    (Telegram's private chats, WhatsApp's numbers): a message in a group, or an update naming
    another person's chat, must not redirect what is sent to this user. A user first met
    elsewhere is written to in their private chat.

    The same statement spends a token of the user's flood bucket (`flood_limit`, db/flood.py):
    `UserRecord.flood_refused` says whether it found none.
    """
    parameters = _user_parameters(channel, external_id, chat_id, default_language, now, flood_limit)
    row = (await run(session, _statements(dialect_of(session)).upsert_user, parameters)).one()
    return _user_and_state(session, row)


async def claim_update_and_get_user(
    session: AsyncSession,
    channel: str,
    update_key: str,
    external_id: str,
    chat_id: str,
    default_language: str,
    now: datetime,
    flood_limit: flood.FloodLimit = UNLIMITED,
) -> tuple[UserRecord, ConversationState] | None:
    """claim_update(), then get_or_create_user() for an update not handled before; None for a
    re-delivery (the user's row untouched). PostgreSQL does both in one statement."""
    statement = _statements(dialect_of(session)).claim_and_upsert_user
    if statement is None:
        if not await claim_update(session, channel, update_key, now):
            return None
        return await get_or_create_user(
            session, channel, external_id, chat_id, default_language, now, flood_limit
        )
    parameters = _user_parameters(channel, external_id, chat_id, default_language, now, flood_limit)
    parameters.update(update_key=update_fingerprint(update_key), received_at=now)
    row = (await run(session, statement, parameters)).one_or_none()
    return None if row is None else _user_and_state(session, row)


def _user_parameters(
    channel: str,
    external_id: str,
    chat_id: str,
    default_language: str,
    now: datetime,
    flood_limit: flood.FloodLimit,
) -> dict[str, Any]:
    own_chat = chat_id == external_id
    return {
        "channel": channel,
        "external_id": external_id,
        "chat_id": chat_id if own_chat else external_id,
        "own_chat": own_chat,
        "language": default_language,
        "now": now,
        "empty": {},
        **flood_limit.parameters(now),
    }


def _user_and_state(session: AsyncSession, row: Any) -> tuple[UserRecord, ConversationState]:
    try:
        state = _state(row.dialog, row.step, crypto.open_json(session, row.dialog_data), row.menu_choices)
    except crypto.DataKeyError:
        # Saved under a key this process does not have: the conversation starts afresh rather
        # than failing every message the user sends.
        state = ConversationState()
    return _user_record(row), state


async def ensure_user(
    session: AsyncSession, channel: str, external_id: str, chat_id: str, default_language: str, now: datetime
) -> tuple[UserRecord, bool]:
    """The user, created if Sigap does not know them yet, without counting as a message from them
    (an operator granting a role); and whether they have ever written."""
    await run(
        session,
        insert_for(dialect_of(session), User.__table__)
        .values(
            channel=channel,
            external_id=external_id,
            chat_id=chat_id,
            language=default_language,
            language_chosen=False,
            blocked=False,
            created_at=now,
            last_seen_at=None,
            dialog="start",
            step="idle",
            dialog_data={},
            flood_count=0,
        )
        .on_conflict_do_nothing(),
    )
    row = (
        await session.execute(select(User).where(User.channel == channel, User.external_id == external_id))
    ).scalar_one()
    return _user_record(row), row.last_seen_at is not None


async def get_user(session: AsyncSession, user_id: int) -> UserRecord | None:
    row = (await session.execute(select(User).where(User.id == user_id))).scalar_one_or_none()
    return None if row is None else _user_record(row)


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


async def mark_blocked(session: AsyncSession, channel: str, chat_id: str, now: datetime) -> None:
    """The user blocked the bot: stop writing to them until they write again, and unsubscribe them."""
    await session.execute(
        update(User).where(User.channel == channel, User.chat_id == chat_id).values(blocked=True)
    )
    await unsubscribe_chat(session, channel, chat_id, now)


async def last_inbound(session: AsyncSession, channel: str, chat_ids: list[str]) -> dict[str, datetime]:
    """When each of these chats last wrote to us (platforms with a reply window need it)."""
    if not chat_ids:
        return {}
    rows = await session.execute(
        select(User.chat_id, User.last_seen_at).where(
            User.channel == channel, User.chat_id.in_(chat_ids), User.last_seen_at.is_not(None)
        )
    )
    return {chat_id: seen for chat_id, seen in rows if seen is not None}


async def load_state(session: AsyncSession, user_id: int) -> ConversationState:
    table = User.__table__
    statement = select(table.c.dialog, table.c.step, table.c.dialog_data).where(table.c.id == user_id)
    row = (await run(session, statement)).one()
    return _state(row.dialog, row.step, crypto.open_json(session, row.dialog_data), None)


# Where the state's data keeps the question's buttons (ConversationState.prompt): inside the
# encrypted data, under a key no dialogue uses.
_PROMPT_KEY = "~prompt"


def _state(dialog: str, step: str, data: dict[str, Any], menu: list[str] | None) -> ConversationState:
    stored = data.pop(_PROMPT_KEY, None)
    prompt = [(str(pair[0]), str(pair[1])) for pair in stored] if isinstance(stored, list) else None
    return ConversationState(dialog, step, data, menu, prompt)


async def save_state(session: AsyncSession, user_id: int, state: ConversationState) -> None:
    """The state's data is encrypted like a case's answers: an unsent report holds the same."""
    parameters = {
        "user_id": user_id,
        "dialog": state.dialog,
        "step": state.step,
        "dialog_data": crypto.seal_json(
            session, {**state.data, _PROMPT_KEY: state.prompt} if state.prompt else state.data
        ),
        "menu_choices": state.menu,
    }
    await run(session, _statements(dialect_of(session)).save_state, parameters)


async def expire_dialogs(session: AsyncSession, dialog: str, idle_since: datetime) -> list[int]:
    """Users who left a conversation in `dialog` unfinished before the cut-off start afresh: what
    it gathered is dropped. Returns their ids (for the caller to drop what the dialogue kept)."""
    fresh = ConversationState()
    result = await session.execute(
        update(User)
        .where(User.dialog == dialog, User.last_seen_at < idle_since)
        .values(dialog=fresh.dialog, step=fresh.step, dialog_data={}, menu_choices=None)
        .returning(User.id)
    )
    return list(result.scalars())


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


def _user_record(row: Any) -> UserRecord:
    return UserRecord(
        id=row.id,
        channel=row.channel,
        external_id=row.external_id,
        chat_id=row.chat_id,
        language=row.language,
        language_chosen=row.language_chosen,
        privacy_version=row.privacy_version,
        region_code=row.region_code,
        flood_refused=row.flood_refused,
        flood_refusals=row.flood_count,
        held_messages=row.held_messages,
    )


async def invite_blocked_until(session: AsyncSession, user_id: int) -> datetime | None:
    return (
        await session.execute(select(User.invite_blocked_until).where(User.id == user_id))
    ).scalar_one_or_none()


async def record_invite_failure(
    session: AsyncSession, user_id: int, now: datetime, tries: int, lockout: timedelta
) -> bool:
    """One more wrong invite code; after `tries` in a row, /daftar is refused for `lockout`.
    Returns True when this failure started a lockout."""
    failures = (
        await session.execute(
            update(User)
            .where(User.id == user_id)
            .values(invite_failures=User.invite_failures + 1)
            .returning(User.invite_failures)
        )
    ).scalar_one()
    if failures < tries:
        return False
    await session.execute(
        update(User).where(User.id == user_id).values(invite_failures=0, invite_blocked_until=now + lockout)
    )
    return True


async def clear_invite_failures(session: AsyncSession, user_id: int) -> None:
    await session.execute(
        update(User).where(User.id == user_id).values(invite_failures=0, invite_blocked_until=None)
    )
