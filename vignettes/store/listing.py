"""The list of case studies as the CLI's `list` and the operations read it: light rows
(no ORM objects, so 10,000 rows stay fast) with each one's month, readiness, library
service and newest peer review."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vignettes.readiness import NOT_READY, Readiness, quantified_sql, quote_sql
from vignettes.states import APPROVED_STATES
from vignettes.store.models import CaseStudy, MonthlySlot
from vignettes.store.pipeline_models import LibraryService, Review


@dataclass(frozen=True)
class CaseStudyRow:
    """A light row for listings (no ORM objects: `list` stays fast on 10,000 rows)."""

    ref: str
    title: str
    organisation: str
    region: str
    status: str
    approved_by: str | None
    approved_at: dt.datetime | None
    approval_current: bool
    month: str | None
    readiness: Readiness = NOT_READY
    library_service: str = ""
    submitted_at: dt.datetime | None = None
    # The newest review as `review_json` gives it, or None.
    latest_review: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "title": self.title,
            "organisation": self.organisation,
            "library_service": self.library_service,
            "region": self.region,
            "status": self.status,
            "state": self.status,
            "submitted_at": self.submitted_at.isoformat() if self.submitted_at else None,
            "latest_review": self.latest_review,
            "approved_by": self.approved_by,
            "approved_at": self.approved_at.isoformat() if self.approved_at else None,
            "approval_current": self.approval_current,
            "month": self.month,
            "readiness": self.readiness.to_json(),
        }


def list_case_studies(
    session: Session, status: str | None = None, services: frozenset[int] | None = None
) -> list[CaseStudyRow]:
    """Every case study (with `status`; of `services` only, unless None), by ref."""
    stmt = (
        select(
            CaseStudy.ref,
            CaseStudy.title,
            CaseStudy.organisation,
            CaseStudy.region,
            CaseStudy.status,
            CaseStudy.approved_by,
            CaseStudy.approved_at,
            CaseStudy.approved_hash,
            CaseStudy.content_hash,
            MonthlySlot.month,
            quote_sql().label("has_quote"),
            quantified_sql().label("quantified"),
            LibraryService.name.label("service"),
            CaseStudy.submitted_at,
        )
        .outerjoin(MonthlySlot, MonthlySlot.case_study_id == CaseStudy.id)
        .outerjoin(LibraryService, LibraryService.id == CaseStudy.library_service_id)
        .order_by(CaseStudy.ref)
    )
    if status:
        stmt = stmt.where(CaseStudy.status == status)
    if services is not None:
        stmt = stmt.where(CaseStudy.library_service_id.in_(sorted(services)))
    reviews = latest_review_json(session)
    return [
        CaseStudyRow(
            ref=r.ref,
            title=r.title,
            organisation=r.organisation,
            region=r.region,
            status=r.status,
            approved_by=r.approved_by,
            approved_at=r.approved_at,
            approval_current=r.status in APPROVED_STATES and r.approved_hash == r.content_hash,
            month=r.month,
            readiness=Readiness(bool(r.has_quote), bool(r.quantified)),
            library_service=r.service or "",
            submitted_at=r.submitted_at,
            latest_review=reviews.get(r.ref),
        )
        for r in session.execute(stmt)
    ]


def latest_review_json(session: Session) -> dict[str, dict[str, Any]]:
    """By ref, the newest review of every case study that has one: criteria met,
    decision, outcome, by, at (what `list --json` shows)."""
    newest = select(func.max(Review.id)).group_by(Review.case_study_id).scalar_subquery()
    stmt = select(CaseStudy.ref, Review).join(Review, Review.case_study_id == CaseStudy.id)
    return {
        ref: review_json(review)
        for ref, review in session.execute(stmt.where(Review.id.in_(newest)))
    }


def review_json(review: Any) -> dict[str, Any]:
    """A review as data: the five criteria (met, note), decision, outcome, by, at, via."""
    notes = review.notes or {}
    return {
        "criteria": {
            str(n): {"met": n in review.met(), "note": notes.get(str(n), "")} for n in range(1, 6)
        },
        "decision": review.decision,
        "message": review.message,
        "outcome": review.outcome,
        "by": review.by,
        "at": review.at.isoformat(),
        "via": review.via,
    }
