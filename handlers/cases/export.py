"""Cases as a table for the task force: CSV, or XLSX with a summary and one sheet per status;
times in the region's own zone."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from db.cases import KINDS, OPEN_STATUSES, CaseRecord, EventRecord
from db.regions import ZONE_ABBREVIATIONS
from ground.i18n import Texts
from handlers.cases.messages import field_value
from handlers.regions.search import RegionIndex
from handlers.reports.form import ReportForm
from handlers.tables import Cell, Rows, to_xlsx

STATUSES = (*OPEN_STATUSES, "closed")


def case_table(
    t: Texts,
    form: ReportForm,
    index: RegionIndex,
    cases: list[CaseRecord],
    notes: Mapping[int, list[EventRecord]] | None = None,
) -> Rows:
    """One row per case: codes with the names beside them, times as real dates in the village's
    own zone (named in its column), numbers as numbers, and what was added later (the reporter's
    information, the task force's notes), each with its date."""
    fields = [f for f in form.fields if f.type != "photo"]
    header: list[Cell] = [
        "reference",
        "kind",
        "status",
        "outcome",
        "village_code",
        "village",
        "district_code",
        "district",
        "regency_code",
        "regency",
        "time_zone",
        "created",
        "acknowledged",
        "escalated",
        "closed",
        "verified_source",
        "contact_allowed",
        *(t(f"report.label.{f.id}") for f in fields),
        "added_by_reporter",
        "task_force_notes",
    ]
    rows: Rows = [header]
    for case in cases:
        place = index.get(case.village_code)
        zone = ZoneInfo(place.timezone if place else "Asia/Jakarta")

        def local(moment: datetime | None, zone: ZoneInfo = zone) -> Cell:
            # Spreadsheets hold no time zones: the local time, with the zone in its own column.
            return "" if moment is None else moment.astimezone(zone).replace(tzinfo=None)

        def added(action: str, zone: ZoneInfo = zone, case_id: int = case.id) -> str:
            return "\n".join(
                f"{event.at.astimezone(zone):%Y-%m-%d %H:%M}: {event.note}"
                for event in (notes or {}).get(case_id, [])
                if event.action == action and event.note
            )

        rows.append(
            [
                case.reference,
                case.kind,
                case.status,
                case.outcome or "",
                case.village_code,
                place.name if place else "",
                case.village_code[:8],
                place.district if place else "",
                case.regency_code,
                place.regency if place else "",
                ZONE_ABBREVIATIONS.get(zone.key, zone.key),
                local(case.created_at),
                local(case.acknowledged_at),
                local(case.escalated_at),
                local(case.closed_at),
                "yes" if case.verified_source else "no",
                "yes" if case.contact_allowed else "no",
                *(answer_cell(t, form, index, f.id, case.details.get(f.id)) for f in fields),
                added("info_added"),
                added("note"),
            ]
        )
    return rows


def answer_cell(t: Texts, form: ReportForm, index: RegionIndex, field_id: str, value: object) -> Cell:
    """A report's answer as a spreadsheet cell: a village by its name, a number as a number, a
    date as a date; the rest as the chat shows it."""
    if not value:
        return ""
    text = str(value)
    field = form.field(field_id)
    kind = field.type if field is not None else ""
    if kind == "village":
        place = index.get(text)
        return place.label if place else text
    if kind == "number" and text.isdigit():
        return int(text)
    if kind == "date":
        try:
            return date.fromisoformat(text)
        except ValueError:
            return text
    return field_value(t, form, field_id, text)


def cases_workbook(t: Texts, table: Sequence[Sequence[Cell]]) -> bytes:
    """A summary sheet (cases by status and kind), then one sheet per status with its cases."""
    header, rows = table[0], table[1:]
    status_at, kind_at = header.index("status"), header.index("kind")
    summary: Rows = [["status", *(t(f"statistics.chart.{kind}") for kind in KINDS), "total"]]
    sheets: list[tuple[str, Sequence[Sequence[Cell]]]] = []
    for status in STATUSES:
        mine = [row for row in rows if row[status_at] == status]
        by_kind = [sum(1 for row in mine if row[kind_at] == kind) for kind in KINDS]
        summary.append([t(f"cases.status.{status}"), *by_kind, len(mine)])
        sheets.append((status, [header, *mine]))
    summary.append(["total", *(sum(1 for r in rows if r[kind_at] == k) for k in KINDS), len(rows)])
    return to_xlsx([("summary", summary), *sheets])
