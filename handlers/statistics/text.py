"""A summary as a chat message (and as lines for the terminal): short lines, the period compared."""

from __future__ import annotations

from collections.abc import Mapping

from ground.i18n import Texts
from handlers.statistics.figures import RISKS, CaseCounts, Summary

DATE = "%d-%m-%Y"
AREAS_IN_TEXT = 10


def period_text(t: Texts, summary: Summary) -> str:
    period = summary.period
    return t("statistics.period", start=period.start.strftime(DATE), end=period.last_day.strftime(DATE))


def chart_caption(t: Texts, summary: Summary) -> str:
    return t("statistics.chart_caption", scope=summary.scope.name, end=summary.period.last_day.strftime(DATE))


def compared(summary: Summary, now: int, before: int) -> str:
    """ "12 (7)": this period and, in brackets, the one before; both hidden alike when small."""
    return f"{summary.shown(now)} ({summary.shown(before)})"


def _risk_line(t: Texts, summary: Summary, key: str, now: dict[str, int], before: dict[str, int]) -> str:
    return t(
        key,
        total=compared(summary, sum(now.values()), sum(before.values())),
        **{risk: summary.shown(now[risk]) for risk in RISKS},
    )


def _case_lines(t: Texts, summary: Summary, now: CaseCounts, before: CaseCounts) -> list[str]:
    return [
        t("statistics.cases"),
        t(
            "statistics.new",
            value=compared(summary, now.new, before.new),
            missing=summary.shown(now.new_by_kind["missing"]),
            warning=summary.shown(now.new_by_kind["warning"]),
        ),
        t("statistics.open", value=summary.shown(now.open)),
        t("statistics.overdue", value=summary.shown(now.overdue)),
        t("statistics.closed", value=compared(summary, now.closed, before.closed)),
    ]


def _ranked(t: Texts, title_key: str, items: list[tuple[str, str]]) -> list[str]:
    lines = [t(title_key)]
    lines += [f"{n}. {label} ({count})" for n, (label, count) in enumerate(items, 1)] or [
        t("statistics.none")
    ]
    return lines


def summary_text(t: Texts, summary: Summary, names: Mapping[str, str], weekly: bool = False) -> str:
    title = "statistics.title_week" if weekly else "statistics.title"
    lines = [
        t(title, scope=summary.scope.name),
        period_text(t, summary),
        t("statistics.compare_note", days=summary.period.days),
        "",
        *_case_lines(t, summary, summary.cases, summary.previous_cases),
        "",
        t("statistics.checks"),
        _risk_line(t, summary, "statistics.checklist_line", summary.checklists, summary.previous_checklists),
        _risk_line(t, summary, "statistics.ad_line", summary.ads, summary.previous_ads),
        "",
        *_ranked(
            t,
            "statistics.flags",
            [(t(f"statistics.flag.{f}"), summary.shown(n)) for f, n in summary.top_flags],
        ),
        "",
        *_ranked(
            t,
            "statistics.destinations",
            [(t(f"offers.countries.{c}"), summary.shown(n)) for c, n in summary.top_destinations],
        ),
        "",
        *_ranked(
            t, "statistics.villages", [(names.get(c, c), summary.shown(n)) for c, n in summary.top_villages]
        ),
    ]
    if summary.areas:
        lines += ["", t("statistics.areas")]
        lines += [
            t(
                "statistics.area_line",
                name=names.get(line.code, line.code),
                new=summary.shown(line.new_cases),
                open=summary.shown(line.open_cases),
                high=summary.shown(line.high_checks),
            )
            for line in summary.areas[:AREAS_IN_TEXT]
        ]
        if len(summary.areas) > AREAS_IN_TEXT:
            lines.append(t("statistics.more_areas", count=len(summary.areas) - AREAS_IN_TEXT))
    if summary.scope.suppresses_small_counts:
        lines += ["", t("statistics.small_counts")]
    return "\n".join(lines)
