"""Engagement: per vignette and platform the latest figures with their change since the
previous snapshot ("not offered" where a platform has no such figure), why figures are
missing, the platform-level waits and refusals; the chart as a PNG; and the CSV download
(`vignettes engagement --csv`'s columns and spreadsheet-safe cells).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Response, abort, render_template, request

from scheduler.operations.accounts.permissions import Permission
from scheduler.operations.months import parse_month
from scheduler.operations.showcase.engagement import (
    PLATFORM_NAMES,
    EngagementReport,
    PostEngagement,
    csv_text,
    engagement_report,
    format_count,
    write_chart,
)
from scheduler.web.formatting import platform_notes
from scheduler.web.guards import requires
from scheduler.web.state import workspace

bp = Blueprint("engagement", __name__)

# The figures of the table (as `vignettes engagement` prints them); the CSV has them all.
SHOWN = ("impressions", "likes", "reposts", "replies", "link_clicks")
SINCE_ERROR = "Enter a month like 2026-01, or leave it empty"


@dataclass(frozen=True)
class Filters:
    since: str | None
    platform: str | None
    errors: list[dict[str, str]]

    def args(self) -> dict[str, str]:
        return {k: v for k, v in (("since", self.since), ("platform", self.platform)) if v}


def filters() -> Filters:
    """The page's filters from the query string; a bad one is reported, then ignored."""
    errors = []
    since = request.args.get("since", "").strip() or None
    if since is not None:
        try:
            since = str(parse_month(since))
        except ValueError:
            errors.append({"text": SINCE_ERROR, "href": "#since"})
            since = None
    platform = request.args.get("platform", "").strip() or None
    if platform is not None and platform not in PLATFORM_NAMES:
        errors.append({"text": "Select a platform from the list", "href": "#platform"})
        platform = None
    return Filters(since, platform, errors)


@dataclass(frozen=True)
class Row:
    month: str
    ref: str
    title: str
    platform: str
    url: str
    after: str
    figures: tuple[tuple[str, str], ...]  # (figure, "1,234 (+12)")
    rate: str


def _delta(value: int | float | None) -> str:
    return "" if value is None else f" ({value:+,})"


def row(entry: PostEngagement) -> Row:
    latest, change = entry.latest, entry.change()
    cells = []
    for name in SHOWN:
        value = latest.figures.get(name) if latest else None
        cells.append((name, format_count(value, entry.platform, name) + _delta(change.get(name))))
    rate = latest.engagement_rate if latest else None
    return Row(
        month=entry.month,
        ref=entry.ref,
        title=entry.title,
        platform=entry.platform,
        url=entry.url,
        after=latest.offset if latest else "not yet",
        figures=tuple(cells),
        rate="—" if rate is None else f"{rate:.1%}",
    )


def missing(report: EngagementReport) -> list[tuple[str, list[str]]]:
    """Why figures are missing, each reason once with the posts it concerns."""
    notes: dict[str, list[str]] = {}
    for e in report.entries:
        for reason in e.unavailable:
            notes.setdefault(reason, []).append(f"{e.month} {PLATFORM_NAMES.get(e.platform)}")
    return list(notes.items())


@bp.get("/engagement")
@requires(Permission.READ)
def index() -> tuple[str, int]:
    chosen = filters()
    report = engagement_report(workspace(), since=chosen.since, platform=chosen.platform)
    page = render_template(
        "engagement/index.jinja",
        report=report,
        rows=[row(e) for e in report.entries],
        missing=missing(report),
        notes=platform_notes(report.platforms),
        shown=SHOWN,
        chosen=chosen,
        platform_names=PLATFORM_NAMES,
        errors=chosen.errors,
    )
    return page, 400 if chosen.errors else 200


@bp.get("/engagement/chart.png")
@requires(Permission.READ)
def chart() -> Response:
    chosen = filters()
    report = engagement_report(workspace(), since=chosen.since, platform=chosen.platform)
    # matplotlib writes a file: a private folder of our own, removed whatever happens.
    with tempfile.TemporaryDirectory(prefix="vignettes-chart-") as folder:
        path = Path(folder) / "engagement.png"
        if not write_chart(report, path):
            abort(404)  # the page says "no engagement yet" instead of linking here
        png = path.read_bytes()
    response = Response(png, mimetype="image/png")
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@bp.get("/engagement.csv")
@requires(Permission.READ)
def download() -> Response:
    chosen = filters()
    report = engagement_report(workspace(), since=chosen.since, platform=chosen.platform)
    today = workspace().now().astimezone(dt.UTC).date()
    response = Response(csv_text(report), content_type="text/csv; charset=utf-8")
    name = f"engagement-{today.isoformat()}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
