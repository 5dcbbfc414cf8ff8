"""A summary as one self-contained HTML page for meetings: the chart inside, no outside files."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from html import escape

from db.cases import KINDS
from ground.i18n import Texts
from handlers.statistics.figures import RISKS, Summary
from handlers.statistics.text import compared, period_text

STYLE = """
body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 2em auto; max-width: 62em; color: #222; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { font-size: 1.2em; margin-top: 1.6em; }
.period { color: #555; } .note { color: #555; font-size: 0.9em; }
table { border-collapse: collapse; margin: 0.5em 0; } td, th { padding: 0.3em 0.8em; text-align: left; }
th { background: #eee; } tr:nth-child(even) td { background: #f8f8f8; } td.n { text-align: right; }
img.chart { max-width: 100%; border: 1px solid #ddd; }
"""


def _table(header: list[str], rows: list[list[str]], numbers_from: int = 1) -> str:
    head = "".join(f"<th>{escape(cell)}</th>" for cell in header)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="n">{escape(cell)}</td>' if i >= numbers_from else f"<td>{escape(cell)}</td>"
            for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _ranked(t: Texts, title_key: str, rows: list[list[str]]) -> str:
    if not rows:
        return f"<h2>{escape(t(title_key))}</h2><p>{escape(t('statistics.none'))}</p>"
    return f"<h2>{escape(t(title_key))}</h2>" + _table(["", t("statistics.label.count")], rows)


def summary_html(t: Texts, summary: Summary, names: Mapping[str, str], chart_png: bytes) -> str:
    shown = summary.shown
    now, before = summary.cases, summary.previous_cases
    label = {key: t(f"statistics.label.{key}") for key in ("new", "open", "overdue", "closed")}
    figures = [
        [label["new"], compared(summary, now.new, before.new)],
        *([f"– {t(f'statistics.chart.{kind}')}", shown(now.new_by_kind[kind])] for kind in KINDS),
        [label["open"], shown(now.open)],
        [label["overdue"], shown(now.overdue)],
        [label["closed"], compared(summary, now.closed, before.closed)],
    ]
    checks = [
        [
            t(f"statistics.label.{key}"),
            compared(summary, sum(current.values()), sum(previous.values())),
            *(shown(current[risk]) for risk in RISKS),
        ]
        for key, current, previous in (
            ("checklists", summary.checklists, summary.previous_checklists),
            ("ads", summary.ads, summary.previous_ads),
        )
    ]
    chart = base64.b64encode(chart_png).decode("ascii")
    alt = t("statistics.chart.cases")
    compare_note = t("statistics.compare_note", days=summary.period.days)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{escape(t.language)}"><head><meta charset="utf-8">',
        f"<title>{escape(t('statistics.heading', scope=summary.scope.name))}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>{escape(t('statistics.heading', scope=summary.scope.name))}</h1>",
        f'<p class="period">{escape(period_text(t, summary))}. {escape(compare_note)}</p>',
        f"<h2>{escape(t('statistics.cases'))}</h2>",
        _table([t("statistics.label.figure"), t("statistics.label.value")], figures),
        f"<h2>{escape(t('statistics.checks'))}</h2>",
        _table(["", t("statistics.label.total"), *(t(f"statistics.chart.{risk}") for risk in RISKS)], checks),
        f'<img class="chart" alt="{escape(alt)}" src="data:image/png;base64,{chart}">',
        _ranked(t, "statistics.flags", [[t(f"statistics.flag.{f}"), shown(n)] for f, n in summary.top_flags]),
        _ranked(
            t,
            "statistics.destinations",
            [[t(f"offers.countries.{c}"), shown(n)] for c, n in summary.top_destinations],
        ),
        _ranked(t, "statistics.villages", [[names.get(c, c), shown(n)] for c, n in summary.top_villages]),
    ]
    if summary.areas:
        parts.append(f"<h2>{escape(t('statistics.areas'))}</h2>")
        parts.append(
            _table(
                [
                    t("statistics.label.area"),
                    t("statistics.label.new"),
                    t("statistics.label.open"),
                    t("statistics.label.high_checks"),
                ],
                [
                    [names.get(a.code, a.code), shown(a.new_cases), shown(a.open_cases), shown(a.high_checks)]
                    for a in summary.areas
                ],
            )
        )
    if summary.scope.suppresses_small_counts:
        parts.append(f'<p class="note">{escape(t("statistics.small_counts"))}</p>')
    parts.append("</body></html>")
    return "\n".join(parts)
