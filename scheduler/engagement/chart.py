"""The engagement chart (`vignettes engagement --chart`): a 1200 x 1000 PNG drawn with
matplotlib, imported here only so that no other command pays for it."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from scheduler.engagement.figures import PLATFORM_NAMES
from scheduler.engagement.report import PostEngagement
from scheduler.engagement.report_files import check_replaceable, replace_file
from scheduler.platforms.registry import INFO, not_offered

# NHS identity colours, each at least 3:1 against white (WCAG 1.4.11 graphical objects);
# platforms and vignettes also differ by hatch, line style and marker, not colour alone.
PLATFORM_COLOURS = {name: info.colour for name, info in INFO.items()}
PLATFORM_HATCH = {name: info.hatch for name, info in INFO.items()}
PLATFORM_LINE = {name: info.line for name, info in INFO.items()}
VIGNETTE_COLOURS = ("#005EB8", "#006747", "#7C2855", "#330072", "#425563", "#8A1538")
MARKERS = ("o", "s", "^", "D", "v", "P")
TEXT_COLOUR = "#231F20"
CHART_SIZE = (12.0, 10.0)  # inches
CHART_DPI = 100  # → 1200 x 1000 pixels
CHART_LAST_VIGNETTES = 6


def engagements(entry: PostEngagement) -> int:
    """Interactions of one post, latest known: likes, reposts, replies, quotes, link clicks
    and bookmarks (impressions are views, not engagement)."""
    return sum(v or 0 for k, v in entry.latest_known().items() if k != "impressions")


def has_engagement(entries: Sequence[PostEngagement]) -> bool:
    """Whether any post has a snapshot to draw."""
    return any(e.latest or e.taken for e in entries)


def write_chart(entries: Sequence[PostEngagement], path: str | os.PathLike[str]) -> bool:
    """A 1200 x 1000 PNG: engagement per month per platform (bars), and impressions over
    the days since posting for the last 6 vignettes (lines), on axes from 0 with whole
    number ticks, written as `replace_file` does. Returns False, writing nothing, when no
    engagement is recorded yet: a chart of empty axes would only look like a broken one.
    Raises ReportWriteError."""
    # A path that could never be written fails first, before matplotlib is imported, and
    # whether or not there is anything to draw.
    check_replaceable(path)
    if not has_engagement(entries):
        return False
    fig = draw_chart(entries)
    replace_file(path, lambda fh: fig.savefig(fh, dpi=CHART_DPI, format="png", facecolor="white"))
    return True


def draw_chart(entries: Sequence[PostEngagement]) -> Any:
    """The chart's matplotlib Figure (see `write_chart`)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    fig = Figure(figsize=CHART_SIZE, dpi=CHART_DPI, facecolor="white", layout="constrained")
    FigureCanvasAgg(fig)
    top, bottom = fig.subplots(2, 1)
    thousands = FuncFormatter(lambda value, _pos: f"{value:,.0f}")
    for ax in (top, bottom):
        ax.set_facecolor("white")
        # Counts: whole numbers only (all-zero figures once gave ticks of -0.04 … 0.04,
        # each printed as "0" or "-0").
        ax.yaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=2))
        ax.yaxis.set_major_formatter(thousands)
        ax.grid(axis="y", color="#AEB7BD", linewidth=0.6)
        ax.set_axisbelow(True)
        ax.tick_params(colors=TEXT_COLOUR, labelsize=11)
        for spine in ax.spines.values():
            spine.set_color("#425563")

    months = sorted({e.month for e in entries if e.latest})[-24:]
    platforms = sorted({e.platform for e in entries if e.latest})
    top.set_title("Engagement per month, by platform", fontsize=15, color=TEXT_COLOUR)
    top.set_xlabel("Vignette month", fontsize=12, color=TEXT_COLOUR)
    top.set_ylabel("Engagements (likes, reposts, replies, clicks…)", fontsize=12)
    if months:
        width = 0.8 / max(len(platforms), 1)
        for i, name in enumerate(platforms):
            totals = dict.fromkeys(months, 0)
            for e in entries:
                if e.platform == name and e.month in totals and e.latest:
                    totals[e.month] += engagements(e)
            top.bar(
                [m + (i - (len(platforms) - 1) / 2) * width for m in range(len(months))],
                list(totals.values()),
                width=width,
                label=PLATFORM_NAMES.get(name, name),
                color=PLATFORM_COLOURS.get(name, "#425563"),
                hatch=PLATFORM_HATCH.get(name, ""),
                edgecolor="white",
            )
        top.set_xticks(range(len(months)), months, rotation=45 if len(months) > 8 else 0)
        top.legend(fontsize=11, frameon=False)
    else:
        _empty(top)

    recent = sorted({(e.month, e.ref) for e in entries if e.taken})[-CHART_LAST_VIGNETTES:]
    silent = sorted(
        {
            PLATFORM_NAMES.get(e.platform, e.platform)
            for e in entries
            if not_offered(e.platform, "impressions")
        }
    )
    bottom.set_title(
        f"Impressions since posting: the last {len(recent) or CHART_LAST_VIGNETTES} vignettes"
        + (f" ({', '.join(silent)}: impressions not offered)" if silent else ""),
        fontsize=15,
        color=TEXT_COLOUR,
    )
    bottom.set_xlabel("Days since posting", fontsize=12, color=TEXT_COLOUR)
    bottom.set_ylabel("Impressions", fontsize=12, color=TEXT_COLOUR)
    for i, (month, ref) in enumerate(recent):
        for e in entries:
            if (e.month, e.ref) != (month, ref) or e.posted_at is None:
                continue
            points = [
                ((s.taken_at - e.posted_at).total_seconds() / 86400, s.figures["impressions"])
                for s in e.taken
                if s.taken_at is not None and s.figures.get("impressions") is not None
            ]
            if not points:
                continue
            xs, ys = zip(*points, strict=True)
            bottom.plot(
                xs,
                ys,
                color=VIGNETTE_COLOURS[i % len(VIGNETTE_COLOURS)],
                linestyle=PLATFORM_LINE.get(e.platform, ":"),
                marker=MARKERS[i % len(MARKERS)],
                linewidth=2,
                label=f"{month} {ref} · {PLATFORM_NAMES.get(e.platform, e.platform)}",
            )
    if bottom.lines:
        bottom.legend(fontsize=10, frameon=False, ncols=2)
    else:
        _empty(bottom)
    for ax in (top, bottom):
        # Nothing counted is below zero, and an axis of nothing but zeros still spans 0-1.
        ax.set_ylim(0, max(ax.get_ylim()[1], 1))
    return fig


def _empty(ax: Any) -> None:
    ax.text(
        0.5,
        0.5,
        "No engagement recorded yet",
        ha="center",
        va="center",
        fontsize=13,
        color=TEXT_COLOUR,
        transform=ax.transAxes,
    )
