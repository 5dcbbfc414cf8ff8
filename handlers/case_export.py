"""Cases as a table for the task force: CSV and XLSX, times in the region's own zone."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

from openpyxl import Workbook

from bot.i18n import Texts
from db.cases import CaseRecord
from handlers.case_messages import field_value
from handlers.region_search import RegionIndex
from handlers.report_form import ReportForm

Table = list[list[str]]


def case_table(t: Texts, form: ReportForm, index: RegionIndex, cases: list[CaseRecord]) -> Table:
    fields = [f for f in form.fields if f.type != "photo"]
    header = [
        "reference",
        "kind",
        "status",
        "outcome",
        "village_code",
        "village",
        "district",
        "regency",
        "created",
        "acknowledged",
        "escalated",
        "closed",
        "verified_source",
        "contact_allowed",
        *(t(f"report.label.{f.id}") for f in fields),
    ]
    rows = [header]
    for case in cases:
        place = index.get(case.village_code)
        zone = ZoneInfo(place.timezone if place else "Asia/Jakarta")

        def local(moment: datetime | None, zone: ZoneInfo = zone) -> str:
            return "" if moment is None else moment.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")

        rows.append(
            [
                case.reference,
                case.kind,
                case.status,
                case.outcome or "",
                case.village_code,
                place.name if place else "",
                place.district if place else "",
                place.regency if place else "",
                local(case.created_at),
                local(case.acknowledged_at),
                local(case.escalated_at),
                local(case.closed_at),
                "yes" if case.verified_source else "no",
                "yes" if case.contact_allowed else "no",
                *(
                    field_value(t, form, f.id, case.details[f.id]) if case.details.get(f.id) else ""
                    for f in fields
                ),
            ]
        )
    return rows


def to_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(table)
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read Indonesian names right


def to_xlsx(table: Table) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "cases"
    for row in table:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
