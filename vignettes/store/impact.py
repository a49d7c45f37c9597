"""The impact dashboard's figures, as SQL aggregates: per year and quarter, region, impact
category, library service and organisation type, how many case studies were submitted,
accepted, escalated and showcased, and the hours and pounds they saved; and engagement
per impact category.

Hours and pounds count accepted case studies only (the listing's evidence), with how many
reported each; those still in review are summed apart. A year is the year a case study was
submitted. Each breakdown is one grouped query: no case study is loaded into Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Integer, and_, case, cast, extract, func, select
from sqlalchemy.orm import Session

from vignettes.organisations import organisation_type_sql
from vignettes.store.gallery import submitted_at
from vignettes.store.models import CaseStudy, EngagementSnapshot, Post
from vignettes.store.visibility import PublicRule, Stages, ViewerScope

# The interactions a post earned, as the engagement chart counts them (not impressions).
INTERACTIONS = ("likes", "reposts", "replies", "quotes", "link_clicks", "bookmarks")


@dataclass(frozen=True)
class ImpactFilter:
    year: int | None = None
    region: str | None = None


@dataclass(frozen=True)
class Counts:
    """One row of figures. `hours` and `pounds` are sums over accepted case studies (None
    when none reported them); `*_reported` say how many did. `review_*` are the same for
    case studies still in review."""

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
    services: int = 0  # library services with an accepted case study

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
    by_category: tuple[Group, ...]
    by_service: tuple[Group, ...]
    by_organisation_type: tuple[Group, ...]
    engagement: tuple[CategoryEngagement, ...]
    years: tuple[int, ...]
    regions: tuple[str, ...]


def _year() -> ColumnElement[int]:
    return cast(extract("year", submitted_at()), Integer)


def _quarter() -> ColumnElement[int]:
    month = cast(extract("month", submitted_at()), Integer)
    return case((month <= 3, 1), (month <= 6, 2), (month <= 9, 3), else_=4)


def _showcased_ids() -> Any:
    return select(Post.case_study_id).where(Post.state == "posted").distinct()


def _measures(rule: PublicRule, stages: Stages) -> list[Any]:
    accepted = rule.condition()
    review = stages.reached(stages.in_review)

    def count(condition: ColumnElement[bool]) -> Any:
        return func.sum(case((condition, 1), else_=0))

    def total(condition: ColumnElement[bool], column: Any) -> Any:
        return func.sum(case((condition, column), else_=None))

    return [
        count(stages.reached(stages.submitted)),
        count(accepted),
        count(stages.reached(stages.escalated)),
        count(CaseStudy.id.in_(_showcased_ids())),
        total(accepted, CaseStudy.time_saved_hours),
        count(and_(accepted, CaseStudy.time_saved_hours.is_not(None))),
        total(accepted, CaseStudy.cost_saving_gbp),
        count(and_(accepted, CaseStudy.cost_saving_gbp.is_not(None))),
        count(review),
        total(review, CaseStudy.time_saved_hours),
        total(review, CaseStudy.cost_saving_gbp),
        func.count(
            func.distinct(
                case((and_(accepted, CaseStudy.library_service != ""), CaseStudy.library_service))
            )
        ),
    ]


def _counts(row: Sequence[Any]) -> Counts:
    def number(value: Any) -> float | None:
        return None if value is None else float(value)

    return Counts(
        submitted=int(row[0] or 0),
        accepted=int(row[1] or 0),
        escalated=int(row[2] or 0),
        showcased=int(row[3] or 0),
        hours=number(row[4]),
        hours_reported=int(row[5] or 0),
        pounds=number(row[6]),
        pounds_reported=int(row[7] or 0),
        in_review=int(row[8] or 0),
        review_hours=number(row[9]),
        review_pounds=number(row[10]),
        services=int(row[11] or 0),
    )


def _where(scope: ViewerScope, chosen: ImpactFilter) -> list[ColumnElement[bool]]:
    conditions = [scope.condition()]
    if chosen.year is not None:
        conditions.append(_year() == chosen.year)
    if chosen.region:
        conditions.append(CaseStudy.region == chosen.region)
    return conditions


def _categories(session: Session) -> Any:
    """A table-valued function giving one row per impact category code of a case study."""
    if session.get_bind().dialect.name == "postgresql":
        return func.json_array_elements_text(CaseStudy.impact_categories).table_valued("value")
    return func.json_each(CaseStudy.impact_categories).table_valued("value")


def impact_figures(
    session: Session,
    rule: PublicRule,
    stages: Stages,
    scope: ViewerScope,
    chosen: ImpactFilter,
) -> ImpactFigures:
    """Every figure of the dashboard for the case studies `scope` may see, in `chosen`'s
    year and region."""
    where = _where(scope, chosen)
    measures = _measures(rule, stages)

    def grouped(*keys: Any, select_from: Any = CaseStudy) -> list[Any]:
        stmt = select(*keys, *measures).select_from(select_from).where(*where)
        return list(session.execute(stmt.group_by(*keys).order_by(*keys)))

    totals = _counts(session.execute(select(*measures).where(*where)).one())
    periods = tuple(
        Group(f"{int(r[0])} Q{int(r[1])}", _counts(r[2:])) for r in grouped(_year(), _quarter())
    )

    def by(key: Any, empty: str) -> tuple[Group, ...]:
        label = key.label("key")
        return tuple(Group(r[0] or empty, _counts(r[1:])) for r in grouped(label))

    values = _categories(session)
    by_category = tuple(
        Group(r[0], _counts(r[1:]))
        for r in session.execute(
            select(values.c.value, *measures)
            .select_from(CaseStudy)
            .join(values, values.c.value.is_not(None))
            .where(*where)
            .group_by(values.c.value)
            .order_by(values.c.value)
        )
    )
    visible = scope.condition()
    return ImpactFigures(
        totals=totals,
        by_period=periods,
        by_region=by(CaseStudy.region, "Not recorded"),
        by_category=by_category,
        by_service=by(CaseStudy.library_service, "Not recorded"),
        by_organisation_type=by(organisation_type_sql(CaseStudy.organisation), "Other"),
        engagement=_engagement(session, where, values),
        years=tuple(
            int(y)
            for y in session.scalars(
                select(_year()).where(visible).distinct().order_by(_year().desc())
            )
        ),
        regions=tuple(
            session.scalars(
                select(CaseStudy.region)
                .where(visible, CaseStudy.region != "")
                .distinct()
                .order_by(CaseStudy.region)
            )
        ),
    )


def _engagement(
    session: Session, where: list[ColumnElement[bool]], values: Any
) -> tuple[CategoryEngagement, ...]:
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
        .join(values, values.c.value.is_not(None))
        .outerjoin(latest, latest.c.post_id == Post.id)
        .where(Post.state == "posted", *where)
        .group_by(values.c.value)
        .order_by(values.c.value)
    )
    return tuple(
        CategoryEngagement(str(r[0]), int(r[1]), int(r[2]), int(r[3]), int(r[4]))
        for r in session.execute(stmt)
    )
