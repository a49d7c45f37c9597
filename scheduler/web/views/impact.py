"""The impact dashboard: per year and quarter, region, impact category, library service and
organisation type, the case studies submitted, accepted, escalated and showcased and the
hours and pounds they saved, and engagement per category. Each chart (a PNG) has its
figures in a table beside it; every figure downloads as a CSV; a year and a region narrow
it all. Admins download a library service's evidence pack from here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import Blueprint, Response, abort, render_template, request

from scheduler.operations.accounts.permissions import Permission, allows
from scheduler.operations.impact.charts import CHARTS, chart_png, csv_text
from scheduler.operations.impact.dashboard import BREAKDOWNS, ImpactReport, impact_report
from scheduler.web.auth import signed_in
from scheduler.web.guards import current_actor, requires
from scheduler.web.state import workspace

bp = Blueprint("impact", __name__)

YEAR_ERROR = "Enter a year like 2026, or leave it empty"


@dataclass(frozen=True)
class Filters:
    year: int | None
    region: str | None
    errors: list[dict[str, str]]

    def args(self) -> dict[str, str]:
        return {k: str(v) for k, v in (("year", self.year), ("region", self.region)) if v}


def filters() -> Filters:
    """The year and region from the query string; a bad year is reported, then ignored."""
    errors = []
    text = request.args.get("year", "").strip()
    year = int(text) if text.isdigit() and len(text) == 4 else None
    if text and year is None:
        errors.append({"text": YEAR_ERROR, "href": "#year"})
    region = request.args.get("region", "").strip()[:60] or None
    return Filters(year, region, errors)


def report(chosen: Filters) -> ImpactReport:
    return impact_report(workspace(), current_actor(), year=chosen.year, region=chosen.region)


@bp.get("/impact")
@requires(Permission.READ)
def index() -> tuple[str, int]:
    chosen = filters()
    found = report(chosen)
    account = signed_in()
    page = render_template(
        "impact/index.jinja",
        report=found,
        chosen=chosen,
        errors=chosen.errors,
        breakdowns=BREAKDOWNS,
        charts=CHARTS,
        may_download_evidence=account is not None
        and allows(account.role, Permission.EVIDENCE_PACK),
    )
    return page, 400 if chosen.errors else 200


@bp.get("/impact/charts/<name>.png")
@requires(Permission.READ)
def chart(name: str) -> Response:
    if name not in CHARTS:
        abort(404)
    png = chart_png(report(filters()), name)
    if png is None:
        abort(404)  # the page says there is nothing to draw instead of linking here
    response = Response(png, mimetype="image/png")
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@bp.get("/impact.csv")
@requires(Permission.READ)
def download() -> Response:
    chosen = filters()
    today = workspace().now().astimezone(dt.UTC).date()
    response = Response(csv_text(report(chosen)), content_type="text/csv; charset=utf-8")
    name = f"impact-{chosen.year or 'all-years'}-{today.isoformat()}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
