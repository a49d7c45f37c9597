"""The impact dashboard's figures per year and quarter submitted, and the years there are.

Each quarter of each status is one range of `ix_case_studies_submitted` (status, then
submission time), summed without sorting anything; the quarters are rolled up over the
statuses in the same statement.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from typing import Any

from sqlalchemy import bindparam, func, literal, select, union_all
from sqlalchemy.orm import Session

from vignettes.reporting.gallery import submitted_at
from vignettes.reporting.impact_parts import Group, Shape, counts, rolled, showcased_ids, where
from vignettes.reporting.visibility import Stages
from vignettes.store.models import CaseStudy, UTCDateTime


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


def periods(
    session: Session, stages: Stages, shape: Shape, params: dict[str, Any]
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
        out.append(Group(label, counts(r[1:], shown.get(int(r[0]), 0), 0)))
    return tuple(out)


@functools.lru_cache(maxsize=64)
def _shown_times_statement(shape: Shape) -> Any:
    return select(submitted_at()).where(CaseStudy.id.in_(showcased_ids()), *where(shape))


@functools.lru_cache(maxsize=256)
def _periods_statement(stages: Stages, shape: Shape, quarters: int) -> Any:
    conditions = where(shape)
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
            *conditions,
        )
        for status in stages.every
        for i in range(quarters)
    ]
    g = union_all(*slices).subquery("periods")
    return (
        select(g.c.slice, *rolled(stages, g))
        .group_by(g.c.slice)
        .having(func.sum(g.c.n) > 0)
        .order_by(g.c.slice)
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
