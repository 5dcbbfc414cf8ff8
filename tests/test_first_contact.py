"""A platform lets no bot write first (issue 14, "Also"):
- Telegram: a coordinator granted a role before ever writing to the bot gets the case forwards
  once they send /start (they were held, not dropped); whoever granted the role is told.
- WhatsApp: `sigap admin grant` does not count as the person having written (the 24-hour window
  stays closed: the case goes as a template), and the template's button opens the case even
  before onboarding. Exports go to WhatsApp as XLSX: it sends no CSV file (error 131053)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.cli import admin
from db import outbox
from db.models import Case, OutboxMessage, User
from db.roles import Role
from tests.harness import BotHarness, sigap_command
from tests.test_reports_e2e import arrival, file_report
from tests.test_whatsapp_e2e import graph_api, wa  # noqa: F401 (fixtures)
from tests.whatsapp_harness import WhatsAppHarness

COORDINATOR, VILLAGER = 2101, 2102
WA_COORDINATOR, WA_VILLAGER = "6281100002101", "6281100002102"
NOT_WRITTEN = "has not written to Sigap yet"


async def column(harness: Any, statement: Any) -> list[Any]:
    async with harness.service.core.sessions() as session:
        return list((await session.execute(statement)).scalars())


async def until(check: Any, within: float = 60.0) -> None:
    deadline = time.monotonic() + within
    while not await check():
        assert time.monotonic() < deadline, "never happened"
        await asyncio.sleep(0.05)


async def test_forwards_wait_for_a_coordinator_who_never_wrote_and_go_at_their_start(bot: BotHarness) -> None:
    core = bot.service.core
    assert core is not None
    said = await admin.grant(core, Role.COORDINATOR, f"telegram:{COORDINATOR}", "61.12")
    assert NOT_WRITTEN in said and "/start" in said
    await bot.onboard(VILLAGER)
    reference = await file_report(bot, VILLAGER)
    forwards = select(OutboxMessage.status).where(OutboxMessage.chat_id == str(COORDINATOR))

    async def held() -> bool:
        return await column(bot, forwards) == ["held"]

    await until(held)
    assert bot.api.sent(COORDINATOR) == []
    assert ("sendmessage", "Forbidden: bot can't initiate conversation with a user") in bot.api.refused
    assert await column(bot, select(User.blocked).where(User.external_id == str(COORDINATOR))) == [False]

    [welcome] = await bot.say(COORDINATOR, "/start")
    assert "Pilih bahasa" in welcome["text"]
    [forward] = await arrival(bot, COORDINATOR, 1)
    assert reference in forward["text"]
    await asyncio.sleep(1.5)  # a duplicate would have come by now
    assert [m for m in bot.api.sent(COORDINATOR) if reference in m["text"]] == [forward]
    assert await column(bot, forwards) == ["sent"]
    # Someone who has written is granted without the note.
    assert NOT_WRITTEN not in await admin.grant(core, Role.ADMIN, f"telegram:{VILLAGER}", None)


def test_sigap_admin_grant_tells_the_operator(cli_database: Path) -> None:
    done = sigap_command(
        "admin", "grant", "coordinator", "telegram:2103", "--region", "61.12", sqlite_path=cli_database
    )
    assert done.returncode == 0, done.stderr
    assert "is now coordinator" in done.stdout and NOT_WRITTEN in done.stdout


async def test_whatsapp_grant_keeps_the_window_closed_and_the_template_opens_the_case(
    wa: WhatsAppHarness,  # noqa: F811
) -> None:
    core = wa.service.core
    assert core is not None
    said = await admin.grant(core, Role.COORDINATOR, f"whatsapp:{WA_COORDINATOR}", "61.12")
    assert NOT_WRITTEN in said
    assert await column(wa, select(User.last_seen_at).where(User.external_id == WA_COORDINATOR)) == [None]
    wa.api.closed_windows.add(WA_COORDINATOR)  # as on WhatsApp: they never wrote
    await wa.onboard(WA_VILLAGER)
    reference = await file_report(wa, WA_VILLAGER, kind="missing", photo=True)  # type: ignore[arg-type]
    await wa.api.wait_for_sent(1, chat_id=WA_COORDINATOR)
    number = (await column(wa, select(Case.id).where(Case.reference == reference)))[0]
    [alert] = wa.api.sent(WA_COORDINATOR)
    assert alert["kind"] == "template" and alert["buttons"] == [f"cs:view:{number}"]
    assert all(p["type"] == "template" for p in wa.api.accepted if p["to"] == WA_COORDINATOR), (
        "no free-form message that would fail with 131047"
    )
    # The case's photo has no template: outside the window it is not sent (the template's button
    # shows it). Pressed only once the outbox is done with it, as a person would, seconds later.
    to_coordinator = OutboxMessage.chat_id == WA_COORDINATOR
    statuses = select(OutboxMessage.status).where(to_coordinator).order_by(OutboxMessage.id)

    async def settled() -> bool:
        return "pending" not in await column(wa, statuses)

    await until(settled)
    errors = select(OutboxMessage.last_error).where(to_coordinator).order_by(OutboxMessage.id)
    rows = sorted(zip(await column(wa, statuses), await column(wa, errors), strict=True))
    assert rows == [("failed", outbox.NO_TEMPLATE), ("sent", None)], rows
    assert len(wa.api.sent(WA_COORDINATOR)) == 1

    replies = await wa.press(WA_COORDINATOR, f"cs:view:{number}")  # before any onboarding
    assert not any("Pilih bahasa" in r["text"] for r in replies)
    photo, case = replies
    assert photo["kind"] == "image" and reference in case["text"]
    assert f"cs:ack:{number}" in case["buttons"]


async def test_whatsapp_exports_go_as_xlsx(wa: WhatsAppHarness) -> None:  # noqa: F811
    core = wa.service.core
    assert core is not None
    await admin.grant(core, Role.COORDINATOR, f"whatsapp:{WA_COORDINATOR}", "61.12")
    await wa.onboard(WA_COORDINATOR)
    await wa.onboard(WA_VILLAGER)
    await file_report(wa, WA_VILLAGER, kind="warning")  # type: ignore[arg-type]
    replies = await wa.say(WA_COORDINATOR, "/kasus")  # (the case's forward may come in between)
    listing = next(m for m in replies if any(b.startswith("cs:view:") for b in m["buttons"]))
    assert "cx:xlsx" in listing["buttons"] and "cx:csv" not in listing["buttons"]
    replies = await wa.press_forged(WA_COORDINATOR, "cx:csv")  # a CSV button from an old message
    [document] = [m for m in replies if m["kind"] == "document"]  # (the case's forward may come too)
    assert document["kind"] == "document" and document["filename"].endswith(".xlsx")
    assert wa.api.refused_uploads == []
