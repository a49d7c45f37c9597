"""The public gallery's queries: a page of the listing (search, filters, newest first), one
listed case study with its live posts, the feed's entries, and a stamp of the data they
show (for ETag and Last-Modified).

Every query takes the `PublicRule` and reads only listed case studies; the rows returned
carry public fields only, so nothing a page does not show can leak from it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import ColumnElement, String, cast, exists, func, or_, select
from sqlalchemy.orm import Session

from vignettes.reporting.visibility import PublicRule
from vignettes.store.models import (
    Approval,
    AuditEvent,
    CaseStudy,
    EngagementSnapshot,
    MonthlySlot,
    Post,
)

MAX_QUERY = 200
MAX_PER_PAGE = 100
PublicState = Literal["listed", "gone", "unknown"]


def submitted_at() -> Any:
    """When a case study was first submitted (None for a draft): the year it counts in."""
    return CaseStudy.submitted_at


def showcased() -> ColumnElement[bool]:
    """The case study has a post that is live on a platform. (A list read once per query,
    not a lookup per case study: there are a few hundred at most.)"""
    return CaseStudy.id.in_(select(Post.case_study_id).where(Post.state == "posted"))


@dataclass(frozen=True)
class GalleryQuery:
    text: str = ""
    region: str | None = None
    category: str | None = None
    service: str | None = None
    year: int | None = None
    showcased_only: bool = False
    page: int = 1
    per_page: int = 20


@dataclass(frozen=True)
class GalleryEntry:
    """A listed case study as the gallery shows it: public fields only."""

    ref: str
    title: str
    organisation: str
    library_service: str
    region: str
    headline: str
    summary: str
    impact_categories: tuple[str, ...]
    time_saved_hours: float | None
    cost_saving_gbp: float | None
    accepted_at: dt.datetime | None
    submitted_at: dt.datetime | None
    month: str | None  # the month it was showcased, if it was


@dataclass(frozen=True)
class GalleryPage:
    entries: tuple[GalleryEntry, ...]
    total: int
    query: GalleryQuery
    regions: tuple[str, ...] = field(default=())
    services: tuple[str, ...] = field(default=())
    years: tuple[int, ...] = field(default=())

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.per_page))


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def _entry_columns() -> tuple[Any, ...]:
    shown = showcased()
    month = select(MonthlySlot.month).where(MonthlySlot.case_study_id == CaseStudy.id)
    return (
        CaseStudy.ref,
        CaseStudy.title,
        CaseStudy.organisation,
        CaseStudy.library_service,
        CaseStudy.region,
        CaseStudy.headline,
        CaseStudy.summary,
        CaseStudy.impact_categories,
        CaseStudy.time_saved_hours,
        CaseStudy.cost_saving_gbp,
        CaseStudy.accepted_at,
        submitted_at(),
        shown.label("shown"),
        month.scalar_subquery().label("month"),
    )


def _entry(r: Any) -> GalleryEntry:
    return GalleryEntry(
        ref=r.ref,
        title=r.title,
        organisation=r.organisation,
        library_service=r.library_service,
        region=r.region,
        headline=r.headline,
        summary=r.summary,
        impact_categories=tuple(r.impact_categories or ()),
        time_saved_hours=r.time_saved_hours,
        cost_saving_gbp=r.cost_saving_gbp,
        accepted_at=r.accepted_at,
        submitted_at=r.submitted_at,
        month=r.month if r.shown else None,
    )


def _conditions(rule: PublicRule, query: GalleryQuery) -> list[ColumnElement[bool]]:
    conditions = [rule.condition()]
    text = query.text.strip()[:MAX_QUERY]
    if text:
        pattern = _like(text)
        conditions.append(
            or_(
                *(
                    func.lower(column).like(pattern, escape="\\")
                    for column in (
                        CaseStudy.title,
                        CaseStudy.organisation,
                        CaseStudy.library_service,
                        CaseStudy.headline,
                        CaseStudy.summary,
                    )
                )
            )
        )
    if query.region:
        conditions.append(CaseStudy.region == query.region)
    if query.service:
        conditions.append(CaseStudy.library_service == query.service)
    if query.category:
        # Codes are stored as a JSON list of strings: the quoted code matches exactly.
        code = query.category.replace('"', "")
        stored = func.lower(cast(CaseStudy.impact_categories, String))
        conditions.append(stored.like(_like(f'"{code}"'), escape="\\"))
    if query.year is not None:
        # A range of submission times, not the year of each row: an index answers it.
        first = dt.datetime(query.year, 1, 1, tzinfo=dt.UTC)
        conditions.append(submitted_at() >= first)
        conditions.append(submitted_at() < first.replace(year=query.year + 1))
    if query.showcased_only:
        conditions.append(showcased())
    return conditions


def gallery_page(session: Session, rule: PublicRule, query: GalleryQuery) -> GalleryPage:
    """The page of the listing `query` asks for, newest accepted first, with the total (the
    filters' choices are `gallery_facets`)."""
    conditions = _conditions(rule, query)
    per_page = min(max(query.per_page, 1), MAX_PER_PAGE)
    page = max(query.page, 1)
    total = int(session.scalar(select(func.count(CaseStudy.id)).where(*conditions)) or 0)
    # The page's ids first, in the listing index's order (acceptance, then id), so only
    # the page's rows are read and have their columns worked out.
    order = (CaseStudy.accepted_at.desc(), CaseStudy.id.desc())
    ids = (
        select(CaseStudy.id)
        .where(*conditions)
        .order_by(*order)
        .offset((page - 1) * per_page)
        .limit(per_page)
        .subquery()
    )
    stmt = select(*_entry_columns()).join(ids, ids.c.id == CaseStudy.id).order_by(*order)
    entries = tuple(_entry(r) for r in session.execute(stmt))
    fixed = GalleryQuery(
        query.text.strip()[:MAX_QUERY],
        query.region,
        query.category,
        query.service,
        query.year,
        query.showcased_only,
        page,
        per_page,
    )
    return GalleryPage(entries, total, fixed)


@dataclass(frozen=True)
class Facets:
    """What the gallery's filters offer: the regions, library services and years there are
    among the listed statuses."""

    regions: tuple[str, ...]
    services: tuple[str, ...]
    years: tuple[int, ...]


def gallery_facets(session: Session, rule: PublicRule) -> Facets:
    """The filters' choices, read from the dashboard's indexes (`ix_case_studies_impact`
    in its own order, then a first and last submission per status), never the rows: by
    status alone (a rule with `current` also checks each row's hashes; the facets may then
    offer a choice that a case study back in review no longer fills)."""
    if not rule.listed:
        return Facets((), (), ())
    pairs = session.execute(
        select(CaseStudy.region, CaseStudy.library_service)
        .where(CaseStudy.status.in_(rule.listed))
        .group_by(CaseStudy.status, CaseStudy.region, CaseStudy.library_service)
    ).all()
    ends = [
        select(end(submitted_at())).where(CaseStudy.status == status).scalar_subquery()
        for status in rule.listed
        for end in (func.min, func.max)
    ]
    found = [_aware(v) for v in session.execute(select(*ends)).one() if v is not None]
    years = tuple(range(max(found).year, min(found).year - 1, -1)) if found else ()
    return Facets(
        tuple(sorted({region for region, _ in pairs if region})),
        tuple(sorted({service for _, service in pairs if service})),
        years,
    )


@dataclass(frozen=True)
class LivePost:
    platform: str
    url: str
    posted_at: dt.datetime | None


@dataclass(frozen=True)
class PublicCaseStudy:
    """One listed case study's public page: public fields, the quote only with consent,
    and for a showcased one its live posts."""

    entry: GalleryEntry
    background: str
    library_contribution: str
    outcome: str
    quote_text: str
    quote_attribution: str
    posts: tuple[LivePost, ...]


def public_state(session: Session, rule: PublicRule, ref: str) -> PublicState:
    """`listed`; `gone` for a case study withdrawn or rejected after it was accepted (its
    public address answers 410); `unknown` for anything else (never listed: 404, which
    says nothing about whether such a ref exists)."""
    if session.scalar(select(CaseStudy.id).where(CaseStudy.ref == ref, rule.condition())):
        return "listed"
    if not rule.gone:
        return "unknown"
    # Accepted once: an acceptance time, or an approval from before the review pipeline.
    once_accepted = or_(
        CaseStudy.accepted_at.is_not(None),
        exists().where(Approval.case_study_id == CaseStudy.id, Approval.decision == "approved"),
    )
    gone = select(CaseStudy.id).where(
        CaseStudy.ref == ref, CaseStudy.status.in_(rule.gone), once_accepted
    )
    return "gone" if session.scalar(gone) is not None else "unknown"


def public_case_study(session: Session, rule: PublicRule, ref: str) -> PublicCaseStudy | None:
    """`ref` if it is listed, else None."""
    columns = (
        *_entry_columns(),
        CaseStudy.id,
        CaseStudy.background,
        CaseStudy.library_contribution,
        CaseStudy.outcome,
        CaseStudy.quote_text,
        CaseStudy.quote_attribution,
        CaseStudy.quote_consent,
    )
    row = session.execute(select(*columns).where(CaseStudy.ref == ref, rule.condition())).first()
    if row is None:
        return None
    consented = bool(row.quote_consent) and bool(row.quote_text)
    posts = tuple(
        LivePost(platform, url or "", posted_at)
        for platform, url, posted_at in session.execute(
            select(Post.platform, Post.url, Post.posted_at)
            .where(Post.case_study_id == row.id, Post.state == "posted")
            .order_by(Post.platform)
        )
    )
    return PublicCaseStudy(
        entry=_entry(row),
        background=row.background,
        library_contribution=row.library_contribution,
        outcome=row.outcome,
        quote_text=row.quote_text if consented else "",
        quote_attribution=row.quote_attribution if consented else "",
        posts=posts,
    )


@dataclass(frozen=True)
class FeedItem:
    """One feed entry: a showcased vignette (`month` set, `updated` its first post) or a
    newly accepted case study (`updated` its acceptance)."""

    entry: GalleryEntry
    updated: dt.datetime


def feed_items(
    session: Session, rule: PublicRule, *, include_accepted: bool, limit: int
) -> list[FeedItem]:
    """The newest `limit` entries: showcased vignettes, and with `include_accepted`
    accepted case studies not (yet) showcased."""
    first_post = (
        select(func.min(Post.posted_at))
        .where(Post.case_study_id == CaseStudy.id, Post.state == "posted")
        .scalar_subquery()
    )
    updated = func.coalesce(first_post, CaseStudy.accepted_at, CaseStudy.updated_at)
    conditions = [rule.condition()]
    if not include_accepted:
        conditions.append(showcased())
    stmt = (
        select(*_entry_columns(), updated.label("updated"))
        .where(*conditions)
        .order_by(updated.desc(), CaseStudy.ref)
        .limit(limit)
    )
    items = []
    for row in session.execute(stmt):
        when = row.updated
        if isinstance(when, str):  # SQLite hands back coalesce() of datetimes as text
            when = dt.datetime.fromisoformat(when)
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        items.append(FeedItem(_entry(row), when))
    return items


@dataclass(frozen=True)
class Stamp:
    """What the gallery's pages were made from: `token` changes whenever anything they
    could show changes; `last_modified` is the latest change's time (None: no data)."""

    token: str
    last_modified: dt.datetime | None


def data_stamp(session: Session) -> Stamp:
    """A cheap stamp of the data: the newest audit event (every change of a case study's
    content or workflow writes one), post and engagement snapshot. One query."""
    stmt = select(
        select(func.max(AuditEvent.id)).scalar_subquery(),
        select(func.max(AuditEvent.at)).scalar_subquery(),
        select(func.max(CaseStudy.updated_at)).scalar_subquery(),
        select(func.count(CaseStudy.id)).scalar_subquery(),
        select(func.max(Post.updated_at)).scalar_subquery(),
        select(func.max(EngagementSnapshot.updated_at)).scalar_subquery(),
    )
    row = tuple(session.execute(stmt).one())
    times = [_aware(v) for v in (row[1], row[2], row[4], row[5]) if v is not None]
    token = hashlib.sha256(repr(row).encode()).hexdigest()[:24]
    return Stamp(token, max(times) if times else None)


def _aware(value: Any) -> dt.datetime:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    assert isinstance(value, dt.datetime)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
