"""Finding case studies for a screen: search by ref, title or organisation, filter by
status, region, impact category and whether showcased, sort, and one page at a time. One
query for the page and one for the count, so it stays fast on 10,000 rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.orm import Session

from vignettes.readiness import NOT_READY, Readiness, quantified_sql, quote_sql, score_sql
from vignettes.states import APPROVED_STATES
from vignettes.store.models import CaseStudy, MonthlySlot
from vignettes.store.queries import SHOWCASED_STATES

SORTS = {
    "ref": (CaseStudy.ref,),
    "title": (func.lower(CaseStudy.title), CaseStudy.ref),
    "organisation": (func.lower(CaseStudy.organisation), CaseStudy.ref),
    "status": (CaseStudy.status, CaseStudy.ref),
    "updated": (CaseStudy.updated_at.desc(), CaseStudy.ref),
    "approved": (CaseStudy.approved_at.desc(), CaseStudy.ref),
    "readiness": (score_sql().desc(), CaseStudy.ref),
}
MAX_PER_PAGE = 200
MAX_QUERY = 200


@dataclass(frozen=True)
class CaseStudyQuery:
    """What a person asked for; every field optional. `showcased`: True for case studies
    already shown (or being shown), False for the rest."""

    text: str = ""
    status: str | None = None
    region: str | None = None
    category: str | None = None
    showcased: bool | None = None
    sort: str = "ref"
    page: int = 1
    per_page: int = 50
    # Only these library services' case studies (a contributor's); None: every one.
    services: frozenset[int] | None = None


@dataclass(frozen=True)
class Listing:
    ref: str
    title: str
    organisation: str
    region: str
    status: str
    approval_current: bool
    impact_categories: tuple[str, ...]
    month: str | None
    slot_state: str | None
    updated_at: dt.datetime
    readiness: Readiness = NOT_READY
    library_service: str = ""
    # `month` is auto-pick's choice in the plan, not a slot of its own yet
    picked: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "title": self.title,
            "organisation": self.organisation,
            "library_service": self.library_service,
            "region": self.region,
            "status": self.status,
            "state": self.status,
            "approval_current": self.approval_current,
            "impact_categories": list(self.impact_categories),
            "month": self.month,
            "slot_state": self.slot_state,
            "updated_at": self.updated_at.isoformat(),
            "readiness": self.readiness.to_json(),
        }


@dataclass(frozen=True)
class ListingPage:
    rows: tuple[Listing, ...]
    total: int
    query: CaseStudyQuery
    regions: tuple[str, ...] = field(default=())

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.per_page))


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def find_case_studies(session: Session, query: CaseStudyQuery) -> ListingPage:
    """The page of case studies `query` asks for, with the total and the known regions."""
    conditions: list[Any] = []
    if query.services is not None:
        conditions.append(CaseStudy.library_service_id.in_(sorted(query.services)))
    scope = list(conditions)
    text = query.text.strip()[:MAX_QUERY]
    if text:
        pattern = _like(text)
        conditions.append(
            or_(
                func.lower(CaseStudy.ref).like(pattern, escape="\\"),
                func.lower(CaseStudy.title).like(pattern, escape="\\"),
                func.lower(CaseStudy.organisation).like(pattern, escape="\\"),
            )
        )
    if query.status:
        conditions.append(CaseStudy.status == query.status)
    if query.region:
        conditions.append(CaseStudy.region == query.region)
    if query.category:
        # Codes are stored as a JSON list of strings: the quoted code matches exactly.
        code = query.category.replace('"', "")
        stored = func.lower(cast(CaseStudy.impact_categories, String))
        conditions.append(stored.like(_like(f'"{code}"'), escape="\\"))
    shown = MonthlySlot.state.in_(SHOWCASED_STATES)
    if query.showcased is True:
        conditions.append(shown)
    elif query.showcased is False:
        conditions.append(or_(MonthlySlot.id.is_(None), ~shown))
    base = select(CaseStudy.id).outerjoin(MonthlySlot, MonthlySlot.case_study_id == CaseStudy.id)
    for condition in conditions:
        base = base.where(condition)
    per_page = min(max(query.per_page, 1), MAX_PER_PAGE)
    page = max(query.page, 1)
    order = SORTS.get(query.sort, SORTS["ref"])
    stmt = (
        select(
            CaseStudy.ref,
            CaseStudy.title,
            CaseStudy.organisation,
            CaseStudy.region,
            CaseStudy.status,
            CaseStudy.approved_hash,
            CaseStudy.content_hash,
            CaseStudy.impact_categories,
            MonthlySlot.month,
            MonthlySlot.state,
            CaseStudy.updated_at,
            CaseStudy.library_service,
            quote_sql().label("has_quote"),
            quantified_sql().label("quantified"),
        )
        .outerjoin(MonthlySlot, MonthlySlot.case_study_id == CaseStudy.id)
        .where(*conditions)
        .order_by(*order)
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    total = int(session.scalar(select(func.count()).select_from(base.subquery())) or 0)
    rows = tuple(
        Listing(
            ref=r.ref,
            title=r.title,
            organisation=r.organisation,
            region=r.region,
            status=r.status,
            approval_current=r.status in APPROVED_STATES and r.approved_hash == r.content_hash,
            impact_categories=tuple(r.impact_categories or ()),
            month=r.month,
            slot_state=r.state,
            updated_at=r.updated_at,
            readiness=Readiness(bool(r.has_quote), bool(r.quantified)),
            library_service=r.library_service,
        )
        for r in session.execute(stmt)
    )
    regions = tuple(
        session.scalars(
            select(CaseStudy.region)
            .where(CaseStudy.region != "", *scope)
            .distinct()
            .order_by(CaseStudy.region)
        )
    )
    fixed = CaseStudyQuery(
        text,
        query.status,
        query.region,
        query.category,
        query.showcased,
        query.sort,
        page,
        per_page,
        query.services,
    )
    return ListingPage(rows, total, fixed, regions)
