"""Roles in regions and one-time invite codes: grant, revoke, redeem, and who receives a region's cases."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Invite, RoleAssignment, User


class Role(StrEnum):
    OFFICIAL = "official"  # kepala desa or perangkat desa, bound to one village
    COORDINATOR = "coordinator"  # task force, bound to a regency/city or to a province
    ADMIN = "admin"  # everywhere


@dataclass(frozen=True)
class RoleRecord:
    role: Role
    region_code: str | None  # None for admins


@dataclass(frozen=True)
class Recipient:
    user_id: int
    channel: str
    chat_id: str
    language: str


class InviteProblem(StrEnum):
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"


async def grant_role(
    session: AsyncSession, user_id: int, role: Role, region_code: str | None, granted_by: str, now: datetime
) -> bool:
    """Grants the role; False if the user already holds it for that region."""
    if RoleRecord(role, region_code) in await active_roles(session, user_id):
        return False
    session.add(
        RoleAssignment(
            user_id=user_id, role=role, region_code=region_code, granted_by=granted_by, granted_at=now
        )
    )
    await session.flush()
    return True


async def revoke_roles(session: AsyncSession, user_id: int, now: datetime, role: Role | None = None) -> int:
    statement = update(RoleAssignment).where(
        RoleAssignment.user_id == user_id, RoleAssignment.revoked_at.is_(None)
    )
    if role is not None:
        statement = statement.where(RoleAssignment.role == role)
    result = await session.execute(statement.values(revoked_at=now))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def active_roles(session: AsyncSession, user_id: int) -> set[RoleRecord]:
    rows = await session.execute(
        select(RoleAssignment.role, RoleAssignment.region_code).where(
            RoleAssignment.user_id == user_id, RoleAssignment.revoked_at.is_(None)
        )
    )
    return {RoleRecord(Role(role), region) for role, region in rows}


async def holders(session: AsyncSession, role: Role, region_code: str | None) -> list[Recipient]:
    """Active holders of a role in exactly that region (admins: region None), who can be reached."""
    region_filter = (
        RoleAssignment.region_code.is_(None)
        if region_code is None
        else RoleAssignment.region_code == region_code
    )
    rows = await session.execute(
        select(User.id, User.channel, User.chat_id, User.language)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.role == role, RoleAssignment.revoked_at.is_(None), region_filter)
        .order_by(User.id)
        .distinct()
    )
    return [Recipient(*row) for row in rows]


async def holders_of_regions(
    session: AsyncSession, region_codes: Collection[str | None]
) -> dict[str | None, list[Recipient]]:
    """holders(COORDINATOR, code) of every code, and holders(ADMIN, None) for None, in one query
    (the weekly digest)."""
    codes = sorted(code for code in region_codes if code is not None)
    wanted = [and_(RoleAssignment.role == Role.COORDINATOR, RoleAssignment.region_code.in_(codes))]
    if None in region_codes:
        wanted.append(and_(RoleAssignment.role == Role.ADMIN, RoleAssignment.region_code.is_(None)))
    rows = await session.execute(
        select(RoleAssignment.region_code, User.id, User.channel, User.chat_id, User.language)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.revoked_at.is_(None), or_(*wanted))
        .order_by(User.id)
        .distinct()
    )
    found: dict[str | None, list[Recipient]] = {code: [] for code in region_codes}
    for region, user_id, channel, chat_id, language in rows:
        found[region].append(Recipient(user_id, channel, chat_id, language))
    return found


async def case_recipients(session: AsyncSession, regency_code: str) -> tuple[str, list[Recipient]]:
    """Who receives a new case of this regency: its coordinators; if none, the province's; if none,
    the admins. Returns which level answered ("regency", "province", "admin", or "nobody")."""
    for level, role, region in (
        ("regency", Role.COORDINATOR, regency_code),
        ("province", Role.COORDINATOR, regency_code[:2]),
        ("admin", Role.ADMIN, None),
    ):
        found = await holders(session, role, region)
        if found:
            return level, found
    return "nobody", []


async def escalation_recipients(session: AsyncSession, regency_code: str) -> list[Recipient]:
    """An overdue case goes again to the regency's coordinators and up to the province's; with
    neither, to the admins."""
    return (await escalation_recipients_of(session, [regency_code]))[regency_code]


async def escalation_recipients_of(
    session: AsyncSession, regency_codes: Collection[str]
) -> dict[str, list[Recipient]]:
    """escalation_recipients for many regencies in one query (the scheduler's overdue cases):
    every coordinator of those regencies and their provinces, and every admin, then chosen per
    regency as above, each list in user order without repeats."""
    codes = set(regency_codes)
    regions = codes | {code[:2] for code in codes}
    rows = await session.execute(
        select(
            User.id,
            User.channel,
            User.chat_id,
            User.language,
            RoleAssignment.role,
            RoleAssignment.region_code,
        )
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(
            RoleAssignment.revoked_at.is_(None),
            or_(
                and_(RoleAssignment.role == Role.COORDINATOR, RoleAssignment.region_code.in_(regions)),
                and_(RoleAssignment.role == Role.ADMIN, RoleAssignment.region_code.is_(None)),
            ),
        )
        .order_by(User.id)
    )
    by_region: dict[str | None, list[Recipient]] = {}
    for user_id, channel, chat_id, language, role, region in rows:
        key = None if role == Role.ADMIN else region
        found = by_region.setdefault(key, [])
        recipient = Recipient(user_id, channel, chat_id, language)
        if recipient not in found:
            found.append(recipient)
    chosen = {}
    for code in codes:
        regency = by_region.get(code, [])
        province = [r for r in by_region.get(code[:2], []) if r not in regency]
        chosen[code] = regency + province or by_region.get(None, [])
    return chosen


async def all_active_assignments(session: AsyncSession) -> list[tuple[str, str, Role, str | None]]:
    rows = await session.execute(
        select(User.channel, User.external_id, RoleAssignment.role, RoleAssignment.region_code)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.revoked_at.is_(None))
        .order_by(RoleAssignment.role, RoleAssignment.region_code, User.external_id)
    )
    return [(channel, external, Role(role), region) for channel, external, role, region in rows]


async def create_invite(
    session: AsyncSession,
    code: str,
    role: Role,
    region_code: str,
    created_by: str,
    now: datetime,
    expires_at: datetime,
) -> None:
    session.add(
        Invite(
            code=code,
            role=role,
            region_code=region_code,
            created_by=created_by,
            created_at=now,
            expires_at=expires_at,
        )
    )
    await session.flush()


async def redeem_invite(
    session: AsyncSession, code: str, user_id: int, now: datetime
) -> tuple[RoleRecord | None, InviteProblem | None]:
    """Uses the code once. The row is locked, so two people racing for one code cannot both win."""
    invite = (
        await session.execute(select(Invite).where(Invite.code == code).with_for_update())
    ).scalar_one_or_none()
    if invite is None:
        return None, InviteProblem.UNKNOWN
    if invite.used_at is not None:
        return None, InviteProblem.USED
    if invite.expires_at <= now:
        return None, InviteProblem.EXPIRED
    invite.used_at, invite.used_by_user_id = now, user_id
    role = Role(invite.role)
    await grant_role(session, user_id, role, invite.region_code, f"invite:{code}", now)
    return RoleRecord(role, invite.region_code), None


async def task_force_regions(session: AsyncSession) -> list[str | None]:
    """Every region some coordinator holds (None: the whole country, when an admin exists)."""
    rows = await session.execute(
        select(RoleAssignment.role, RoleAssignment.region_code)
        .where(RoleAssignment.revoked_at.is_(None), RoleAssignment.role.in_((Role.COORDINATOR, Role.ADMIN)))
        .distinct()
    )
    found = {None if role == Role.ADMIN else region for role, region in rows}
    return sorted(found, key=lambda code: code or "")
