"""Who may do what where: decided from the roles in the database, never from what a button says."""

from __future__ import annotations

from collections.abc import Iterable

from db.roles import Role, RoleRecord, active_roles
from handlers.context import Turn


def covers(record: RoleRecord, region_code: str) -> bool:
    """Does this role's region contain the given region (codes nest: 61 > 61.12 > 61.12.09.2001)?"""
    if record.role == Role.ADMIN:
        return True
    if record.region_code is None:
        return False
    return region_code == record.region_code or region_code.startswith(record.region_code + ".")


def task_force_roles(roles: Iterable[RoleRecord]) -> list[RoleRecord]:
    """The coordinator and admin roles: those that act on cases, invites and broadcasts."""
    return [r for r in roles if r.role in (Role.COORDINATOR, Role.ADMIN)]


async def my_task_force_roles(turn: Turn) -> list[RoleRecord]:
    """The coordinator and admin roles the user holds now, read from the database."""
    return task_force_roles(await active_roles(turn.session, turn.user.id))


def may_oversee(roles: Iterable[RoleRecord], region_code: str | None) -> bool:
    """May see and manage what concerns a region (its broadcasts, its statistics): admins
    everywhere, including the whole country (None); coordinators their region and inside it."""
    if region_code is None:
        return any(r.role == Role.ADMIN for r in roles)
    return any(covers(r, region_code) for r in roles)


def may_handle_case(roles: Iterable[RoleRecord], village_code: str) -> bool:
    """Coordinators of the case's regency or province, and admins."""
    return any(covers(r, village_code) for r in task_force_roles(roles))


def may_invite_official(roles: Iterable[RoleRecord], village_code: str) -> bool:
    return may_handle_case(roles, village_code)


def official_village(roles: Iterable[RoleRecord]) -> str | None:
    """The village a registered official speaks for (reports from them are a verified source)."""
    return next((r.region_code for r in roles if r.role == Role.OFFICIAL), None)
