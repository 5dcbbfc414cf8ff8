"""Personal data (UU PDP): a user sees everything held about them and can delete it; reports stay
with the task force, detached; every view, export and change of a case is in the audit log; no
report's name or phone number reaches the logs."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.cli import admin
from db import audit, subscriptions
from db.models import Case, OutboxMessage, Subscription, User
from db.roles import Role
from tests.harness import BotHarness, sigap_command
from tests.test_reports_e2e import ID, SUNGAI_KAKAP, arrival, case_id, file_report

COORDINATOR, VILLAGER = 811, 812


async def test_see_then_delete_my_data_and_the_report_stays_detached(bot: BotHarness) -> None:
    assert bot.service.core is not None
    await admin.grant(bot.service.core, Role.COORDINATOR, f"telegram:{COORDINATOR}", "61.12")
    await bot.onboard(COORDINATOR)
    await bot.onboard(VILLAGER)
    forwarded_before = len(bot.api.sent(COORDINATOR))
    reference = await file_report(bot, VILLAGER)
    number = await case_id(bot, reference)
    await arrival(bot, COORDINATOR, forwarded_before)  # the outbox forwards it: its buttons are pressed below
    async with bot.service.core.sessions() as session, session.begin():
        user = (await session.execute(select(User).where(User.external_id == str(VILLAGER)))).scalar_one()
        await subscriptions.subscribe(session, user.id, SUNGAI_KAKAP, "id", bot.clock())
        villager_id = user.id

    [mine] = await bot.say(VILLAGER, "/dataku")
    for expected in (
        f"telegram {VILLAGER}",
        "versi 1",
        "Sungai Kakap",
        reference,
        "Siti Aminah",
        "+85512345678",
        "kode acak",  # what "seen before" keeps of recruiters, without who checked (issue 20)
    ):
        assert expected in mine["text"], expected
    [question] = await bot.press(VILLAGER, "dx:ask")
    assert question["text"] == ID("mydata.erase_explained", count=1)
    [done] = await bot.press(VILLAGER, "dx:yes")
    assert done["text"].startswith(ID("mydata.erased", count=1))

    async with bot.service.core.sessions() as session:
        tombstone = (await session.execute(select(User).where(User.id == villager_id))).scalar_one()
        assert (tombstone.external_id, tombstone.chat_id, tombstone.privacy_version) == (
            f"deleted:{villager_id}",
            "",
            None,
        )
        case = (await session.execute(select(Case).where(Case.id == number))).scalar_one()
        assert case.reporter_user_id is None and case.details["person_name"] == "Siti Aminah"
        assert (await session.execute(select(func.count()).select_from(Subscription))).scalar_one() == 0

    # The task force still works the case; nobody is told on the old chat.
    seen = len(bot.api.sent(VILLAGER))
    replies = await bot.press(COORDINATOR, f"cs:ack:{number}")
    assert "diterima Gugus Tugas" in replies[0]["text"]
    async with bot.service.core.sessions() as session:
        to_old_chat = (
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.chat_id == str(VILLAGER))
        )
        sent_before = (await session.execute(to_old_chat)).scalar_one()
        log = await audit.entries(session, number)
    assert len(bot.api.sent(VILLAGER)) == seen
    assert [e.action for e in log][:2] == ["case_viewed", "case_acknowledged"]
    assert log[0].actor == f"telegram:{COORDINATOR}"
    assert sent_before <= 1, "only the report's own confirmation path, nothing after the deletion"

    # Writing again starts afresh, as a new user.
    replies = await bot.say(VILLAGER, "/start")
    assert replies[-1]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "lang:id"


async def test_no_name_or_phone_of_a_report_reaches_the_logs(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    assert bot.service.core is not None
    await admin.grant(bot.service.core, Role.COORDINATOR, f"telegram:{COORDINATOR}", "61.12")
    await bot.onboard(COORDINATOR)
    await bot.onboard(VILLAGER)
    bot.api.fail_next("sendMessage", 500, times=2)  # failures get logged: still nothing personal
    with caplog.at_level(logging.DEBUG):
        seen = len(bot.api.sent(COORDINATOR))
        await file_report(bot, VILLAGER)
        await arrival(bot, COORDINATOR, seen)
    assert caplog.records, "the test saw the logs"
    for secret in ("Siti Aminah", "85512345678", "855 12 345 678", "Sihanoukville", "gaji 15 juta"):
        assert secret not in caplog.text, secret


def test_audit_command_shows_exports(tmp_path: Path, cli_database: Path) -> None:
    database = cli_database
    export = sigap_command("cases", "export", "--output", str(tmp_path / "k.csv"), sqlite_path=database)
    assert export.returncode == 0, export.stderr
    shown = sigap_command("audit", sqlite_path=database)
    assert shown.returncode == 0 and "cli" in shown.stdout and "cases_exported" in shown.stdout
    missing = sigap_command("audit", "--case", "TPPO-0000-000009", sqlite_path=database)
    assert missing.returncode == 2 and "no case" in missing.stderr
