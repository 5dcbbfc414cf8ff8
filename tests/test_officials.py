"""Coordinators invite village officials; officials redeem once; nobody invites outside their region."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from bot.cli import admin
from bot.cli.usage import UsageError
from db import queries, roles
from db.roles import Role, RoleRecord
from tests.harness import BotHarness, buttons_of

COORDINATOR, OFFICIAL, STRANGER = 701, 702, 703
SUNGAI_KAKAP = "61.12.09.2001"  # Kabupaten Kubu Raya (61.12)
CILACAP = "33.01.21.1002"  # another province altogether


async def user_roles(bot: BotHarness, external_id: int) -> set[RoleRecord]:
    assert bot.service.core is not None
    async with bot.service.core.sessions() as session:
        user = await queries.find_user(session, "telegram", str(external_id))
        return set() if user is None else await roles.active_roles(session, user.id)


async def test_invite_and_register_over_telegram(bot: BotHarness) -> None:
    assert bot.service.core is not None
    await admin.grant(bot.service.core, Role.COORDINATOR, f"telegram:{COORDINATOR}", "61.12")
    await bot.onboard(COORDINATOR)
    replies = await bot.say(COORDINATOR, "/undang sungai kakab")  # typo on purpose
    assert f"inv:{SUNGAI_KAKAP}" in buttons_of(replies[-1])
    replies = await bot.press(COORDINATOR, f"inv:{SUNGAI_KAKAP}")
    code = re.search(r"\n\n([A-Z2-9]{8})\n\n", replies[0]["text"]).group(1)  # type: ignore[union-attr]

    await bot.onboard(OFFICIAL)
    replies = await bot.say(OFFICIAL, f"/daftar {code.lower()}")
    assert "terdaftar sebagai perangkat desa Sungai Kakap" in replies[0]["text"]
    assert await user_roles(bot, OFFICIAL) == {RoleRecord(Role.OFFICIAL, SUNGAI_KAKAP)}
    async with bot.service.core.sessions() as session:
        official = await queries.find_user(session, "telegram", str(OFFICIAL))
    # Their anonymous checks count for the village they serve.
    assert official is not None and official.region_code == SUNGAI_KAKAP

    await bot.onboard(STRANGER)
    replies = await bot.say(STRANGER, f"/daftar {code}")
    assert "sudah dipakai" in replies[0]["text"]
    assert await user_roles(bot, STRANGER) == set()


async def test_outsiders_cannot_invite_even_with_forged_buttons(bot: BotHarness) -> None:
    assert bot.service.core is not None
    await admin.grant(bot.service.core, Role.COORDINATOR, f"telegram:{COORDINATOR}", "61.12")
    await bot.onboard(STRANGER)
    replies = await bot.say(STRANGER, "/undang sungai kakap")
    assert "hanya untuk koordinator" in replies[0]["text"]

    await bot.onboard(COORDINATOR)
    await bot.say(COORDINATOR, "/undang")  # now waiting for a village name
    replies = await bot.press_forged(COORDINATOR, f"inv:{CILACAP}")  # forged: a village of another province
    assert "tidak bisa mengundang" in replies[0]["text"]
    replies = await bot.say(COORDINATOR, "/undang cilacap")
    assert "tidak ditemukan di wilayah Anda" in replies[0]["text"]


async def test_admin_commands_check_regions(bot: BotHarness) -> None:
    core = bot.service.core
    assert core is not None
    with pytest.raises(UsageError, match="bound to a province or regency"):
        await admin.grant(core, Role.COORDINATOR, "telegram:1", SUNGAI_KAKAP)
    with pytest.raises(UsageError, match="no region"):
        await admin.grant(core, Role.COORDINATOR, "telegram:1", "99.99")
    with pytest.raises(UsageError, match="leave out --region"):
        await admin.grant(core, Role.ADMIN, "telegram:1", "61")
    assert "now admin" in await admin.grant(core, Role.ADMIN, "telegram:1", None)
    assert "already admin" in await admin.grant(core, Role.ADMIN, "telegram:1", None)
    assert await admin.listing(core) == ["admin        (everywhere)     telegram:1"]
    assert "1 role(s)" in await admin.revoke(core, "telegram:1", None)
    assert await admin.listing(core) == []
    message = await admin.invite(core, SUNGAI_KAKAP, 24)
    assert "Sungai Kakap" in message and "/daftar" in message


async def test_guessing_invite_codes_is_locked_out(bot: BotHarness) -> None:
    assert bot.service.core is not None
    real = "KQ7MZP2H"
    async with bot.service.core.sessions() as session, session.begin():
        await roles.create_invite(
            session, real, Role.OFFICIAL, SUNGAI_KAKAP, "test", bot.clock(), bot.clock() + timedelta(hours=72)
        )
    await bot.onboard(STRANGER)
    for guess in ("AAAAAAAA", "BBBBBBBB", "CCCCCCCC", "DDDDDDDD", "EEEEEEEE"):
        replies = await bot.say(STRANGER, f"/daftar {guess}")
        assert "tidak dikenal" in replies[0]["text"]
    replies = await bot.say(STRANGER, f"/daftar {real}")  # even the right code, for an hour
    assert "Terlalu banyak kode yang salah" in replies[0]["text"]
    assert await user_roles(bot, STRANGER) == set()
    bot.clock.advance(hours=1, seconds=1)
    replies = await bot.say(STRANGER, f"/daftar {real}")
    assert "terdaftar sebagai perangkat desa Sungai Kakap" in replies[0]["text"]
