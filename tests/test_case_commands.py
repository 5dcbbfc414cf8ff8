"""`sigap cases list/show/ack/progress/close/note` at a terminal: acting as a named account, with the
chat's roles, regions and audit; the reporter hears as from the chat."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import admin
from bot.cli import cases as case_admin
from bot.cli.cases import CaseCommandRefused, CaseFilter
from bot.cli.usage import UsageError
from db import audit
from db import cases as case_queries
from db.roles import Role
from tests.harness import BotHarness, sigap_command
from tests.test_reports_e2e import arrival, case_id, file_report, grant

COORDINATOR, VILLAGER, OUTSIDER, OTHER_REGENCY, ADMIN = 901, 902, 903, 904, 905


async def test_coordinator_lists_acts_and_notes_at_the_terminal(bot: BotHarness) -> None:
    core = bot.service.core
    assert core is not None
    await grant(bot, COORDINATOR, Role.COORDINATOR, "61.12")
    await bot.onboard(VILLAGER)
    first = await file_report(bot, VILLAGER)
    second = await file_report(bot, VILLAGER, kind="warning")
    me = f"telegram:{COORDINATOR}"

    table = await case_admin.listing(core, me, CaseFilter(), "en")
    assert table[0].split() == ["REFERENCE", "KIND", "STATUS", "VILLAGE", "REPORTED", "AGE", "ACK"]
    assert first in table[1] and "Sungai Kakap" in table[1] and second in table[2]
    assert "2026-11-23 10:00 WIB" in table[1]  # the village's own time (03:00 UTC)
    assert table[-1].startswith("2 case(s)")
    only_warnings = await case_admin.listing(core, me, CaseFilter(kind="warning"), "en")
    assert second in "\n".join(only_warnings) and first not in "\n".join(only_warnings)
    assert await case_admin.listing(core, me, CaseFilter(older_than_days=1), "en") == ["no cases match"]
    bot.clock.advance(days=2)
    assert len(await case_admin.listing(core, me, CaseFilter(older_than_days=1), "en")) == 4
    district = await case_admin.listing(core, me, CaseFilter(region="61.12.09"), "en")
    assert first in "\n".join(district)

    seen = len(bot.api.sent(VILLAGER))
    said = await case_admin.act(core, me, first, "ack", None, "en")
    assert "Saved." in said[0] and "(the reporter is told through Sigap)" in said
    [told] = await arrival(bot, VILLAGER, seen)
    assert "sudah diterima Gugus Tugas" in told["text"]

    said = await case_admin.note(core, me, first, "Keluarga ditemui; polisi sudah dihubungi", "en")
    assert "Saved." in said[0]
    shown = "\n".join(await case_admin.show(core, me, first, "en"))
    assert "Siti Aminah" in shown and "note: Keluarga ditemui; polisi sudah dihubungi" in shown

    with pytest.raises(UsageError, match="--outcome"):
        await case_admin.act(core, me, first, "close", None, "en")
    await case_admin.act(core, me, first, "close", "found_safe", "en")
    with pytest.raises(CaseCommandRefused, match="already closed"):
        await case_admin.act(core, me, first, "ack", None, "en")
    closed = await case_admin.listing(core, me, CaseFilter(status="closed"), "en")
    assert first in closed[1] and "closed (found_safe)" in closed[1] and len(closed) == 3

    number = await case_id(bot, first)
    async with core.sessions() as session:
        case = await case_queries.get_case(session, number)
        events = [e.action for e in await case_queries.history(session, number)]
        actions = [(e.actor, e.action) for e in await audit.entries(session, number, 100)]
    assert case is not None and case.status == "closed" and case.outcome == "found_safe"
    assert events[-3:] == ["acknowledged", "note", "closed"]
    assert (me, "case_note_added") in actions and (me, "case_closed") in actions


async def test_others_are_refused_politely_and_audited(bot: BotHarness) -> None:
    core = bot.service.core
    assert core is not None
    await grant(bot, COORDINATOR, Role.COORDINATOR, "61.12")
    await grant(bot, OTHER_REGENCY, Role.COORDINATOR, "61.71")
    await bot.onboard(OUTSIDER)
    await bot.onboard(VILLAGER)
    reference = await file_report(bot, VILLAGER)
    number = await case_id(bot, reference)

    for account in (f"telegram:{OUTSIDER}", f"telegram:{OTHER_REGENCY}"):
        for attempt in (
            case_admin.act(core, account, reference, "ack", None, "en"),
            case_admin.note(core, account, reference, "x", "en"),
            case_admin.show(core, account, reference, "en"),
        ):
            with pytest.raises(CaseCommandRefused, match="no access to that case"):
                await attempt
    with pytest.raises(CaseCommandRefused, match="not a coordinator or an admin"):
        await case_admin.listing(core, f"telegram:{OUTSIDER}", CaseFilter(), "en")
    with pytest.raises(CaseCommandRefused, match=r"61\.71 only, not of 61\.12"):
        await case_admin.listing(core, f"telegram:{OTHER_REGENCY}", CaseFilter(region="61.12"), "en")
    # Another regency's coordinator sees nothing of Kubu Raya's.
    assert await case_admin.listing(core, f"telegram:{OTHER_REGENCY}", CaseFilter(), "en") == [
        "no cases match"
    ]
    with pytest.raises(UsageError, match="never used Sigap"):
        await case_admin.listing(core, "telegram:4242", CaseFilter(), "en")
    with pytest.raises(UsageError, match="no case 'TPPO-6112-999999'"):
        await case_admin.show(core, f"telegram:{COORDINATOR}", "TPPO-6112-999999", "en")

    async with core.sessions() as session:
        case = await case_queries.get_case(session, number)
        refusals = [
            e.action for e in await audit.entries(session, None, 100) if e.action.startswith("refused")
        ]
    assert case is not None and case.status == "received"
    assert refusals.count("refused_case_action") == 6 and refusals.count("refused_cases_list") == 2


async def test_admin_sees_every_region(bot: BotHarness) -> None:
    core = bot.service.core
    assert core is not None
    await admin.grant(core, Role.ADMIN, f"telegram:{ADMIN}", None)
    await bot.onboard(ADMIN)
    await bot.onboard(VILLAGER)
    reference = await file_report(bot, VILLAGER)
    table = await case_admin.listing(core, f"telegram:{ADMIN}", CaseFilter(region="61"), "en")
    assert reference in table[1]


def test_the_command_line_explains_mistakes(cli_database: Path) -> None:
    done = sigap_command("cases", "list", "--as", "telegram:12345", sqlite_path=cli_database)
    assert done.returncode == 2 and "telegram:12345 has never used Sigap" in done.stderr
    done = sigap_command("cases", "close", "TPPO-6112-000001", "--as", "telegram:1", sqlite_path=cli_database)
    assert done.returncode == 2 and "--outcome" in done.stderr
    done = sigap_command("cases", "list", sqlite_path=cli_database)
    assert done.returncode == 2 and "--as" in done.stderr
    done = sigap_command(
        "cases", "list", "--as", "telegram:1", "--older-than", "-2", sqlite_path=cli_database
    )
    assert done.returncode == 2 and "a number of days such as 3, not '-2'" in done.stderr
