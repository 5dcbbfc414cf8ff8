"""Roles, invites and who receives a region's cases; access rules decided from roles, not from buttons."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import queries
from db.roles import (
    InviteProblem,
    Role,
    RoleRecord,
    active_roles,
    all_active_assignments,
    case_recipients,
    create_invite,
    escalation_recipients,
    grant_role,
    redeem_invite,
    revoke_roles,
    task_force_regions,
)
from handlers.access import (
    covers,
    may_handle_case,
    may_invite_official,
    may_oversee,
    official_village,
    task_force_roles,
)
from tests.harness import FakeClock

VILLAGE = "61.12.09.2001"


async def test_grant_revoke_and_recipients_fall_back(sessions: async_sessionmaker[AsyncSession]) -> None:
    clock = FakeClock()
    async with sessions() as session, session.begin():
        users = [
            (await queries.get_or_create_user(session, "telegram", str(n), str(n), "id", clock()))[0]
            for n in (1, 2, 3)
        ]
        assert await case_recipients(session, "61.12") == ("nobody", [])
        assert await grant_role(session, users[2].id, Role.ADMIN, None, "cli", clock())
        assert (await case_recipients(session, "61.12"))[0] == "admin"
        assert await grant_role(session, users[1].id, Role.COORDINATOR, "61", "cli", clock())
        assert (await case_recipients(session, "61.12"))[0] == "province"
        assert await grant_role(session, users[0].id, Role.COORDINATOR, "61.12", "cli", clock())
        assert not await grant_role(session, users[0].id, Role.COORDINATOR, "61.12", "cli", clock())
        level, recipients = await case_recipients(session, "61.12")
        assert level == "regency" and [r.chat_id for r in recipients] == ["1"]
        assert (await case_recipients(session, "61.01"))[0] == "province", "other regency of the province"
        assert await revoke_roles(session, users[0].id, clock()) == 1
        assert await active_roles(session, users[0].id) == set()
        assert (await case_recipients(session, "61.12"))[0] == "province"


async def test_invite_is_single_use_and_expires(sessions: async_sessionmaker[AsyncSession]) -> None:
    clock = FakeClock()
    async with sessions() as session, session.begin():
        official, _ = await queries.get_or_create_user(session, "telegram", "10", "10", "id", clock())
        other, _ = await queries.get_or_create_user(session, "telegram", "11", "11", "id", clock())
        expires = clock() + timedelta(hours=72)
        await create_invite(session, "ABCD2345", Role.OFFICIAL, VILLAGE, "telegram:1", clock(), expires)
        await create_invite(session, "EFGH6789", Role.OFFICIAL, VILLAGE, "telegram:1", clock(), expires)
        assert await redeem_invite(session, "NOPE0000", official.id, clock()) == (
            None,
            InviteProblem.UNKNOWN,
        )
        record, problem = await redeem_invite(session, "ABCD2345", official.id, clock())
        assert problem is None and record == RoleRecord(Role.OFFICIAL, VILLAGE)
        assert await redeem_invite(session, "ABCD2345", other.id, clock()) == (None, InviteProblem.USED)
        clock.advance(hours=73)
        assert await redeem_invite(session, "EFGH6789", other.id, clock()) == (
            None,
            InviteProblem.EXPIRED,
        )
        assert await active_roles(session, other.id) == set()
        assert official_village(await active_roles(session, official.id)) == VILLAGE


async def test_revoking_one_role_keeps_the_others_and_the_lists_show_who_holds_what(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """`sigap revoke ... coordinator` takes only that role; `sigap roles` and the weekly digest list
    who holds what now (mutation testing, docs/testing.md: these had no test)."""
    clock = FakeClock()
    async with sessions() as session, session.begin():
        ana, budi, citra, dewi = [
            (await queries.get_or_create_user(session, "telegram", name, name, "id", clock()))[0]
            for name in ("ana", "budi", "citra", "dewi")
        ]
        assert await task_force_regions(session) == []
        assert await grant_role(session, ana.id, Role.COORDINATOR, "61.12", "cli", clock())
        assert await grant_role(session, ana.id, Role.ADMIN, None, "cli", clock())
        assert await grant_role(session, ana.id, Role.COORDINATOR, "61", "cli", clock()), "another region"
        assert await grant_role(session, budi.id, Role.COORDINATOR, "33.01", "cli", clock())
        assert await grant_role(session, citra.id, Role.OFFICIAL, VILLAGE, "cli", clock())
        assert await grant_role(session, dewi.id, Role.COORDINATOR, "11.01", "cli", clock())
        assert await revoke_roles(session, dewi.id, clock()) == 1
        assert await task_force_regions(session) == [None, "33.01", "61", "61.12"], "no official, no revoked"

        assert await revoke_roles(session, ana.id, clock(), Role.COORDINATOR) == 2
        assert await active_roles(session, ana.id) == {RoleRecord(Role.ADMIN, None)}
        assert await revoke_roles(session, ana.id, clock(), Role.COORDINATOR) == 0, "already revoked"
        assert await all_active_assignments(session) == [
            ("telegram", "ana", Role.ADMIN, None),
            ("telegram", "budi", Role.COORDINATOR, "33.01"),
            ("telegram", "citra", Role.OFFICIAL, VILLAGE),
        ]
        assert await task_force_regions(session) == [None, "33.01"]
        assert await revoke_roles(session, ana.id, clock()) == 1
        assert await task_force_regions(session) == ["33.01"], "no admin: not the whole country"
        assert await case_recipients(session, "61.12") == ("nobody", [])
        assert await escalation_recipients(session, "61.12") == [], "nobody, not a crash"


async def test_the_list_of_who_holds_what_is_by_role_then_region_then_account(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """`sigap admin roles` reads like a directory: granted in another order, listed in this one
    (each sort key decides some pair here)."""
    clock = FakeClock()
    granted = [
        ("ana", Role.COORDINATOR, "61.12"),
        ("zed", Role.COORDINATOR, "33.01"),
        ("citra", Role.OFFICIAL, "11.01.01.2001"),
        ("budi", Role.COORDINATOR, "33.01"),
        ("yan", Role.ADMIN, None),
    ]
    async with sessions() as session, session.begin():
        for name, role, region in granted:
            user, _ = await queries.get_or_create_user(session, "telegram", name, name, "id", clock())
            assert await grant_role(session, user.id, role, region, "cli", clock())
        assert await all_active_assignments(session) == [
            ("telegram", "yan", Role.ADMIN, None),
            ("telegram", "budi", Role.COORDINATOR, "33.01"),
            ("telegram", "zed", Role.COORDINATOR, "33.01"),
            ("telegram", "ana", Role.COORDINATOR, "61.12"),
            ("telegram", "citra", Role.OFFICIAL, "11.01.01.2001"),
        ]


async def test_an_invite_expires_at_its_hour(sessions: async_sessionmaker[AsyncSession]) -> None:
    clock = FakeClock()
    async with sessions() as session, session.begin():
        first, _ = await queries.get_or_create_user(session, "telegram", "20", "20", "id", clock())
        second, _ = await queries.get_or_create_user(session, "telegram", "21", "21", "id", clock())
        await create_invite(session, "LAST0001", Role.OFFICIAL, VILLAGE, "telegram:1", clock(), clock())
        assert await redeem_invite(session, "LAST0001", first.id, clock()) == (None, InviteProblem.EXPIRED)
        later = clock() + timedelta(seconds=1)
        await create_invite(session, "LAST0002", Role.COORDINATOR, "61.12", "telegram:1", clock(), later)
        assert await redeem_invite(session, "LAST0002", second.id, clock()) == (
            RoleRecord(Role.COORDINATOR, "61.12"),
            None,
        )
        assert await active_roles(session, second.id) == {RoleRecord(Role.COORDINATOR, "61.12")}
        assert await active_roles(session, first.id) == set()


def test_region_rules() -> None:
    regency = RoleRecord(Role.COORDINATOR, "61.12")
    province = RoleRecord(Role.COORDINATOR, "61")
    assert covers(regency, VILLAGE) and covers(province, VILLAGE)
    assert not covers(regency, "61.120.01.2001"), "61.12 is not a prefix of 61.120 by code"
    assert not covers(RoleRecord(Role.COORDINATOR, "61.01"), VILLAGE)
    assert may_handle_case({RoleRecord(Role.ADMIN, None)}, VILLAGE)
    assert not may_handle_case({RoleRecord(Role.OFFICIAL, VILLAGE)}, VILLAGE), "officials report, not handle"
    assert not may_handle_case(set(), VILLAGE)


def test_who_handles_invites_and_oversees_a_region() -> None:
    """Mutation testing (docs/testing.md) found these cases untested."""
    regency, province = RoleRecord(Role.COORDINATOR, "61.12"), RoleRecord(Role.COORDINATOR, "61")
    neighbour, admin = RoleRecord(Role.COORDINATOR, "61.71"), RoleRecord(Role.ADMIN, None)
    official = RoleRecord(Role.OFFICIAL, VILLAGE)
    assert not covers(RoleRecord(Role.COORDINATOR, None), VILLAGE), "only an admin's role has no region"
    assert may_handle_case({regency}, VILLAGE) and may_handle_case({province}, VILLAGE)
    assert not may_handle_case({neighbour}, VILLAGE), "a regency's coordinator does not cover the province"
    assert may_invite_official({regency}, VILLAGE) and not may_invite_official({neighbour, official}, VILLAGE)
    assert task_force_roles([official, regency, admin]) == [regency, admin]
    assert may_oversee({regency}, "61.12") and may_oversee({regency}, "61.12.09")
    assert not may_oversee({regency}, "61") and not may_oversee({neighbour}, "61.12")
    assert may_oversee({admin}, None) and not may_oversee({province}, None), "the whole country: admins only"
    assert official_village([regency, official]) == VILLAGE and official_village([regency]) is None
