"""Refused attempts leave an audit row (issue 14, item 16): forged case actions, someone else's
case, exports and statistics of another region, forged broadcast and invite buttons. Numbers in
button data too large for any id are refused like any unknown id: no overflow, no traceback."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.cli import admin
from db import broadcasts
from db.models import AuditEntry, Case
from db.roles import Role
from tests.harness import BotHarness

COORDINATOR, ELSEWHERE, VILLAGER = 1901, 1902, 1903
SUNGAI_KAKAP = "61.12.09.2001"
HUGE = "99999999999999999999"


async def seed(bot: BotHarness) -> tuple[int, int]:
    """A case and a broadcast in Kubu Raya (61.12); a coordinator there and one in Cilacap."""
    core = bot.service.core
    assert core is not None
    now = bot.clock()
    async with core.sessions() as session, session.begin():
        case = Case(
            reference="TPPO-6112-000001",
            kind="missing",
            status="received",
            village_code=SUNGAI_KAKAP,
            regency_code="61.12",
            province_code="61",
            verified_source=False,
            contact_allowed=True,
            details={"person_name": "Siti"},
            created_at=now,
            ack_deadline=now + timedelta(hours=2),
        )
        session.add(case)
        record = await broadcasts.create_library_once(session, "passport", "61.12", now, "test")
        await session.flush()
        ids = case.id, record.id
    await admin.grant(core, Role.COORDINATOR, f"telegram:{COORDINATOR}", "61.12")
    await admin.grant(core, Role.COORDINATOR, f"telegram:{ELSEWHERE}", "33.01")
    for user in (COORDINATOR, ELSEWHERE, VILLAGER):
        await bot.onboard(user)
    return ids


async def refusals(bot: BotHarness) -> list[tuple[str, str, int | None, str | None]]:
    assert bot.service.core is not None
    async with bot.service.core.sessions() as session:
        rows = await session.execute(
            select(AuditEntry.actor, AuditEntry.action, AuditEntry.case_id, AuditEntry.detail)
            .where(AuditEntry.action.startswith("refused_"))
            .order_by(AuditEntry.id)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


async def test_refused_attempts_are_audited(bot: BotHarness) -> None:
    case_id, broadcast_id = await seed(bot)
    attempts = [
        (ELSEWHERE, f"cs:view:{case_id}", "refused_case_action", case_id),
        (ELSEWHERE, f"cs:ack:{case_id}", "refused_case_action", case_id),
        (ELSEWHERE, f"cs:out:{case_id}:police", "refused_case_action", case_id),
        (VILLAGER, f"cs:close:{case_id}", "refused_case_action", case_id),
        (VILLAGER, f"my:add:{case_id}", "refused_reporter_action", case_id),
        (VILLAGER, "cx:csv", "refused_cases_export", None),
        (ELSEWHERE, "st:x:61.12:7", "refused_statistics", None),
        (ELSEWHERE, "st:p:*:30", "refused_statistics", None),
        (VILLAGER, f"bx:pause:{broadcast_id}", "refused_broadcast", None),
        (ELSEWHERE, f"bx:cancel:{broadcast_id}", "refused_broadcast", None),
    ]
    for user, data, _, _ in attempts:
        [answer] = await bot.press_forged(user, data)
        assert "tidak" in answer["text"].lower(), (data, answer["text"])
    await bot.say(ELSEWHERE, "/undang")
    await bot.press_forged(ELSEWHERE, f"inv:{SUNGAI_KAKAP}")  # a village outside Cilacap
    expected = [(f"telegram:{u}", action, case, data) for u, data, action, case in attempts]
    expected.append((f"telegram:{ELSEWHERE}", "refused_invite", None, f"inv:{SUNGAI_KAKAP}"))
    assert await refusals(bot) == expected
    assert bot.api.documents(VILLAGER) == [] and bot.api.documents(ELSEWHERE) == []
    assert bot.service.core is not None
    async with bot.service.core.sessions() as session:
        assert (await session.execute(select(Case.status))).scalar_one() == "received", "nothing changed"


@pytest.mark.parametrize("number", [HUGE, "2147483648", "9223372036854775808", "1" * 5000])
async def test_numbers_too_large_for_an_id_are_refused_without_a_traceback(
    bot: BotHarness, number: str, caplog: pytest.LogCaptureFixture
) -> None:
    await seed(bot)
    with caplog.at_level(logging.WARNING):
        for user, data in (
            (COORDINATOR, f"cs:view:{number}"),
            (COORDINATOR, f"cs:out:{number}:police"),
            (VILLAGER, f"my:add:{number}"),
            (COORDINATOR, f"bx:pause:{number}"),
        ):
            [answer] = await bot.press_forged(user, data)
            assert "tidak" in answer["text"].lower() and "gangguan" not in answer["text"], answer["text"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text
    assert "Traceback" not in caplog.text and "OverflowError" not in caplog.text
    assert [action for _, action, _, _ in await refusals(bot)] == [
        "refused_case_action",
        "refused_case_action",
        "refused_reporter_action",
        "refused_broadcast",
    ]
