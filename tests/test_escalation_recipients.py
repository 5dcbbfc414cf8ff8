"""The scheduler reads who overdue cases go to once for all of them: the same people, in the same
order, as asking for each regency on its own (its coordinators, then the province's, else admins)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import queries, roles
from db.roles import Recipient, Role

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
# (user, role, region, revoked)
ASSIGNMENTS = [
    ("a", Role.COORDINATOR, "61.12", False),
    ("b", Role.COORDINATOR, "61.12", False),
    ("b", Role.COORDINATOR, "61", False),  # both levels: listed once
    ("c", Role.COORDINATOR, "61", False),
    ("d", Role.COORDINATOR, "61.01", True),  # revoked: nobody for 61.01 but the province
    ("e", Role.COORDINATOR, "33.01", False),
    ("f", Role.ADMIN, None, False),
    ("g", Role.ADMIN, None, False),
    ("h", Role.OFFICIAL, "11.01.01.2001", False),  # an official never receives escalations
]
REGENCIES = ["61.12", "61.01", "33.01", "33.02", "11.01"]


def reference(
    regency: list[Recipient], province: list[Recipient], admins: list[Recipient]
) -> list[Recipient]:
    return regency + [r for r in province if r not in regency] or admins


async def test_one_lookup_reaches_who_each_regency_would(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session, session.begin():
        for name, role, region, revoked in ASSIGNMENTS:
            user, _ = await queries.get_or_create_user(session, "telegram", name, name, "id", NOW)
            await roles.grant_role(session, user.id, role, region, "test", NOW)
            if revoked:
                await roles.revoke_roles(session, user.id, NOW, role)
    async with sessions() as session:
        together = await roles.escalation_recipients_of(session, [*REGENCIES, "61.12"])
        assert set(together) == set(REGENCIES)
        admins = await roles.holders(session, Role.ADMIN, None)
        for code in REGENCIES:
            alone = reference(
                await roles.holders(session, Role.COORDINATOR, code),
                await roles.holders(session, Role.COORDINATOR, code[:2]),
                admins,
            )
            assert together[code] == alone, code
            assert together[code] == await roles.escalation_recipients(session, code)
        chats = {code: [r.chat_id for r in found] for code, found in together.items()}
    assert chats == {
        "61.12": ["a", "b", "c"],
        "61.01": ["b", "c"],
        "33.01": ["e"],
        "33.02": ["f", "g"],
        "11.01": ["f", "g"],
    }
