"""Tables as files for the task force: CSV that Excel reads right, and XLSX with several sheets."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

Table = list[list[str]]
# Excel refuses sheet titles longer than this.
MAX_SHEET_TITLE = 31


def to_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(table)
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read Indonesian names right


def to_xlsx(sheets: list[tuple[str, Table]]) -> bytes:
    """One sheet per (title, table), in order; each header row frozen."""
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    workbook.remove(first)
    for title, table in sheets:
        sheet = workbook.create_sheet(title[:MAX_SHEET_TITLE])
        for row in table:
            sheet.append(row)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
