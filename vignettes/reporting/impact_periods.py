"""The impact dashboard's figures per year and quarter submitted, and the years there are.

The quarters are the rollup's (`vignettes.store.rollup_models`: a case study's quarter is
kept beside its status by the triggers), summed per quarter and rolled up over the
statuses in one statement; the years are each status's first and last submission, one
step each into `ix_case_studies_submitted`.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from vignettes.reporting.gallery import submitted_at
from vignettes.reporting.impact_parts import (
    Group,
    Shape,
    counts,
    rolled,
    rollup_where,
    showcased_ids,
    where,
)
from vignettes.reporting.visibility import Stages
from vignettes.store.models import CaseStudy
from vignettes.store.rollup_models import ImpactRollup


def _period(when: dt.datetime) -> int:
    """`ImpactRollup.period` of a submission time: year * 10 + quarter (UTC)."""
    utc = when.astimezone(dt.UTC)
    return utc.year * 10 + (utc.month - 1) // 3 + 1


def periods(
    session: Session, stages: Stages, shape: Shape, params: dict[str, Any]
) -> tuple[Group, ...]:
    """Per year and quarter submitted, oldest first: the rollup's groups summed per
    quarter, rolled up over the statuses."""
    # The showcased are few: their submission times are read one by one.
    shown: dict[int, int] = {}
    for when in session.scalars(_shown_times_statement(shape), params):
        if when is not None:
            key = _period(_as_datetime(when))
            shown[key] = shown.get(key, 0) + 1
    out = []
    for r in session.execute(_periods_statement(stages, shape), params):
        year, quarter = divmod(int(r[0]), 10)
        out.append(Group(f"{year} Q{quarter}", counts(r[1:], shown.get(int(r[0]), 0), 0)))
    return tuple(out)


@functools.lru_cache(maxsize=64)
def _shown_times_statement(shape: Shape) -> Any:
    return select(submitted_at()).where(CaseStudy.id.in_(showcased_ids()), *where(shape))


@functools.lru_cache(maxsize=64)
def _periods_statement(stages: Stages, shape: Shape) -> Any:
    r = ImpactRollup
    g = (
        select(
            r.period,
            r.status,
            func.sum(r.n).label("n"),
            case((func.sum(r.hours_n) > 0, func.sum(r.hours)), else_=None).label("hours"),
            func.sum(r.hours_n).label("hours_n"),
            case((func.sum(r.pounds_n) > 0, func.sum(r.pounds)), else_=None).label("pounds"),
            func.sum(r.pounds_n).label("pounds_n"),
        )
        .where(r.period > 0, *rollup_where(shape))
        .group_by(r.period, r.status)
        .subquery("periods")
    )
    return (
        select(g.c.period, *rolled(stages, g))
        .group_by(g.c.period)
        .having(func.sum(g.c.n) > 0)
        .order_by(g.c.period)
    )


def _bounds(
    session: Session, stages: Stages, shape: Shape, params: dict[str, Any]
) -> tuple[dt.datetime, dt.datetime] | None:
    """The first and last submission among what `shape` admits, or None."""
    values = [
        _as_datetime(v)
        for v in session.execute(_bounds_statement(stages, shape), params).one()
        if v is not None
    ]
    return (min(values), max(values)) if values else None


@functools.lru_cache(maxsize=64)
def _bounds_statement(stages: Stages, shape: Shape) -> Any:
    """Each status's first and last submission, each its own scalar query, so each is one
    step into `ix_case_studies_submitted` (SQLite answers a lone min() or max() from an
    index at once, but not both in one query)."""
    ends = []
    for status in stages.every:
        for end in (func.min, func.max):
            stmt = select(end(submitted_at())).where(CaseStudy.status == status, *where(shape))
            ends.append(stmt.scalar_subquery())
    return select(*ends)


def years(
    session: Session, stages: Stages, shape: Shape, params: dict[str, Any]
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
