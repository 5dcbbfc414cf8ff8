"""A summary as anonymous XLSX sheets: counts only, small ones hidden as "<5" where the summary says."""

from __future__ import annotations

from collections.abc import Mapping

from db.cases import KINDS
from ground.i18n import Texts
from handlers.statistics.figures import RISKS, Summary
from handlers.tables import Table, to_xlsx


def statistics_sheets(t: Texts, summary: Summary, names: Mapping[str, str]) -> list[tuple[str, Table]]:
    shown = summary.shown
    now, before = summary.cases, summary.previous_cases
    figures: Table = [
        ["figure", "period", "previous period"],
        ["region", summary.scope.name, ""],
        ["from", summary.period.start.isoformat(), summary.period.previous.start.isoformat()],
        ["to", summary.period.last_day.isoformat(), summary.period.previous.last_day.isoformat()],
        ["new cases", shown(now.new), shown(before.new)],
        *(
            [f"new cases: {kind}", shown(now.new_by_kind[kind]), shown(before.new_by_kind[kind])]
            for kind in KINDS
        ),
        ["open cases at the end", shown(now.open), shown(before.open)],
        ["overdue (not acknowledged in time)", shown(now.overdue), shown(before.overdue)],
        ["closed cases", shown(now.closed), shown(before.closed)],
        *(
            [f"checklists: {risk}", shown(summary.checklists[risk]), shown(summary.previous_checklists[risk])]
            for risk in RISKS
        ),
        *(
            [f"ad checks: {risk}", shown(summary.ads[risk]), shown(summary.previous_ads[risk])]
            for risk in RISKS
        ),
    ]
    weeks: Table = [["week starting", *(f"new cases: {k}" for k in KINDS), *(f"checks: {r}" for r in RISKS)]]
    weeks += [
        [
            week.start.isoformat(),
            *(shown(week.new_cases[k]) for k in KINDS),
            *(shown(week.checks[r]) for r in RISKS),
        ]
        for week in summary.weeks
    ]
    flags = [["red flag", "label", "checks"]] + [
        [flag, t(f"statistics.flag.{flag}"), shown(n)] for flag, n in summary.top_flags
    ]
    destinations = [["country", "name", "ad checks"]] + [
        [code, t(f"offers.countries.{code}"), shown(n)] for code, n in summary.top_destinations
    ]
    villages = [["village code", "village", "warnings"]] + [
        [code, names.get(code, code), shown(n)] for code, n in summary.top_villages
    ]
    sheets = [
        ("summary", figures),
        ("weeks", weeks),
        ("red flags", flags),
        ("destinations", destinations),
        ("villages", villages),
    ]
    if summary.areas:
        areas = [["code", "area", "new cases", "open cases", "high-risk checks"]] + [
            [a.code, names.get(a.code, a.code), shown(a.new_cases), shown(a.open_cases), shown(a.high_checks)]
            for a in summary.areas
        ]
        sheets.append(("areas", areas))
    return sheets


def statistics_xlsx(t: Texts, summary: Summary, names: Mapping[str, str]) -> bytes:
    return to_xlsx(statistics_sheets(t, summary, names))
