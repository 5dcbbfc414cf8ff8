"""Case exports carry what was added later, names beside codes, and real numbers and dates; the
reporter sees what they added in /dataku."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from openpyxl import load_workbook

from bot.cli import cases as case_admin
from db.roles import Role
from tests.harness import BotHarness
from tests.test_reports_e2e import arrival, case_id, file_report, grant

COORDINATOR, VILLAGER = 1501, 1502
ADDED = "Nomornya +62 812 0000 1111, terakhir aktif 20 Oktober"
NOTE = "Keluarga ditemui; polisi Kubu Raya sudah dihubungi"


async def reported_with_notes(bot: BotHarness) -> str:
    await grant(bot, COORDINATOR, Role.COORDINATOR, "61.12")
    await bot.onboard(VILLAGER)
    forwarded = len(bot.api.sent(COORDINATOR))
    reference = await file_report(bot, VILLAGER)
    number = await case_id(bot, reference)
    await arrival(bot, COORDINATOR, forwarded)  # the forward, with its buttons
    await bot.press(COORDINATOR, f"cs:info:{number}")
    seen = len(bot.api.sent(VILLAGER))
    await bot.say(COORDINATOR, "Ada nomor lain?")
    await arrival(bot, VILLAGER, seen)
    await bot.press(VILLAGER, f"my:add:{number}")
    await bot.say(VILLAGER, ADDED)
    assert bot.service.core is not None
    await case_admin.note(bot.service.core, f"telegram:{COORDINATOR}", reference, NOTE, "id")
    return reference


async def test_exports_hold_notes_names_and_typed_cells(bot: BotHarness) -> None:
    reference = await reported_with_notes(bot)
    await bot.say(COORDINATOR, "/kasus")  # the list that offers the exports
    await bot.press(COORDINATOR, "cx:xlsx")
    await bot.press(COORDINATOR, "cx:csv")
    xlsx, csv_file = bot.api.documents(COORDINATOR)

    book = load_workbook(io.BytesIO(xlsx["content"]))
    header, row = list(book["in_progress"].iter_rows(values_only=True))[:2]
    cell = dict(zip(header, row, strict=True))
    assert cell["reference"] == reference
    assert (cell["village_code"], cell["village"]) == ("61.12.09.2001", "Sungai Kakap")
    assert (cell["district_code"], cell["district"]) == ("61.12.09", "Sungai Kakap")
    assert (cell["regency_code"], cell["regency"]) == ("61.12", "Kabupaten Kubu Raya")
    assert cell["time_zone"] == "WIB" and isinstance(cell["created"], datetime)
    assert cell["created"] == datetime(2026, 11, 23, 10, 0)  # 03:00 UTC in WIB
    assert cell["Umur"] == 19  # a number a spreadsheet can add up, not the text "19"
    assert cell["Berangkat"] == datetime(2026, 10, 1)  # a date cell (openpyxl reads datetimes)
    assert "Sungai Kakap, Kec. Sungai Kakap, Kabupaten Kubu Raya" in cell["Desa"]
    assert cell["added_by_reporter"] == f"2026-11-23 10:00: {ADDED}"
    assert cell["task_force_notes"] == f"2026-11-23 10:00: {NOTE}"
    summary = list(book["summary"].iter_rows(values_only=True))
    assert summary[-1][-1] == 1

    rows = list(csv.DictReader(io.StringIO(csv_file["content"].decode("utf-8-sig"))))
    assert rows[0]["created"] == "2026-11-23 10:00" and rows[0]["Umur"] == "19"
    assert rows[0]["Berangkat"] == "2026-10-01" and NOTE in rows[0]["task_force_notes"]


async def test_my_data_shows_what_the_reporter_added_later(bot: BotHarness) -> None:
    reference = await reported_with_notes(bot)
    text = "\n".join(message["text"] for message in await bot.say(VILLAGER, "/dataku"))
    assert reference in text and f"Ditambahkan kemudian (23-11-2026): {ADDED}" in text
    assert NOTE not in text, "the task force's own notes are theirs"
