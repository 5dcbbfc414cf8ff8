"""Subscriptions to awareness messages: opt in, opt out, and who a region's broadcast reaches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import SQLColumnExpression, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Subscription, User
from db.sql import dialect_of, insert_for, run, within


@dataclass(frozen=True)
class SubscriptionRecord:
    region_code: str
    language: str
    active: bool


async def subscribe(
    session: AsyncSession, user_id: int, region_code: str, language: str, now: datetime
) -> None:
    table = Subscription.__table__
    statement = insert_for(dialect_of(session), table).values(
        user_id=user_id, region_code=region_code, language=language, active=True, subscribed_at=now
    )
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.user_id],
        set_={
            "region_code": region_code,
            "language": language,
            "active": True,
            "subscribed_at": now,
            "stopped_at": None,
        },
    )
    await run(session, statement)
    await set_home_village(session, user_id, region_code)


async def set_home_village(session: AsyncSession, user_id: int, village_code: str) -> None:
    """The village a user told us they are from (subscribing, registering as its official): their
    anonymous checks count for it in the task force's statistics, nothing else."""
    await session.execute(update(User).where(User.id == user_id).values(region_code=village_code))


async def follow_language(session: AsyncSession, user_id: int, language: str) -> None:
    """A subscriber who changes language gets broadcasts in the new one."""
    await session.execute(
        update(Subscription).where(Subscription.user_id == user_id).values(language=language)
    )


async def unsubscribe(session: AsyncSession, user_id: int, now: datetime) -> bool:
    """True if there was an active subscription to stop."""
    result = await session.execute(
        update(Subscription)
        .where(Subscription.user_id == user_id, Subscription.active)
        .values(active=False, stopped_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def unsubscribe_chat(session: AsyncSession, channel: str, chat_id: str, now: datetime) -> None:
    """The platform says this chat blocked the bot: stop broadcasting to it."""
    users = select(User.id).where(User.channel == channel, User.chat_id == chat_id)
    await session.execute(
        update(Subscription)
        .where(Subscription.user_id.in_(users), Subscription.active)
        .values(active=False, stopped_at=now)
    )


async def subscription_of(session: AsyncSession, user_id: int) -> SubscriptionRecord | None:
    row = (
        await session.execute(
            select(Subscription.region_code, Subscription.language, Subscription.active).where(
                Subscription.user_id == user_id
            )
        )
    ).one_or_none()
    return None if row is None else SubscriptionRecord(*row)


def in_audience(region_code: str | None, language: str | None) -> list[SQLColumnExpression[bool]]:
    """Conditions on Subscription joined with User: active subscribers in a region (any level, by
    code: see db.statistics.within; None: everywhere) and language, who have not blocked the bot."""
    conditions: list[SQLColumnExpression[bool]] = [
        Subscription.active,
        User.blocked.is_(False),
        within(Subscription.region_code, region_code),
    ]
    if language is not None:
        conditions.append(Subscription.language == language)
    return conditions


async def audience_size(session: AsyncSession, region_code: str | None, language: str | None) -> int:
    """How many a broadcast to the region and language would reach, counted by the database."""
    statement = (
        select(func.count())
        .select_from(Subscription)
        .join(User, Subscription.user_id == User.id)
        .where(*in_audience(region_code, language))
    )
    return int((await session.execute(statement)).scalar_one())
