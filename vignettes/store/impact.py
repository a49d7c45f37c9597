"""The impact dashboard's figures, as SQL aggregates: per year and quarter, region, impact
category, library service and organisation type, how many case studies were submitted,
accepted, escalated and showcased, and the hours and pounds they saved; and engagement
per impact category.

Hours and pounds count accepted case studies only (the listing's evidence), with how many
reported each; those still in review are summed apart. A year is the year a case study was
submitted. No case study is loaded into Python, and none is read from its table row:

- one statement groups the case studies by status, region, library service, organisation
  and impact categories, reading `ix_case_studies_impact` in that very order (SQLite
  groups as it reads, without sorting), and rolls those few groups up into the totals and
  every breakdown; the same over the showcased ones gives their counts;
- one groups by year, quarter and status through `ix_case_studies_submitted`.

Accepted is counted by status: the listing also checks that the content is still what was
accepted, which an edit makes untrue only by taking the status back to review.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    String,
    and_,
    bindparam,
    case,
    cast,
    false,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from vignettes.organisations import organisation_type_sql
from vignettes.store.gallery import submitted_at
from vignettes.store.models import CaseStudy, EngagementSnapshot, Post, UTCDateTime
from vignettes.store.visibility import Stages, ViewerScope

# The interactions a post earned, as the engagement chart counts them (not impressions).
INTERACTIONS = ("likes", "reposts", "replies", "quotes", "link_clicks", "bookmarks")
NOT_RECORDED = "Not recorded"


@dataclass(frozen=True)
class ImpactFilter:
    year: int | None = None
    region: str | None = None


@dataclass(frozen=True)
class Counts:
    """One row of figures. `hours` and `pounds` are sums over accepted case studies (None
    when none reported them); `*_reported` say how many did. `review_*` are the same for
    case studies still in review. `services`: library services with an accepted one."""

    submitted: int = 0
    accepted: int = 0
    escalated: int = 0
    showcased: int = 0
    hours: float | None = None
    hours_reported: int = 0
    pounds: float | None = None
    pounds_reported: int = 0
    in_review: int = 0
    review_hours: float | None = None
    review_pounds: float | None = None
    services: int = 0

    def to_json(self) -> dict[str, Any]:
        return dict(vars(self))


@dataclass(frozen=True)
class Group:
    key: str
    counts: Counts


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


@dataclass(frozen=True)
class _Shape:
    """What a filter restricts, without its values (which go in as bound parameters): the
    statements for each shape are built once and reused (building them is most of the
    time on a small database)."""

    services: bool | None  # None: every service; True: the named ones; False: none
    year: bool
    region: bool


def _shape(scope: ViewerScope, chosen: ImpactFilter) -> tuple[_Shape, dict[str, Any]]:
    params: dict[str, Any] = {}
    services = None if scope.services is None else bool(scope.services)
    if scope.services:
        params["services"] = list(scope.services)
    if chosen.year is not None:
        first = dt.datetime(chosen.year, 1, 1, tzinfo=dt.UTC)
        params["year_start"], params["year_end"] = first, first.replace(year=chosen.year + 1)
    if chosen.region:
        params["region"] = chosen.region
    return _Shape(services, chosen.year is not None, bool(chosen.region)), params


def _where(shape: _Shape) -> list[ColumnElement[bool]]:
    """`shape`'s conditions: the services a person may see, the year (a range of
    submission times, which the indexes answer) and the region."""
    conditions: list[ColumnElement[bool]] = []
    if shape.services is True:
        conditions.append(CaseStudy.library_service.in_(bindparam("services", expanding=True)))
    elif shape.services is False:
        conditions.append(false())
    if shape.year:
        conditions.append(submitted_at() >= bindparam("year_start", type_=UTCDateTime()))
        conditions.append(submitted_at() < bindparam("year_end", type_=UTCDateTime()))
    if shape.region:
        conditions.append(CaseStudy.region == bindparam("region"))
    return conditions


def _showcased_ids() -> Any:
    return select(Post.case_study_id).where(Post.state == "posted")


def _fine(postgresql: bool, where: list[ColumnElement[bool]], name: str) -> Any:
    """The case studies grouped by status, region, service, organisation and categories
    (in the index's order), with their counts and sums."""
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


def _rolled(stages: Stages, g: Any) -> list[Any]:
    """The measures of `Counts` (but showcased) over grouped rows `g`."""
    accepted = stages.reached(stages.accepted, g.c.status)
    review = stages.reached(stages.in_review, g.c.status)

    def count(condition: ColumnElement[bool], column: Any) -> Any:
        return func.coalesce(func.sum(case((condition, column), else_=0)), 0)

    def total(condition: ColumnElement[bool], column: Any) -> Any:
        return func.sum(case((condition, column), else_=None))

    return [
        count(stages.reached(stages.submitted, g.c.status), g.c.n),
        count(accepted, g.c.n),
        count(stages.reached(stages.escalated, g.c.status), g.c.n),
        total(accepted, g.c.hours),
        count(accepted, g.c.hours_n),
        total(accepted, g.c.pounds),
        count(accepted, g.c.pounds_n),
        count(review, g.c.n),
        total(review, g.c.hours),
        total(review, g.c.pounds),
    ]


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
def _figures_statement(postgresql: bool, shape: _Shape, stages: Stages) -> Any:
    fine = _fine(postgresql, _where(shape), "fine")
    return _breakdowns(postgresql, fine, [*_rolled(stages, fine), _services(stages, fine)])


@functools.lru_cache(maxsize=64)
def _shown_statement(postgresql: bool, shape: _Shape) -> Any:
    shown = _fine(postgresql, [*_where(shape), CaseStudy.id.in_(_showcased_ids())], "shown")
    return _breakdowns(postgresql, shown, [func.sum(shown.c.n)])


def _services(stages: Stages, g: Any) -> Any:
    """How many library services have an accepted case study among grouped rows `g`."""
    named = and_(stages.reached(stages.accepted, g.c.status), g.c.library_service != "")
    return func.count(func.distinct(case((named, g.c.library_service), else_=None)))


def _counts(row: Sequence[Any], showcased: int, services: int) -> Counts:
    def number(value: Any) -> float | None:
        return None if value is None else float(value)

    return Counts(
        submitted=int(row[0] or 0),
        accepted=int(row[1] or 0),
        escalated=int(row[2] or 0),
        showcased=showcased,
        hours=number(row[3]),
        hours_reported=int(row[4] or 0),
        pounds=number(row[5]),
        pounds_reported=int(row[6] or 0),
        in_review=int(row[7] or 0),
        review_hours=number(row[8]),
        review_pounds=number(row[9]),
        services=services,
    )


def impact_figures(
    session: Session, stages: Stages, scope: ViewerScope, chosen: ImpactFilter
) -> ImpactFigures:
    """Every figure of the dashboard for the case studies `scope` may see, in `chosen`'s
    year and region."""
    postgresql = session.get_bind().dialect.name == "postgresql"
    shape, params = _shape(scope, chosen)
    rows = session.execute(_figures_statement(postgresql, shape, stages), params)
    shown = {
        (r[0], r[1]): int(r[2] or 0)
        for r in session.execute(_shown_statement(postgresql, shape), params)
    }
    groups: dict[str, list[Group]] = {}
    totals = Counts()
    for row in rows:
        breakdown, key = row[0], row[1]
        counts = _counts(row[2:-1], shown.get((breakdown, key), 0), int(row[-1] or 0))
        if breakdown == "totals":
            totals = counts
        else:
            groups.setdefault(breakdown, []).append(Group(key or NOT_RECORDED, counts))
    ordered = {name: tuple(sorted(found, key=lambda g: g.key)) for name, found in groups.items()}
    regions = tuple(g.key for g in ordered.get("region", ()) if g.key != NOT_RECORDED)
    every = _Shape(shape.services, year=False, region=False)
    scope_params = {k: v for k, v in params.items() if k == "services"}
    if chosen.region:  # the filter's list is every region, not the one chosen
        regions = _regions(session, every, scope_params)
    return ImpactFigures(
        totals=totals,
        by_period=_periods(session, stages, shape, params),
        by_region=ordered.get("region", ()),
        by_category=ordered.get("category", ()),
        by_service=ordered.get("service", ()),
        by_organisation_type=ordered.get("organisation_type", ()),
        engagement=_engagement(session, postgresql, shape, params),
        years=_years(session, stages, every, scope_params),
        regions=regions,
    )


def _quarter_starts(first: dt.datetime, last: dt.datetime) -> list[dt.datetime]:
    """The first moment of every quarter from `first`'s to the one after `last`'s."""
    year, quarter = first.year, (first.month - 1) // 3
    starts = []
    while True:
        start = dt.datetime(year, quarter * 3 + 1, 1, tzinfo=dt.UTC)
        starts.append(start)
        if start > last:
            return starts
        year, quarter = (year + 1, 0) if quarter == 3 else (year, quarter + 1)


def _periods(
    session: Session, stages: Stages, shape: _Shape, params: dict[str, Any]
) -> tuple[Group, ...]:
    """Per year and quarter submitted, oldest first. Each quarter of each status is one
    range of `ix_case_studies_submitted` (status, then submission time), summed without
    sorting anything; the quarters are rolled up over the statuses."""
    found = _bounds(session, stages, shape, params)
    if found is None:
        return ()
    starts = _quarter_starts(*found)
    bounds = {f"q{i}": start for i, start in enumerate(starts)}
    # The showcased are few: their submission times are read one by one.
    shown: dict[int, int] = {}
    for when in session.scalars(_shown_times_statement(shape), params):
        index = bisect.bisect_right(starts, _as_datetime(when)) - 1
        shown[index] = shown.get(index, 0) + 1
    out = []
    stmt = _periods_statement(stages, shape, len(starts) - 1)
    for r in session.execute(stmt, {**params, **bounds}):
        start = starts[int(r[0])]
        label = f"{start.year} Q{(start.month - 1) // 3 + 1}"
        out.append(Group(label, _counts(r[1:], shown.get(int(r[0]), 0), 0)))
    return tuple(out)


@functools.lru_cache(maxsize=64)
def _shown_times_statement(shape: _Shape) -> Any:
    return select(submitted_at()).where(CaseStudy.id.in_(_showcased_ids()), *_where(shape))


@functools.lru_cache(maxsize=256)
def _periods_statement(stages: Stages, shape: _Shape, quarters: int) -> Any:
    where = _where(shape)
    slices = [
        select(
            literal(i).label("slice"),
            func.count().label("n"),
            func.sum(CaseStudy.time_saved_hours).label("hours"),
            func.count(CaseStudy.time_saved_hours).label("hours_n"),
            func.sum(CaseStudy.cost_saving_gbp).label("pounds"),
            func.count(CaseStudy.cost_saving_gbp).label("pounds_n"),
            literal(status).label("status"),
        ).where(
            CaseStudy.status == status,
            submitted_at() >= bindparam(f"q{i}", type_=UTCDateTime()),
            submitted_at() < bindparam(f"q{i + 1}", type_=UTCDateTime()),
            *where,
        )
        for status in stages.every
        for i in range(quarters)
    ]
    g = union_all(*slices).subquery("periods")
    return (
        select(g.c.slice, *_rolled(stages, g))
        .group_by(g.c.slice)
        .having(func.sum(g.c.n) > 0)
        .order_by(g.c.slice)
    )


def _bounds(
    session: Session, stages: Stages, shape: _Shape, params: dict[str, Any]
) -> tuple[dt.datetime, dt.datetime] | None:
    """The first and last submission among what `shape` admits, or None."""
    values = [
        _as_datetime(v)
        for v in session.execute(_bounds_statement(stages, shape), params).one()
        if v is not None
    ]
    return (min(values), max(values)) if values else None


@functools.lru_cache(maxsize=64)
def _bounds_statement(stages: Stages, shape: _Shape) -> Any:
    """Each status's first and last submission, each its own scalar query, so each is one
    step into `ix_case_studies_submitted` (SQLite answers a lone min() or max() from an
    index at once, but not both in one query)."""
    ends = []
    for status in stages.every:
        for end in (func.min, func.max):
            stmt = select(end(submitted_at())).where(CaseStudy.status == status, *_where(shape))
            ends.append(stmt.scalar_subquery())
    return select(*ends)


def _years(
    session: Session, stages: Stages, shape: _Shape, params: dict[str, Any]
) -> tuple[int, ...]:
    """Every year from the first submission to the last, newest first."""
    found = _bounds(session, stages, shape, params)
    if found is None:
        return ()
    return tuple(range(found[1].year, found[0].year - 1, -1))


def _as_datetime(value: Any) -> dt.datetime:
    when = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    assert isinstance(when, dt.datetime)
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _regions(session: Session, shape: _Shape, params: dict[str, Any]) -> tuple[str, ...]:
    stmt = (
        select(CaseStudy.region)
        .where(*_where(shape), CaseStudy.region != "")
        .group_by(CaseStudy.region)
        .order_by(CaseStudy.region)
    )
    return tuple(session.scalars(stmt, params))


def _engagement(
    session: Session, postgresql: bool, shape: _Shape, params: dict[str, Any]
) -> tuple[CategoryEngagement, ...]:
    return tuple(
        CategoryEngagement(str(r[0]), int(r[1]), int(r[2]), int(r[3]), int(r[4]))
        for r in session.execute(_engagement_statement(postgresql, shape), params)
    )


@functools.lru_cache(maxsize=64)
def _engagement_statement(postgresql: bool, shape: _Shape) -> Any:
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
        .where(Post.state == "posted", *_where(shape))
        .group_by(values.c.value)
        .order_by(values.c.value)
    )
    return stmt
