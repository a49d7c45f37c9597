"""The impact dashboard's charts and CSV: one matplotlib PNG per breakdown (the page puts
the same figures in a table beside each), and every figure as one CSV.

matplotlib is imported inside `chart_png` only: nothing else pays for it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from scheduler.engagement.report_files import spreadsheet_text
from scheduler.operations.impact.dashboard import BREAKDOWNS, Counts, Group, ImpactReport

CHARTS = {
    "period": "Case studies per quarter submitted",
    "savings": "Hours and pounds saved per quarter (accepted case studies)",
    "region": "Case studies by region",
    "category": "Case studies by impact category",
    "service": "Case studies by library service (the 15 with the most accepted)",
    "organisation_type": "Case studies by organisation type",
    "engagement": "Engagement by impact category (showcased vignettes)",
}
# NHS identity colours, each at least 3:1 against white; series also differ by hatch.
SERIES = (
    ("submitted", "Submitted", "#425563", ""),
    ("accepted", "Accepted", "#005EB8", "//"),
    ("escalated", "Escalated", "#7C2855", ".."),
    ("showcased", "Showcased", "#006747", "xx"),
)
TEXT = "#231F20"
TOP_SERVICES = 15
# The engagement rows fill the last four columns; the others fill the counts.
ENGAGEMENT_COLUMNS = ("vignettes", "posts", "impressions", "interactions")
CSV_COLUMNS = ("breakdown", "key", *Counts.__dataclass_fields__, *ENGAGEMENT_COLUMNS)


def csv_text(report: ImpactReport) -> str:
    """Every figure, one row per group: the totals first, then each breakdown; the same
    spreadsheet-safe cells as the engagement CSV."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    rows = [("totals", "all", report.figures.totals)]
    for name in BREAKDOWNS:
        rows += [(name, g.key, g.counts) for g in report.breakdown(name)]
    for breakdown, key, counts in rows:
        values = ["" if v is None else _number(v) for v in vars(counts).values()]
        writer.writerow([breakdown, spreadsheet_text(key), *values, *[""] * 4])
    blanks = [""] * len(Counts.__dataclass_fields__)
    for e in report.figures.engagement:
        figures = (e.vignettes, e.posts, e.impressions, e.interactions)
        writer.writerow(["engagement", spreadsheet_text(e.category), *blanks, *figures])
    return out.getvalue()


def _number(value: Any) -> str:
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.2f}"
    return str(value)


def chart_png(report: ImpactReport, name: str) -> bytes | None:
    """The PNG of chart `name` (one of CHARTS), or None when it has nothing to draw."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    figures = report.figures
    groups: Sequence[Group] = ()
    if name in ("period", "savings"):
        groups = figures.by_period
    elif name in BREAKDOWNS:
        groups = report.breakdown(name)
    if name == "service":
        groups = sorted(groups, key=lambda g: (-g.counts.accepted, g.key))[:TOP_SERVICES]
    if (name == "engagement" and not figures.engagement) or (name != "engagement" and not groups):
        return None
    fig = Figure(figsize=(6.4, 5.0), dpi=100, facecolor="white", layout="constrained")
    FigureCanvasAgg(fig)
    thousands = FuncFormatter(lambda value, _pos: f"{value:,.0f}")
    if name == "savings":
        hours, pounds = fig.subplots(2, 1, sharex=True)
        keys = [g.key for g in groups]
        hours.bar(keys, [g.counts.hours or 0 for g in groups], color="#005EB8")
        hours.set_ylabel("Hours saved", color=TEXT)
        pounds.bar(keys, [g.counts.pounds or 0 for g in groups], color="#006747", hatch="//")
        pounds.set_ylabel("Pounds saved (£)", color=TEXT)
        axes = [hours, pounds]
        pounds.tick_params(axis="x", rotation=45 if len(keys) > 6 else 0)
    elif name == "engagement":
        ax = fig.subplots()
        rows = figures.engagement
        ax.barh([e.category for e in rows], [e.interactions for e in rows], color="#005EB8")
        ax.set_xlabel("Interactions (likes, reposts, replies, clicks…)", color=TEXT)
        ax.invert_yaxis()
        axes = [ax]
    else:
        ax = fig.subplots()
        _grouped(ax, groups, horizontal=name != "period")
        axes = [ax]
    fig.suptitle(CHARTS[name], fontsize=14, color=TEXT)
    for ax in axes:
        ax.set_facecolor("white")
        vertical = name in ("period", "savings")
        (ax.yaxis if vertical else ax.xaxis).set_major_formatter(thousands)
        if name != "savings":  # counts are whole: no tick at 0.5 shown as "0" or "1"
            (ax.yaxis if vertical else ax.xaxis).set_major_locator(MaxNLocator(integer=True))
        ax.tick_params(colors=TEXT, labelsize=10)
        for spine in ax.spines.values():
            spine.set_color("#425563")
    out = io.BytesIO()
    fig.savefig(out, format="png", facecolor="white")
    return out.getvalue()


def _grouped(ax: Any, groups: Sequence[Group], *, horizontal: bool) -> None:
    """One bar per stage for each group (stages nobody reached are left out)."""
    series = [s for s in SERIES if any(getattr(g.counts, s[0]) for g in groups)] or [SERIES[0]]
    width = 0.8 / len(series)
    positions = range(len(groups))
    for i, (field, label, colour, hatch) in enumerate(series):
        offsets = [p + (i - (len(series) - 1) / 2) * width for p in positions]
        values = [getattr(g.counts, field) for g in groups]
        draw = ax.barh if horizontal else ax.bar
        draw(offsets, values, width, label=label, color=colour, hatch=hatch, edgecolor="white")
    keys = [g.key for g in groups]
    if horizontal:
        ax.set_yticks(list(positions), keys)
        ax.invert_yaxis()
        ax.set_xlabel("Case studies", color=TEXT)
    else:
        ax.set_xticks(list(positions), keys, rotation=45 if len(keys) > 6 else 0)
        ax.set_ylabel("Case studies", color=TEXT)
    ax.legend(frameon=False, fontsize=10)
