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

from scheduler.errors import OperationFailed
from scheduler.operations.accounts.permissions import Permission, PermissionDenied
from scheduler.operations.impact.charts import CHARTS, chart_png, csv_text
from scheduler.operations.impact.dashboard import BREAKDOWNS, ImpactReport, impact_report
from scheduler.operations.impact.evidence import evidence_pack, known_services
from scheduler.operations.impact.numbers_card import PLATFORMS, numbers_cards
from scheduler.web.formatting import problem_text
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
@requires(Permission.BROWSE)
def index() -> tuple[str, int]:
    return render_dashboard(filters())


def render_dashboard(
    chosen: Filters, evidence_errors: list[dict[str, str]] | None = None
) -> tuple[str, int]:
    """The dashboard for `chosen`, with the evidence pack's form and any problems."""
    actor = current_actor()
    errors = chosen.errors + (evidence_errors or [])
    # Only the services this person may take a pack of (admins: every one).
    services = known_services(workspace(), actor)
    try:
        cards = numbers_cards(workspace(), actor, year=chosen.year, region=chosen.region)
        card_problem = None
    except OperationFailed as exc:
        cards, card_problem = (), problem_text(exc)
    page = render_template(
        "impact/index.jinja",
        cards=cards,
        card_problem=card_problem,
        report=report(chosen),
        chosen=chosen,
        errors=errors,
        breakdowns=BREAKDOWNS,
        charts=CHARTS,
        evidence_services=services,
        evidence_args=request.args,
    )
    return page, 400 if errors else 200


@bp.get("/impact/evidence.xlsx")
@requires(Permission.BROWSE)
def evidence() -> Response | tuple[str, int]:
    service = request.args.get("service", "").strip()
    year_text = request.args.get("evidence_year", "").strip()
    problems = []
    if not service:
        problems.append({"text": "Select a library service", "href": "#service"})
    if not (year_text.isdigit() and len(year_text) == 4):
        problems.append({"text": "Enter the year, like 2026", "href": "#evidence_year"})
    if problems:
        return render_dashboard(filters(), problems)
    try:
        pack = evidence_pack(workspace(), current_actor(), service, int(year_text))
    except PermissionDenied:
        abort(403)
    except OperationFailed as exc:
        return render_dashboard(filters(), [{"text": problem_text(exc), "href": "#service"}])
    response = Response(
        pack.workbook,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response.headers["Content-Disposition"] = f'attachment; filename="{pack.filename}"'
    return response


@bp.get("/impact/charts/<name>.png")
@requires(Permission.BROWSE)
def chart(name: str) -> Response:
    if name not in CHARTS:
        abort(404)
    png = chart_png(report(filters()), name)
    if png is None:
        abort(404)  # the page says there is nothing to draw instead of linking here
    response = Response(png, mimetype="image/png")
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@bp.get("/impact/cards/<platform>.png")
@requires(Permission.BROWSE)
def card(platform: str) -> Response:
    """The impact-in-numbers card for `platform`, shown on the page and downloaded."""
    if platform not in PLATFORMS:
        abort(404)
    chosen = filters()
    try:
        cards = numbers_cards(workspace(), current_actor(), year=chosen.year, region=chosen.region)
    except OperationFailed:
        abort(404)  # the page says why instead of showing the card
    found = next(c for c in cards if c.platform == platform)
    response = Response(found.png, mimetype="image/png")
    response.headers["Cache-Control"] = "private, max-age=300"
    if request.args.get("download"):
        name = f"impact-{chosen.year or 'all-years'}-{platform}.png"
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/impact.csv")
@requires(Permission.BROWSE)
def download() -> Response:
    chosen = filters()
    today = workspace().now().astimezone(dt.UTC).date()
    response = Response(csv_text(report(chosen)), content_type="text/csv; charset=utf-8")
    name = f"impact-{chosen.year or 'all-years'}-{today.isoformat()}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
