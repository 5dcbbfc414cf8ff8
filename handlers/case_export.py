"""Cases as a table for the task force: CSV, or XLSX with a summary and one sheet per status;
times in the region's own zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.i18n import Texts
from db.cases import KINDS, OPEN_STATUSES, CaseRecord
from handlers.case_messages import field_value
from handlers.region_search import RegionIndex
from handlers.report_form import ReportForm
from handlers.tables import Table, to_xlsx

STATUSES = (*OPEN_STATUSES, "closed")


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


def cases_workbook(t: Texts, table: Table) -> bytes:
    """A summary sheet (cases by status and kind), then one sheet per status with its cases."""
    header, rows = table[0], table[1:]
    status_at, kind_at = header.index("status"), header.index("kind")
    summary: Table = [["status", *(t(f"statistics.chart.{kind}") for kind in KINDS), "total"]]
    sheets: list[tuple[str, Table]] = []
    for status in STATUSES:
        mine = [row for row in rows if row[status_at] == status]
        by_kind = [sum(1 for row in mine if row[kind_at] == kind) for kind in KINDS]
        summary.append([t(f"cases.status.{status}"), *map(str, by_kind), str(len(mine))])
        sheets.append((status, [header, *mine]))
    summary.append(["total", *(str(sum(1 for r in rows if r[kind_at] == k)) for k in KINDS), str(len(rows))])
    return to_xlsx([("summary", summary), *sheets])
