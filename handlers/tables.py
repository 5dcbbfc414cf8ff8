"""Tables as files for the task force: CSV that Excel reads right, and XLSX with several sheets.

Every cell goes through `spreadsheet_safe` first: report answers and broadcast texts are typed by
anyone, and a cell such as `=HYPERLINK(...)` or `+cmd|' /C calc'!A0` would otherwise run as a
formula when a coordinator opens the file (OWASP, "CSV Injection")."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import date, datetime

# What a writer accepts: text, numbers that stay numbers (a spreadsheet can add them up), and
# dates and times (naive, in the zone a column names) that a spreadsheet can sort and filter.
Cell = str | int | float | date | datetime
Table = list[list[str]]
Rows = list[list[Cell]]  # a table whose cells keep their types (XLSX numbers and dates)
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
# Excel refuses sheet titles longer than this.
MAX_SHEET_TITLE = 31
# A cell starting with one of these is read as a formula by Excel, LibreOffice or Google Sheets;
# tab, carriage return and line feed first also start one in some of them. Full-width forms
# are turned into the plain ones by some spreadsheet locales.
FORMULA_STARTS = ("=", "+", "-", "@", "＝", "＋", "－", "＠")
CONTROL_STARTS = ("\t", "\r", "\n")
# Spaces and quotes a spreadsheet may drop before it looks for a formula.
IGNORED_FIRST = " \u00a0\u3000'\"‘’“”"
# A plain number ("-2", "+62812", "3.5", "1e3") is data, never a formula: it is kept as it is.
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def spreadsheet_safe(value: str) -> str:
    """The text a cell may hold without a spreadsheet running it (OWASP CSV-injection guidance):
    text that would start a formula, also behind leading spaces or quotes, gets a leading `'`,
    which spreadsheets show as text. Plain numbers, negative ones too, are left as they are."""
    if PLAIN_NUMBER.fullmatch(value):
        return value
    if value.startswith(CONTROL_STARTS) or value.lstrip(IGNORED_FIRST).startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _cell(value: Cell) -> Cell:
    """For CSV: dates as ISO text (2026-11-23, 2026-11-23 10:00), which every spreadsheet reads."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return spreadsheet_safe(value) if isinstance(value, str) else value


def to_csv(table: Sequence[Sequence[Cell]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([[_cell(value) for value in row] for row in table])
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read Indonesian names right


def to_xlsx(sheets: Sequence[tuple[str, Sequence[Sequence[Cell]]]]) -> bytes:
    """One sheet per (title, table), in order; each header row frozen."""
    from openpyxl import Workbook  # here: it takes longer to import than the CLI's whole start

    workbook = Workbook()
    first = workbook.active
    assert first is not None
    workbook.remove(first)
    for title, table in sheets:
        sheet = workbook.create_sheet(title[:MAX_SHEET_TITLE])
        for row in table:
            sheet.append([_xlsx_cell(value) for value in row])
            for cell, value in zip(sheet[sheet.max_row], row, strict=False):
                if isinstance(value, datetime):
                    cell.number_format = DATETIME_FORMAT
                elif isinstance(value, date):
                    cell.number_format = DATE_FORMAT
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(value: Cell) -> Cell:
    # XLSX cannot hold most control characters (openpyxl refuses the whole file): they go first,
    # so none can hide a formula from the check.
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return spreadsheet_safe(ILLEGAL_CHARACTERS_RE.sub("", value)) if isinstance(value, str) else value
