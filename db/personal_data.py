"""What Sigap holds about one user, and deleting it on request (UU PDP: access and erasure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, cast, delete, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db import audit, cases, media
from db.cases import CaseRecord, cases_of_reporter
from db.models import Case, CaseEvent, OutboxMessage, RoleAssignment, Subscription, User

PENDING = "pending"


@dataclass(frozen=True)
class PersonalData:
    channel: str
    external_id: str
    language: str
    region_code: str | None
    created_at: datetime
    privacy_version: str | None
    privacy_seen_at: datetime | None
    subscription: tuple[str, str] | None  # region code, language
    roles: tuple[tuple[str, str | None], ...]  # role, region code
    reports: tuple[CaseRecord, ...]


async def gather(session: AsyncSession, user_id: int) -> PersonalData:
    user = (await session.execute(select(User).where(User.id == user_id))).scalar_one()
    subscription = (
        await session.execute(
            select(Subscription.region_code, Subscription.language).where(
                Subscription.user_id == user_id, Subscription.active.is_(True)
            )
        )
    ).one_or_none()
    roles = (
        await session.execute(
            select(RoleAssignment.role, RoleAssignment.region_code).where(
                RoleAssignment.user_id == user_id, RoleAssignment.revoked_at.is_(None)
            )
        )
    ).all()
    return PersonalData(
        channel=user.channel,
        external_id=user.external_id,
        language=user.language,
        region_code=user.region_code,
        created_at=user.created_at,
        privacy_version=user.privacy_version,
        privacy_seen_at=user.privacy_seen_at,
        subscription=None if subscription is None else (subscription.region_code, subscription.language),
        roles=tuple((r.role, r.region_code) for r in roles),
        reports=tuple(await cases_of_reporter(session, user_id)),
    )


async def erase(session: AsyncSession, user_id: int, now: datetime) -> int:
    """Removes the user's identity: the account row is kept only as an empty tombstone (so history
    stays consistent) without the platform id, chat, language or consent; subscriptions, queued
    messages and an unsent report go; messages already sent to them keep no address, text or key
    that would name them; their entries in the audit log name only the tombstone (officials'
    acts apart); roles are revoked; reports they filed stay with the task force, detached from
    them. Returns how many reports were detached."""
    user = (await session.execute(select(User).where(User.id == user_id).with_for_update())).scalar_one()
    channel, chat_id, account = user.channel, user.chat_id, f"{user.channel}:{user.external_id}"
    detached = len(await cases_of_reporter(session, user_id))
    await session.execute(update(Case).where(Case.reporter_user_id == user_id).values(reporter_user_id=None))
    await session.execute(
        update(CaseEvent).where(CaseEvent.actor_user_id == user_id).values(actor_user_id=None)
    )
    await session.execute(delete(Subscription).where(Subscription.user_id == user_id))
    await session.execute(
        update(RoleAssignment)
        .where(RoleAssignment.user_id == user_id, RoleAssignment.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    await media.drop_draft_photos(session, user_id)
    await _forget_messages_to(session, channel, chat_id)
    await audit.forget_actor(session, [account], f"user:{user_id}")
    await session.execute(
        update(User)
        .where(User.id == user_id)
        .values(
            external_id=f"deleted:{user_id}",
            chat_id="",
            language="",
            region_code=None,
            privacy_version=None,
            privacy_seen_at=None,
            language_chosen=False,
            blocked=True,
            last_seen_at=now,
            dialog="start",
            step="idle",
            dialog_data={},
            menu_choices=None,
            flood_full_at=None,
            flood_refused=False,
            flood_count=0,
            invite_failures=0,
            invite_blocked_until=None,
        )
    )
    await audit.record(
        session, f"user:{user_id}", "personal_data_erased", now, detail=f"{detached} report(s) detached"
    )
    return detached


async def _forget_messages_to(session: AsyncSession, channel: str, chat_id: str) -> None:
    """Queued messages to the chat go; sent or failed ones stay for delivery counts, but without
    the chat, the text, the platform's message id (WhatsApp's embeds the number) or a key that
    names a case or an account ("case:1:acknowledged:3", "bc:7:42")."""
    to_chat = (OutboxMessage.channel == channel) & (OutboxMessage.chat_id == chat_id)
    await session.execute(delete(OutboxMessage).where(to_chat, OutboxMessage.status == PENDING))
    await session.execute(
        update(OutboxMessage)
        .where(to_chat)
        .values(
            chat_id="",
            payload={},
            platform_message_id=None,
            last_error=None,
            idempotency_key=literal("erased:") + cast(OutboxMessage.id, String),
        )
    )


async def purge_closed_cases(session: AsyncSession, closed_before: datetime, now: datetime) -> list[int]:
    """Retention: cases closed before the cut-off lose their personal fields and photos, and
    whatever tied them to the reporter: the link to their account, their entries in the case's
    history and audit log, and the messages about the case (which name the reporter's chat).
    Returns the purged cases' ids."""
    purged = await cases.purge_closed(session, closed_before, now)
    if purged:
        await media.forget_case_photos(session, purged)
        await audit.forget_case_reporters(session, purged)
        for case_id in purged:  # keys are "case:<id>:<purpose>...", written by Sigap
            await session.execute(
                delete(OutboxMessage).where(OutboxMessage.idempotency_key.like(f"case:{case_id}:%"))
            )
    return purged
