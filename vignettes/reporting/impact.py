"""The impact dashboard's figures, as SQL aggregates: per year and quarter, region, impact
category, library service and organisation type, how many case studies were submitted,
accepted, escalated and showcased, and the hours and pounds they saved; and engagement
per impact category.

Hours and pounds count accepted case studies only (the listing's evidence), with how many
reported each; those still in review are summed apart. A year is the year a case study was
submitted. No case study is loaded into Python:

- one statement sums the rollup (`vignettes.store.rollup_models`, kept in step with every
  write by triggers) per status, region, library service, organisation and impact
  categories, and rolls those few groups up into the totals and every breakdown; the
  same over the showcased case studies themselves (a few hundred) gives their counts;
- the quarters come from `impact_periods`, from the same rollup.

Every stage is counted by status (`Stages`), as the listing is: an edit takes an accepted
case study back to review.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from vignettes.reporting.impact_parts import (
    Counts,
    Group,
    ImpactFilter,
    Shape,
    counts,
    filter_shape,
    rolled,
    rollup_where,
    showcased_ids,
    where,
)
from vignettes.reporting.impact_periods import periods, years
from vignettes.reporting.organisations import organisation_type_sql
from vignettes.reporting.visibility import Stages, ViewerScope
from vignettes.store.models import CaseStudy, EngagementSnapshot, Post
from vignettes.store.rollup_models import ImpactRollup

# The interactions a post earned, as the engagement chart counts them (not impressions).
INTERACTIONS = ("likes", "reposts", "replies", "quotes", "link_clicks", "bookmarks")
NOT_RECORDED = "Not recorded"


@dataclass(frozen=True)
class CategoryEngagement:
    category: str
    vignettes: int
    posts: int
    impressions: int
    interactions: int


@dataclass(frozen=True)
class ImpactFigures:
    totals: Counts
    by_period: tuple[Group, ...]  # "2026 Q1", oldest first
    by_region: tuple[Group, ...]
    by_category: tuple[Group, ...]  # by code; the operations layer names them
    by_service: tuple[Group, ...]
    by_organisation_type: tuple[Group, ...]
    engagement: tuple[CategoryEngagement, ...]
    years: tuple[int, ...]
    regions: tuple[str, ...]


def _fine(postgresql: bool, where: list[ColumnElement[bool]], name: str) -> Any:
    """The case studies grouped by status, region, service, organisation and categories,
    with their counts and sums."""
    # PostgreSQL cannot group by `json`: by its text instead.
    categories = (
        cast(CaseStudy.impact_categories, String) if postgresql else CaseStudy.impact_categories
    )
    keys = (
        CaseStudy.status,
        CaseStudy.region,
        CaseStudy.library_service,
        CaseStudy.organisation,
        categories.label("categories"),
    )
    return (
        select(
            *keys,
            func.count().label("n"),
            func.sum(CaseStudy.time_saved_hours).label("hours"),
            func.count(CaseStudy.time_saved_hours).label("hours_n"),
            func.sum(CaseStudy.cost_saving_gbp).label("pounds"),
            func.count(CaseStudy.cost_saving_gbp).label("pounds_n"),
        )
        .where(*where)
        .group_by(*keys)
        .cte(name)
    )


def _rolled_up(where: list[ColumnElement[bool]], name: str) -> Any:
    """The same groups as `_fine`, from the rollup the triggers keep (a few rows per group
    and quarter, not one per case study). A sum no case study reported is None."""
    r = ImpactRollup
    keys = (r.status, r.region, r.library_service, r.organisation, r.categories)

    def reported(total: Any, many: Any) -> Any:
        return case((func.sum(many) > 0, func.sum(total)), else_=None)

    return (
        select(
            *keys,
            func.sum(r.n).label("n"),
            reported(r.hours, r.hours_n).label("hours"),
            func.sum(r.hours_n).label("hours_n"),
            reported(r.pounds, r.pounds_n).label("pounds"),
            func.sum(r.pounds_n).label("pounds_n"),
        )
        .where(*where)
        .group_by(*keys)
        .cte(name)
    )


def _category_values(postgresql: bool, column: Any) -> Any:
    """One row per impact category code in `column` (a JSON list, or its text)."""
    if postgresql:
        return func.json_array_elements_text(cast(column, CaseStudy.impact_categories.type))
    return func.json_each(column)


def _breakdowns(postgresql: bool, g: Any, measures: list[Any]) -> Any:
    """(breakdown, key, *measures) over grouped rows `g`: the totals, then each region,
    service, organisation type and impact category."""
    kind = organisation_type_sql(g.c.organisation)
    values = _category_values(postgresql, g.c.categories).table_valued("value").alias("code")

    def branch(name: str, key: Any, *, join: Any = None) -> Any:
        label = cast(key, String).label("key") if key is not None else literal("").label("key")
        stmt = select(literal(name).label("breakdown"), label, *measures)
        stmt = stmt.select_from(g if join is None else g.join(join, literal(True)))
        return stmt.group_by(key) if key is not None else stmt

    return union_all(
        branch("totals", None),
        branch("region", g.c.region),
        branch("service", g.c.library_service),
        branch("organisation_type", kind),
        branch("category", values.c.value, join=values),
    )


@functools.lru_cache(maxsize=64)
def _figures_statement(postgresql: bool, shape: Shape, stages: Stages) -> Any:
    fine = _rolled_up(rollup_where(shape), "fine")
    return _breakdowns(postgresql, fine, [*rolled(stages, fine), _services(stages, fine)])


@functools.lru_cache(maxsize=64)
def _shown_statement(postgresql: bool, shape: Shape) -> Any:
    shown = _fine(postgresql, [*where(shape), CaseStudy.id.in_(showcased_ids())], "shown")
    return _breakdowns(postgresql, shown, [func.sum(shown.c.n)])


def _services(stages: Stages, g: Any) -> Any:
    """How many library services have an accepted case study among grouped rows `g`."""
    named = and_(stages.reached(stages.accepted, g.c.status), g.c.library_service != "")
    return func.count(func.distinct(case((named, g.c.library_service), else_=None)))


def impact_figures(
    session: Session, stages: Stages, scope: ViewerScope, chosen: ImpactFilter
) -> ImpactFigures:
    """Every figure of the dashboard for the case studies `scope` may see, in `chosen`'s
    year and region."""
    postgresql = session.get_bind().dialect.name == "postgresql"
    shape, params = filter_shape(scope, chosen)
    rows = session.execute(_figures_statement(postgresql, shape, stages), params)
    shown = {
        (r[0], r[1]): int(r[2] or 0)
        for r in session.execute(_shown_statement(postgresql, shape), params)
    }
    groups: dict[str, list[Group]] = {}
    totals = Counts()
    for row in rows:
        breakdown, key = row[0], row[1]
        found = counts(row[2:-1], shown.get((breakdown, key), 0), int(row[-1] or 0))
        if breakdown == "totals":
            totals = found
        else:
            groups.setdefault(breakdown, []).append(Group(key or NOT_RECORDED, found))
    ordered = {name: tuple(sorted(found, key=lambda g: g.key)) for name, found in groups.items()}
    regions = tuple(g.key for g in ordered.get("region", ()) if g.key != NOT_RECORDED)
    every = Shape(shape.services, year=False, region=False)
    scope_params = {k: v for k, v in params.items() if k == "services"}
    if chosen.region:  # the filter's list is every region, not the one chosen
        regions = _regions(session, every, scope_params)
    return ImpactFigures(
        totals=totals,
        by_period=periods(session, stages, shape, params),
        by_region=ordered.get("region", ()),
        by_category=ordered.get("category", ()),
        by_service=ordered.get("service", ()),
        by_organisation_type=ordered.get("organisation_type", ()),
        engagement=_engagement(session, postgresql, shape, params),
        years=years(session, stages, every, scope_params),
        regions=regions,
    )


def _regions(session: Session, shape: Shape, params: dict[str, Any]) -> tuple[str, ...]:
    stmt = (
        select(CaseStudy.region)
        .where(*where(shape), CaseStudy.region != "")
        .group_by(CaseStudy.region)
        .order_by(CaseStudy.region)
    )
    return tuple(session.scalars(stmt, params))


def _engagement(
    session: Session, postgresql: bool, shape: Shape, params: dict[str, Any]
) -> tuple[CategoryEngagement, ...]:
    return tuple(
        CategoryEngagement(str(r[0]), int(r[1]), int(r[2]), int(r[3]), int(r[4]))
        for r in session.execute(_engagement_statement(postgresql, shape), params)
    )


@functools.lru_cache(maxsize=64)
def _engagement_statement(postgresql: bool, shape: Shape) -> Any:
    """Per impact category: the vignettes showcased, their live posts, and the latest
    impressions and interactions those posts earned (counts only grow: the latest is the
    largest)."""
    snap = EngagementSnapshot
    latest = (
        select(
            snap.post_id.label("post_id"),
            func.max(snap.impressions).label("impressions"),
            *(func.max(getattr(snap, name)).label(name) for name in INTERACTIONS),
        )
        .where(snap.state == "taken")
        .group_by(snap.post_id)
        .subquery()
    )
    interactions = sum(
        (func.coalesce(getattr(latest.c, name), 0) for name in INTERACTIONS[1:]),
        func.coalesce(getattr(latest.c, INTERACTIONS[0]), 0),
    )
    values = _category_values(postgresql, CaseStudy.impact_categories).table_valued("value")
    stmt = (
        select(
            values.c.value,
            func.count(func.distinct(CaseStudy.id)),
            func.count(Post.id),
            func.coalesce(func.sum(latest.c.impressions), 0),
            func.coalesce(func.sum(interactions), 0),
        )
        .select_from(Post)
        .join(CaseStudy, CaseStudy.id == Post.case_study_id)
        .join(values, and_(values.c.value.is_not(None)))
        .outerjoin(latest, latest.c.post_id == Post.id)
        .where(Post.state == "posted", *where(shape))
        .group_by(values.c.value)
        .order_by(values.c.value)
    )
    return stmt
