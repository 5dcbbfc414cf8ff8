"""The 12-week chart of a summary as a PNG: new cases and job-offer checks per week (matplotlib)."""

from __future__ import annotations

import io

from db.cases import KINDS
from ground.i18n import Texts
from handlers.statistics.figures import RISKS, SMALL_COUNT, Summary

WIDTH, HEIGHT, DPI = 1000, 700, 100
COLOURS = {
    "missing": "#b2182b",
    "warning": "#ef8a62",
    "high": "#b2182b",
    "medium": "#fdb863",
    "low": "#4d9221",
}
# Where a count hidden as "<5" is drawn: half-way, hatched, so the bar says "a few", not how many.
HIDDEN_HEIGHT = SMALL_COUNT / 2


def drawn_bars(values: list[int], hides: bool) -> tuple[list[float], list[bool]]:
    """Each bar's height and whether it is hatched. When the scope hides small counts, a count of
    1 to 4 is drawn at HIDDEN_HEIGHT, hatched; 0 and counts from SMALL_COUNT up as they are.
    Apart from the drawing so mutation testing (bench/mutation.py) can try this decision alone."""
    hidden = [hides and 0 < value < SMALL_COUNT for value in values]
    return [HIDDEN_HEIGHT if h else float(v) for v, h in zip(values, hidden, strict=True)], hidden


def weekly_chart(t: Texts, summary: Summary) -> bytes:
    """A WIDTH x HEIGHT PNG. Rendering takes a tenth of a second or so: call it off the event loop."""
    # Imported here: matplotlib takes a second to import and most `sigap` commands never draw.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    # Figure, not pyplot: no global figure registry, so two charts can be drawn at once.
    figure = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    top, bottom = figure.subplots(2, 1, sharex=True)
    labels = [week.start.strftime("%d-%m") for week in summary.weeks]
    positions = list(range(len(labels)))
    hides = summary.scope.suppresses_small_counts
    for axes, title, series in (
        (top, "cases", [(kind, [w.new_cases[kind] for w in summary.weeks]) for kind in KINDS]),
        (bottom, "checks", [(risk, [w.checks[risk] for w in summary.weeks]) for risk in RISKS]),
    ):
        base = [0.0] * len(labels)
        any_hidden = False
        for key, values in series:
            heights, hidden = drawn_bars(values, hides)
            any_hidden = any_hidden or any(hidden)
            bars = axes.bar(
                positions, heights, bottom=base, color=COLOURS[key], label=t(f"statistics.chart.{key}")
            )
            for bar, is_hidden in zip(bars, hidden, strict=True):
                if is_hidden:
                    bar.set_hatch("///")
                    bar.set_alpha(0.6)
            base = [b + h for b, h in zip(base, heights, strict=True)]
        axes.set_title(t(f"statistics.chart.{title}"), loc="left", fontsize=12)
        axes.set_ylim(bottom=0, top=max(max(base), 1.0) * 1.1)
        axes.yaxis.get_major_locator().set_params(integer=True)
        axes.grid(axis="y", alpha=0.3)
        axes.spines[["top", "right"]].set_visible(False)
        handles, names = axes.get_legend_handles_labels()
        if any_hidden:
            handles.append(Patch(facecolor="white", edgecolor="grey", hatch="///"))
            names.append(t("statistics.chart.small"))
        # Beside the bars, never over them.
        axes.legend(handles, names, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9, frameon=False)
    bottom.set_xticks(positions, labels, fontsize=9)
    bottom.set_xlabel(t("statistics.chart.week"))
    figure.suptitle(summary.scope.name, fontsize=14, x=0.01, ha="left")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
