"""What the impact dashboard's queries share: the figures' types, a filter's shape (its
values go in as bound parameters, so each statement is built once per shape), and the
measures rolled up over grouped case studies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, bindparam, case, false, func, select

from vignettes.reporting.gallery import submitted_at
from vignettes.reporting.visibility import Stages, ViewerScope
from vignettes.store.models import CaseStudy, Post, UTCDateTime
from vignettes.store.rollup_models import ImpactRollup


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
class Shape:
    """What a filter restricts, without its values (which go in as bound parameters): the
    statements for each shape are built once and reused (building them is most of the
    time on a small database)."""

    services: bool | None  # None: every service; True: the named ones; False: none
    year: bool
    region: bool


def filter_shape(scope: ViewerScope, chosen: ImpactFilter) -> tuple[Shape, dict[str, Any]]:
    params: dict[str, Any] = {}
    services = None if scope.services is None else bool(scope.services)
    if scope.services:
        params["services"] = list(scope.services)
    if chosen.year is not None:
        first = dt.datetime(chosen.year, 1, 1, tzinfo=dt.UTC)
        params["year_start"], params["year_end"] = first, first.replace(year=chosen.year + 1)
        params["period_first"], params["period_last"] = chosen.year * 10 + 1, chosen.year * 10 + 4
    if chosen.region:
        params["region"] = chosen.region
    return Shape(services, chosen.year is not None, bool(chosen.region)), params


def where(shape: Shape) -> list[ColumnElement[bool]]:
    """`shape`'s conditions: the services a person may see, the year (a range of
    submission times, which the indexes answer) and the region."""
    conditions: list[ColumnElement[bool]] = []
    if shape.services is True:
        conditions.append(CaseStudy.library_service_id.in_(bindparam("services", expanding=True)))
    elif shape.services is False:
        conditions.append(false())
    if shape.year:
        conditions.append(submitted_at() >= bindparam("year_start", type_=UTCDateTime()))
        conditions.append(submitted_at() < bindparam("year_end", type_=UTCDateTime()))
    if shape.region:
        conditions.append(CaseStudy.region == bindparam("region"))
    return conditions


def rollup_where(shape: Shape) -> list[ColumnElement[bool]]:
    """`where` over the rollup: a year is its four quarters (`ImpactRollup.period`)."""
    r = ImpactRollup
    conditions: list[ColumnElement[bool]] = []
    if shape.services is True:
        conditions.append(r.service_key.in_(bindparam("services", expanding=True)))
    elif shape.services is False:
        conditions.append(false())
    if shape.year:
        conditions.append(r.period.between(bindparam("period_first"), bindparam("period_last")))
    if shape.region:
        conditions.append(r.region == bindparam("region"))
    return conditions


def showcased_ids() -> Any:
    return select(Post.case_study_id).where(Post.state == "posted")


def rolled(stages: Stages, g: Any) -> list[Any]:
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


def counts(row: Sequence[Any], showcased: int, services: int) -> Counts:
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
