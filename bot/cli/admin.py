"""`sigap admin`: create coordinators and admins, revoke roles, make invite codes, list who holds what."""

from __future__ import annotations

import argparse
import asyncio
import re
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.usage import UsageError
from bot.config import Settings
from db import queries, regions, roles
from db.roles import Role
from handlers.cases.officials import new_invite_code

if TYPE_CHECKING:
    from bot.app import Core

# What region each role is bound to (Kemendagri code levels: 1 province, 2 regency, 4 village).
REGION_LEVELS = {Role.COORDINATOR: (1, 2), Role.OFFICIAL: (4,), Role.ADMIN: ()}


# A Telegram user id is a positive 64-bit number; a WhatsApp account is an international number
# (E.164: country code first, at most 15 digits), stored as WhatsApp sends it, digits only.
TELEGRAM_ID = re.compile(r"[1-9][0-9]{0,18}")
PHONE_NUMBER = re.compile(r"[1-9][0-9]{7,14}")
PHONE_PUNCTUATION = re.compile(r"[\s().-]")
# The user of `sigap demo` in this terminal ("demo"), so the demo can play a coordinator.
CONSOLE_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")
ACCOUNT_FORMS = "telegram:<user id>, whatsapp:<number with country code> or console:demo"


def parse_account(account: str) -> tuple[str, str]:
    """'telegram:123456789' -> ('telegram', '123456789'); 'whatsapp:+62 812-3456-7890' ->
    ('whatsapp', '6281234567890'); anything else is refused with how to write it."""
    channel, _, given = account.strip().partition(":")
    channel, value = channel.strip().lower(), given.strip()
    if channel == "telegram":
        if not TELEGRAM_ID.fullmatch(value) or int(value) >= 2**63:
            raise UsageError(
                f"account {account!r}: a Telegram user id is a number such as telegram:123456789 "
                "(not a @username): the person sends /start to @userinfobot to see theirs"
            )
        return channel, value
    if channel == "whatsapp":
        digits = PHONE_PUNCTUATION.sub("", value).removeprefix("+")
        if digits.startswith("0"):
            raise UsageError(
                f"account {account!r}: write the WhatsApp number with its country code, "
                f"e.g. whatsapp:+62{digits[1:] or '81234567890'} (not 0...)"
            )
        if not PHONE_NUMBER.fullmatch(digits):
            raise UsageError(
                f"account {account!r}: a WhatsApp account is an international phone number, "
                "e.g. whatsapp:+6281234567890"
            )
        return channel, digits
    if channel == "console":
        if not CONSOLE_ID.fullmatch(value):
            raise UsageError(f"account {account!r}: the demo's user is console:demo")
        return channel, value
    raise UsageError(f"account {account!r}: write it as {ACCOUNT_FORMS}")


async def grant(core: Core, role: Role, account: str, region_code: str | None) -> str:
    channel, external_id = parse_account(account)
    async with core.sessions() as session, session.begin():
        label = await _check_region(session, role, region_code)
        now = core.engine_clock()
        # The chat's id is the user's id (Telegram private chat, WhatsApp number). Granting is not
        # a message from them: WhatsApp's 24-hour window stays closed until they write.
        user, has_written = await queries.ensure_user(
            session, channel, external_id, external_id, core.services.content.default_language, now
        )
        added = await roles.grant_role(session, user.id, role, region_code, "cli", now)
    where = f" for {label}" if label else ""
    done = f"{account} is {'now' if added else 'already'} {role}{where}"
    if has_written:
        return done
    return (
        f"{done}\n{account} has not written to Sigap yet, and a bot may not write first: ask them to "
        "open Sigap and send /start (on WhatsApp, any message). Cases for them wait until they do."
    )


async def revoke(core: Core, account: str, role: Role | None) -> str:
    channel, external_id = parse_account(account)
    async with core.sessions() as session, session.begin():
        user = await queries.find_user(session, channel, external_id)
        if user is None:
            raise UsageError(f"{account} has never used Sigap and holds no role")
        count = await roles.revoke_roles(session, user.id, core.engine_clock(), role)
    return f"{count} role(s) of {account} revoked"


async def invite(core: Core, village_code: str, hours: int) -> str:
    async with core.sessions() as session, session.begin():
        label = await _check_region(session, Role.OFFICIAL, village_code)
        code = new_invite_code()
        now = core.engine_clock()
        await roles.create_invite(
            session, code, Role.OFFICIAL, village_code, "cli", now, now + timedelta(hours=hours)
        )
    return f"invite code for {label}: {code} (valid {hours} h; the official sends /daftar {code})"


async def listing(core: Core) -> list[str]:
    async with core.sessions() as session:
        rows = await roles.all_active_assignments(session)
    return [
        f"{role:<12} {region or '(everywhere)':<16} {channel}:{external}"
        for channel, external, role, region in rows
    ]


async def _check_region(session: AsyncSession, role: Role, region_code: str | None) -> str:
    levels = REGION_LEVELS[role]
    if not levels:
        if region_code:
            raise UsageError("admins hold their role everywhere: leave out --region")
        return ""
    if not region_code:
        raise UsageError(f"a {role} needs --region (a Kemendagri code)")
    region = await regions.get_region(session, region_code)
    if region is None:
        raise UsageError(f"no region with code {region_code}; find it with `sigap regions search`")
    if region.level not in levels:
        kinds = {1: "province", 2: "regency/city", 4: "village"}
        raise UsageError(f"a {role} is bound to a {' or '.join(kinds[n] for n in levels)}, not {region.name}")
    return f"{region.name} ({region.code})"


def arguments_admin(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="admin_command", required=True)
    grant = sub.add_parser("grant", help="make someone a coordinator or an admin")
    grant.add_argument("role", choices=["coordinator", "admin"])
    grant.add_argument(
        "account",
        help="telegram:<user id> (they send /start to @userinfobot), whatsapp:+<country code><number>, "
        "or console:demo (the user of `sigap demo`)",
    )
    grant.add_argument("--region", help="coordinator: regency/city code (61.12) or province code (61)")
    revoke = sub.add_parser("revoke", help="take roles away")
    revoke.add_argument("account")
    revoke.add_argument("--role", choices=["official", "coordinator", "admin"], help="only this role")
    invite = sub.add_parser("invite", help="one-time invite code for a village official")
    invite.add_argument("--village", required=True, help="village code, e.g. 61.12.09.2001")
    invite.add_argument("--hours", type=int, default=72, help="valid for (default 72)")
    sub.add_parser("list", help="who holds which role where")


def run_admin(args: argparse.Namespace, settings: Settings) -> int:
    for line in asyncio.run(_admin(settings, args)):
        print(line)
    return 0


async def _admin(settings: Settings, args: argparse.Namespace) -> list[str]:
    from bot.cli.core import opened_core

    async with opened_core(settings) as core:
        if args.admin_command == "grant":
            return [await grant(core, Role(args.role), args.account, args.region)]
        if args.admin_command == "revoke":
            return [await revoke(core, args.account, Role(args.role) if args.role else None)]
        if args.admin_command == "invite":
            return [await invite(core, args.village, args.hours)]
        return await listing(core) or ["nobody holds a role yet"]
