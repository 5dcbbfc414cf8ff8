"""Reports end to end over the fake Bot API: a villager reports, the regency's coordinator gets it,
acts on it, the reporter hears back; outsiders change nothing; overdue reports escalate."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bot.cli import admin
from db import cases as case_queries
from db.models import Case, CaseEvent, OutboxMessage
from db.roles import Role
from ground.i18n import Content, default_content_dir
from tests.harness import BotHarness, buttons_of

ROOT = Path(__file__).resolve().parent.parent
COORDINATOR, VILLAGER, OUTSIDER, PROVINCE, OFFICIAL = 801, 802, 803, 804, 805
SUNGAI_KAKAP = "61.12.09.2001"  # Kubu Raya (61.12), West Kalimantan (61)
ID = Content.load(default_content_dir(), "id").texts("id")


async def file_report(bot: BotHarness, user: int, kind: str = "missing", photo: bool = False) -> str:
    """Goes through the whole form as a villager would; returns the case reference."""
    await bot.press(user, "menu:report")
    await bot.press(user, "rp:yes")
    replies = await bot.press(user, f"rp:k:{kind}")
    assert "Siapa nama orang itu?" in replies[-1]["text"]
    await bot.say(user, "Siti Aminah")
    replies = await bot.say(user, "umur 19 atau 20")  # no one age: asked again, politely
    assert "Tulis angka saja" in replies[-1]["text"]
    await bot.say(user, "umurnya 19 tahun")
    await bot.press(user, "rp:c:female")
    replies = await bot.say(user, "sungai kakab")  # typo: the search still finds it
    assert f"rp:v:{SUNGAI_KAKAP}" in buttons_of(replies[-1])
    await bot.press(user, f"rp:v:{SUNGAI_KAKAP}")
    await bot.say(user, "Kamboja, Sihanoukville")
    replies = await bot.say(user, "31-31-2026")
    assert "25-12-2025" in replies[-1]["text"]  # the date format is explained
    await bot.say(user, "01-10-2026")
    if kind == "missing":
        await bot.say(user, "15-10-2026")
    await bot.say(user, "Kerja admin online, gaji 15 juta, tiket ditanggung")
    await bot.press(user, "rp:skip")  # recruiter name
    replies = await bot.say(user, "halo")  # not a phone number
    assert "tidak dikenali" in replies[-1]["text"]
    await bot.say(user, "+855 12 345 678")
    await bot.press(user, "rp:skip")  # social media
    if photo:
        replies = await bot.send_photo(user)
        assert replies, "a report's photo is answered before the webhook's 200 (crash-safe)"
    else:
        await bot.press(user, "rp:skip")  # photo
    await bot.press(user, "rp:c:parent")
    replies = await bot.press(user, "rp:c:yes")
    summary = replies[-1]
    assert "Siti Aminah" in summary["text"] and "Sungai Kakap, Kec. Sungai Kakap" in summary["text"]
    assert "Kabupaten Kubu Raya" in summary["text"]
    assert buttons_of(summary)[0] == "rp:send"
    replies = await bot.press(user, "rp:send")
    match = re.search(r"TPPO-6112-\d{6}", replies[0]["text"])
    assert match, replies[0]["text"]
    return match.group(0)


async def arrival(bot: BotHarness, chat: int, baseline: int, count: int = 1) -> list[dict[str, Any]]:
    """Waits until `count` messages more than `baseline` reached the chat (the outbox sends them)."""
    await bot.api.wait_for_sent(baseline + count, chat_id=chat)
    return bot.api.sent(chat)[baseline:]


async def case_id(bot: BotHarness, reference: str) -> int:
    assert bot.service.core is not None
    async with bot.service.core.sessions() as session:
        return int((await session.execute(select(Case.id).where(Case.reference == reference))).scalar_one())


async def grant(bot: BotHarness, account: int, role: Role, region: str | None) -> None:
    assert bot.service.core is not None
    await admin.grant(bot.service.core, role, f"{bot.channel}:{account}", region)
    await bot.onboard(account)


async def test_report_reaches_coordinator_who_acknowledges_and_reporter_hears(bot: BotHarness) -> None:
    await grant(bot, COORDINATOR, Role.COORDINATOR, "61.12")
    await bot.onboard(VILLAGER)
    seen = len(bot.api.sent(COORDINATOR))
    reference = await file_report(bot, VILLAGER)
    assert reference == "TPPO-6112-000001"

    [forward] = await arrival(bot, COORDINATOR, seen)
    assert (
        reference in forward["text"]
        and "Siti Aminah" in forward["text"]
        and "+85512345678" in forward["text"]
    )
    number = await case_id(bot, reference)
    assert buttons_of(forward) == [
        f"cs:ack:{number}",
        f"cs:prog:{number}",
        f"cs:info:{number}",
        f"cs:close:{number}",
    ]

    seen = len(bot.api.sent(VILLAGER))
    replies = await bot.press(COORDINATOR, f"cs:ack:{number}")
    assert "diterima Gugus Tugas" in replies[0]["text"]
    [told] = await arrival(bot, VILLAGER, seen)
    assert ID("cases.reporter.acknowledged", reference=reference) in told["text"]

    # Request more information: the reporter is asked and answers.
    await bot.press(COORDINATOR, f"cs:info:{number}")
    seen = len(bot.api.sent(VILLAGER))
    await bot.say(COORDINATOR, "Apakah ada nomor WhatsApp Siti yang terakhir?")
    [question] = await arrival(bot, VILLAGER, seen)
    assert "nomor WhatsApp Siti" in question["text"] and buttons_of(question) == [f"my:add:{number}"]
    await bot.press(VILLAGER, f"my:add:{number}")
    seen = len(bot.api.sent(COORDINATOR))
    replies = await bot.say(VILLAGER, "Nomornya +62 812 0000 1111, terakhir aktif 20 Oktober")
    assert ID("cases.info_sent", reference=reference) in replies[0]["text"]
    [answer] = await arrival(bot, COORDINATOR, seen)
    assert "terakhir aktif 20 Oktober" in answer["text"]

    # Close with an outcome; the reporter is told in their language.
    await bot.press(COORDINATOR, f"cs:close:{number}")
    seen = len(bot.api.sent(VILLAGER))
    await bot.press(COORDINATOR, f"cs:out:{number}:found_safe")
    [closed] = await arrival(bot, VILLAGER, seen)
    assert "Ditemukan selamat" in closed["text"]

    assert bot.service.core is not None
    async with bot.service.core.sessions() as session:
        case = await case_queries.get_case(session, number)
        events = [e.action for e in await case_queries.history(session, number)]
    assert case is not None and (case.status, case.outcome) == ("closed", "found_safe")
    assert events == ["created", "forwarded", "acknowledged", "info_requested", "info_added", "closed"]
    replies = await bot.say(VILLAGER, "/laporan")
    assert f"{reference}: ditutup" in replies[0]["text"]


async def test_outsider_with_forged_buttons_changes_nothing(bot: BotHarness) -> None:
    await grant(bot, COORDINATOR, Role.COORDINATOR, "61.12")
    await grant(bot, OUTSIDER, Role.COORDINATOR, "33.01")  # a coordinator, but of Cilacap
    await bot.onboard(VILLAGER)
    number = await case_id(bot, await file_report(bot, VILLAGER))
    for data in (f"cs:ack:{number}", f"cs:out:{number}:unfounded", f"cs:view:{number}", f"cs:info:{number}"):
        replies = await bot.press_forged(OUTSIDER, data)
        assert "tidak punya akses" in replies[0]["text"], data
    replies = await bot.press_forged(VILLAGER, f"cs:ack:{number}")  # the reporter is no coordinator either
    assert "tidak punya akses" in replies[0]["text"]
    replies = await bot.press_forged(OUTSIDER, f"my:add:{number}")  # nor is anyone else the reporter
    assert "tidak punya akses" in replies[0]["text"]
    assert bot.service.core is not None
    async with bot.service.core.sessions() as session:
        case = await case_queries.get_case(session, number)
        assert case is not None and case.status == "received"
        actions = (
            await session.execute(select(CaseEvent.action).where(CaseEvent.case_id == number))
        ).scalars()
        assert list(actions) == ["created", "forwarded"]


async def test_unacknowledged_report_escalates_to_the_province_once(bot: BotHarness) -> None:
    await grant(bot, COORDINATOR, Role.COORDINATOR, "61.12")
    await grant(bot, PROVINCE, Role.COORDINATOR, "61")
    await bot.onboard(VILLAGER)
    regency_seen, province_seen = len(bot.api.sent(COORDINATOR)), len(bot.api.sent(PROVINCE))
    number = await case_id(bot, await file_report(bot, VILLAGER))
    await arrival(bot, COORDINATOR, regency_seen)
    assert len(bot.api.sent(PROVINCE)) == province_seen, (
        "the province hears only when the regency does not act"
    )
    jobs = bot.service.jobs
    assert jobs is not None

    bot.clock.advance(hours=1, minutes=59)
    assert await jobs.escalate_overdue() == 0
    bot.clock.advance(minutes=2)  # past the 2-hour deadline for missing persons
    assert await jobs.escalate_overdue() == 1
    assert await jobs.escalate_overdue() == 0, "escalated once, not at every tick"
    [escalated] = await arrival(bot, PROVINCE, province_seen)
    await arrival(bot, COORDINATOR, regency_seen, count=2)  # sent again to the regency
    assert "belum ditanggapi" in escalated["text"]
    assert f"cs:ack:{number}" in buttons_of(escalated)
    # The province coordinator may act on it (their region contains the village).
    replies = await bot.press(PROVINCE, f"cs:ack:{number}")
    assert "diterima Gugus Tugas" in replies[0]["text"]


async def test_official_reports_are_verified_and_offer_their_village(bot: BotHarness) -> None:
    await grant(bot, COORDINATOR, Role.COORDINATOR, "61.12")
    seen = len(bot.api.sent(COORDINATOR))
    assert bot.service.core is not None
    code = (await admin.invite(bot.service.core, SUNGAI_KAKAP, 24)).split(": ")[1].split(" ")[0]
    await bot.onboard(OFFICIAL)
    await bot.say(OFFICIAL, f"/daftar {code}")
    await bot.press(OFFICIAL, "menu:report")
    await bot.press(OFFICIAL, "rp:yes")
    await bot.press(OFFICIAL, "rp:k:warning")
    await bot.say(OFFICIAL, "Budi")
    await bot.press(OFFICIAL, "rp:skip")  # age
    replies = await bot.press(OFFICIAL, "rp:skip")  # sex; now the village is asked
    assert f"rp:v:{SUNGAI_KAKAP}" in buttons_of(replies[-1]), "an official is offered their own village"
    await bot.press(OFFICIAL, f"rp:v:{SUNGAI_KAKAP}")
    for _ in range(6):  # destination, departure, promised, recruiter, phone, social media
        await bot.press(OFFICIAL, "rp:skip")
    await bot.press(OFFICIAL, "rp:skip")  # photo
    await bot.press(OFFICIAL, "rp:c:village_official")
    await bot.press(OFFICIAL, "rp:c:yes")
    replies = await bot.press(OFFICIAL, "rp:send")
    assert "TPPO-6112-000001" in replies[0]["text"]
    [forward] = await arrival(bot, COORDINATOR, seen)
    assert "perangkat desa terdaftar" in forward["text"]


async def test_no_consent_stores_nothing_and_gives_hotlines(bot: BotHarness) -> None:
    await bot.onboard(VILLAGER)
    await bot.press(VILLAGER, "menu:report")
    replies = await bot.press(VILLAGER, "rp:no")
    assert "tidak ada yang disimpan" in replies[0]["text"] and "110" in replies[0]["text"]
    assert bot.service.core is not None
    async with bot.service.core.sessions() as session:
        assert (await session.execute(select(func.count()).select_from(Case))).scalar_one() == 0
        assert (await session.execute(select(func.count()).select_from(OutboxMessage))).scalar_one() == 0


async def test_photo_is_forwarded_and_nobody_registered_goes_to_admins(bot: BotHarness) -> None:
    await grant(bot, OUTSIDER, Role.ADMIN, None)
    await bot.onboard(VILLAGER)
    seen = len(bot.api.sent(OUTSIDER))
    await file_report(bot, VILLAGER, kind="warning", photo=True)
    forward, photo = await arrival(bot, OUTSIDER, seen, count=2)
    assert "TPPO-6112-000001" in forward["text"]
    assert photo.get("photo") == "PHOTO-FILE-ID" and photo["caption"] == "TPPO-6112-000001"


async def test_coordinator_lists_and_exports_cases_of_their_region(bot: BotHarness, tmp_path: Any) -> None:
    import csv
    import io

    from openpyxl import load_workbook

    await grant(bot, COORDINATOR, Role.COORDINATOR, "61.12")
    await bot.onboard(VILLAGER)
    reference = await file_report(bot, VILLAGER)
    number = await case_id(bot, reference)
    replies = await bot.say(COORDINATOR, "/kasus")
    assert f"cs:view:{number}" in buttons_of(replies[-1])
    replies = await bot.press(COORDINATOR, f"cs:view:{number}")
    assert "Siti Aminah" in replies[0]["text"]

    await bot.press(COORDINATOR, "cx:xlsx")
    await bot.press(COORDINATOR, "cx:csv")
    xlsx, csv_file = bot.api.documents(COORDINATOR)
    assert xlsx["filename"].endswith(".xlsx") and "data pribadi" in xlsx["caption"]
    book = load_workbook(io.BytesIO(xlsx["content"]))
    assert book.sheetnames[0] == "summary" and "received" in book.sheetnames
    rows = [[cell.value for cell in row] for row in book["received"].iter_rows()]  # not acknowledged yet
    assert rows[0][:3] == ["reference", "kind", "status"] and rows[1][0] == reference
    assert "Siti Aminah" in rows[1] and "Kabupaten Kubu Raya" in rows[1]
    created, zone = rows[1][rows[0].index("created")], rows[1][rows[0].index("time_zone")]
    assert created.hour == 10 and zone == "WIB", "times in the region's own zone (03:00 UTC)"
    parsed = list(csv.reader(io.StringIO(csv_file["content"].decode("utf-8-sig"))))
    assert parsed[1][0] == reference and len(parsed) == 2

    # Nobody else gets a file of this region.
    await bot.onboard(OUTSIDER)
    await bot.press_forged(OUTSIDER, "cx:csv")
    assert bot.api.documents(OUTSIDER) == []

    # The operator's command line writes the same table.
    import asyncio
    import os
    import sys

    assert bot.service.core is not None
    output = tmp_path / "cases.csv"
    root = ROOT
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "--config",
        str(root / "config.toml"),
        "cases",
        "export",
        "--region",
        "61.12",
        "--format",
        "csv",
        "--output",
        str(output),
        env={
            "PATH": os.environ.get("PATH", ""),
            "PYTHONPATH": str(root),
            "SIGAP_DATABASE_URL": bot.service.core.settings.database_url_value(),
        },
        stdout=asyncio.subprocess.PIPE,
    )
    stdout, _ = await process.communicate()
    assert process.returncode == 0 and b"1 case(s) written" in stdout
    exported = list(csv.reader(io.StringIO(output.read_text(encoding="utf-8-sig"))))
    assert exported[1][0] == reference


async def test_report_with_nobody_registered_waits_for_the_first_coordinator(bot: BotHarness) -> None:
    await bot.onboard(VILLAGER)
    await file_report(bot, VILLAGER)
    assert ID("report.sent_unassigned") in bot.api.sent(VILLAGER)[-1]["text"]
    jobs = bot.service.jobs
    assert jobs is not None
    bot.clock.advance(hours=3)
    assert await jobs.escalate_overdue() == 0, "nobody to send to: not marked escalated"
    await grant(bot, PROVINCE, Role.COORDINATOR, "61")
    seen = len(bot.api.sent(PROVINCE))
    assert await jobs.escalate_overdue() == 1
    [forward] = await arrival(bot, PROVINCE, seen)
    assert "TPPO-6112-000001" in forward["text"]
