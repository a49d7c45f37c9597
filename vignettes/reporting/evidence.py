"""An evidence pack's data: one library service's case studies submitted in a year, with
their review outcome, the attributable quotes with the record of their consent, and the
vignettes showcased from them with their posts and latest engagement.

Private by nature (reviewers, decisions, consent records): only the evidence pack reads it,
and only for people the operations layer allows (`visibility.may_download_evidence`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vignettes.reporting.gallery import submitted_at
from vignettes.reporting.visibility import PublicRule
from vignettes.store.models import (
    Approval,
    AuditEvent,
    CaseStudy,
    EngagementSnapshot,
    MonthlySlot,
    Post,
)
from vignettes.store.pipeline_models import LibraryService

POST_FIGURES = ("impressions", "likes", "reposts", "replies", "link_clicks")


@dataclass(frozen=True)
class Review:
    decision: str
    by: str
    at: dt.datetime
    reason: str


@dataclass(frozen=True)
class EvidenceCase:
    ref: str
    title: str
    organisation: str
    submitted_at: dt.datetime
    status: str
    listed: bool
    impact_categories: tuple[str, ...]
    time_saved_hours: float | None
    cost_saving_gbp: float | None
    reviews: tuple[Review, ...]


@dataclass(frozen=True)
class ConsentEvent:
    """One line of a quote's consent record: when consent was recorded or changed, by
    whom, through which interface and from which file."""

    at: dt.datetime
    by: str
    via: str
    action: str
    consent: str  # "yes", "no" or "" (not stated)
    source: str


@dataclass(frozen=True)
class EvidenceQuote:
    ref: str
    quote_text: str
    quote_attribution: str
    consent: bool
    record: tuple[ConsentEvent, ...]


@dataclass(frozen=True)
class EvidencePost:
    month: str
    ref: str
    title: str
    platform: str
    url: str
    posted_at: dt.datetime | None
    figures: tuple[tuple[str, int | None], ...]


@dataclass(frozen=True)
class Evidence:
    service: str
    year: int
    cases: tuple[EvidenceCase, ...]
    quotes: tuple[EvidenceQuote, ...]
    posts: tuple[EvidencePost, ...]


def library_services(session: Session) -> list[tuple[int, str]]:
    """Every library service of the directory, (id, name) by name."""
    stmt = select(LibraryService.id, LibraryService.name).order_by(LibraryService.name)
    return [(int(i), str(n)) for i, n in session.execute(stmt)]


def evidence(
    session: Session, rule: PublicRule, service_id: int, service: str, year: int
) -> Evidence:
    """What library service `service_id`'s case studies submitted in `year` show."""
    first = dt.datetime(year, 1, 1, tzinfo=dt.UTC)
    rows = session.execute(
        select(CaseStudy, rule.condition().label("listed"))
        .where(
            CaseStudy.library_service_id == service_id,
            submitted_at() >= first,
            submitted_at() < first.replace(year=year + 1),
        )
        .order_by(submitted_at(), CaseStudy.ref)
    ).all()
    cases, quotes = [], []
    ids = {}
    for cs, listed in rows:
        ids[cs.id] = cs
        reviews = session.scalars(
            select(Approval).where(Approval.case_study_id == cs.id).order_by(Approval.id)
        )
        cases.append(
            EvidenceCase(
                ref=cs.ref,
                title=cs.title,
                organisation=cs.organisation,
                submitted_at=cs.submitted_at or cs.created_at,
                status=cs.status,
                listed=bool(listed),
                impact_categories=tuple(cs.impact_categories or ()),
                time_saved_hours=cs.time_saved_hours,
                cost_saving_gbp=cs.cost_saving_gbp,
                reviews=tuple(Review(a.decision, a.actor, a.at, a.reason or "") for a in reviews),
            )
        )
        if cs.quote_text:
            quotes.append(
                EvidenceQuote(
                    cs.ref,
                    cs.quote_text,
                    cs.quote_attribution,
                    cs.quote_consent,
                    _consent_record(session, cs.ref, cs.quote_consent),
                )
            )
    return Evidence(service, year, tuple(cases), tuple(quotes), _posts(session, list(ids)))


def _consent_record(session: Session, ref: str, current: bool) -> tuple[ConsentEvent, ...]:
    """Every audit event that recorded or changed the quote's consent: the import or form
    that created the case study (with the consent it recorded: the first change's old
    value, or the current one when it never changed), and each change since."""
    found: list[tuple[AuditEvent, Any]] = []
    first_old: Any = current
    changed = False
    for event in session.scalars(
        select(AuditEvent).where(AuditEvent.ref == ref).order_by(AuditEvent.id)
    ):
        detail: dict[str, Any] = event.detail or {}
        change = (detail.get("changes") or {}).get("quote_consent")
        if event.action in ("imported", "added"):
            found.append((event, None))
        elif isinstance(change, dict):
            if not changed:
                first_old, changed = change.get("old"), True
            found.append((event, change.get("new")))
    record = []
    for event, consent in found:
        value = first_old if event.action in ("imported", "added") else consent
        detail = event.detail or {}
        source = str(detail.get("source") or "")
        if detail.get("row"):
            source = f"{source}, row {detail['row']}"
        shown = "yes" if value is True else "no" if value is False else ""
        record.append(ConsentEvent(event.at, event.actor, event.via, event.action, shown, source))
    return tuple(record)


def _posts(session: Session, ids: list[int]) -> tuple[EvidencePost, ...]:
    if not ids:
        return ()
    snap = EngagementSnapshot
    latest = (
        select(snap.post_id, *(func.max(getattr(snap, f)).label(f) for f in POST_FIGURES))
        .where(snap.state == "taken")
        .group_by(snap.post_id)
        .subquery()
    )
    stmt = (
        select(
            MonthlySlot.month,
            CaseStudy.ref,
            CaseStudy.title,
            Post.platform,
            Post.url,
            Post.posted_at,
            *(getattr(latest.c, f) for f in POST_FIGURES),
        )
        .select_from(Post)
        .join(MonthlySlot, MonthlySlot.id == Post.slot_id)
        .join(CaseStudy, CaseStudy.id == Post.case_study_id)
        .outerjoin(latest, latest.c.post_id == Post.id)
        .where(Post.state == "posted", Post.case_study_id.in_(ids))
        .order_by(MonthlySlot.month, Post.platform)
    )
    return tuple(
        EvidencePost(
            r[0], r[1], r[2], r[3], r[4] or "", r[5], tuple(zip(POST_FIGURES, r[6:], strict=True))
        )
        for r in session.execute(stmt)
    )
