"""Read models of case studies: the list, and one case study with its approvals, reviews,
comments and history. A contributor's actor sees only its own library services' case
studies: any other is NotFound, as if it did not exist."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.operations.actor import Actor
from scheduler.operations.context import Workspace
from scheduler.operations.pipeline.scope import services_in_scope
from scheduler.operations.showcase.planning import planned_months
from vignettes.content import CHANGED_OUTSIDE, CONTENT_FIELDS, QUOTE_WITHHELD, CaseStudyContent
from vignettes.errors import NotFound
from vignettes.readiness import NOT_READY, Readiness, readiness
from vignettes.states import CRITERIA, STATE_VALUES, SnapshotState
from vignettes.store import read_models
from vignettes.store.directory import services_by_ids
from vignettes.store.listing import CaseStudyRow, list_case_studies
from vignettes.store.models import EngagementSnapshot, Post
from vignettes.store.pipeline_models import Comment, Review
from vignettes.store.queries import audit_trail, get_case_study, slot_of_case_study
from vignettes.store.search import CaseStudyQuery, ListingPage, find_case_studies

__all__ = [
    "CHANGED_OUTSIDE",
    "STATE_VALUES",
    "CaseStudyDetail",
    "CaseStudyQuery",
    "CaseStudyRow",
    "ListingPage",
    "case_studies",
    "case_study",
    "find",
]


def case_studies(
    ws: Workspace, status: str | None = None, actor: Actor | None = None
) -> list[CaseStudyRow]:
    """Every case study `actor` may see (with `status`, if given), ordered by ref, with
    its month if any."""
    scope = services_in_scope(actor) if actor is not None else None
    with ws.store.read() as session:
        return list_case_studies(session, status, scope)


@dataclass(frozen=True)
class ReviewRecord:
    """One peer review: each criterion met or not with its note, the decision, the
    message to the contributor, who, when and through which interface."""

    id: int
    by: str
    at: dt.datetime
    via: str
    met: frozenset[int]
    notes: dict[str, str]
    decision: str
    message: str
    outcome: str

    @classmethod
    def of(cls, review: Review) -> ReviewRecord:
        return cls(review.id, review.by, review.at, review.via, review.met(),
                   dict(review.notes or {}), review.decision, review.message,
                   review.outcome)  # fmt: skip

    def criteria(self) -> list[tuple[int, str, bool, str]]:
        """(number, criterion, met, note) for the five criteria, in order."""
        return [
            (n, text, n in self.met, self.notes.get(str(n), "")) for n, text in CRITERIA.items()
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            "by": self.by,
            "at": self.at.isoformat(),
            "via": self.via,
            "criteria": {
                str(n): {"met": met, "note": note} for n, _t, met, note in self.criteria()
            },
            "decision": self.decision,
            "message": self.message,
            "outcome": self.outcome,
        }


@dataclass(frozen=True)
class CommentRecord:
    by: str
    at: dt.datetime
    via: str
    body: str

    def to_json(self) -> dict[str, Any]:
        return {"by": self.by, "at": self.at.isoformat(), "via": self.via, "body": self.body}


@dataclass(frozen=True)
class ApprovalRecord:
    decision: str
    by: str
    at: dt.datetime
    content_hash: str
    reason: str | None

    @property
    def day_only(self) -> bool:
        """Whether only the day is known: a file records the day of an approval given
        elsewhere (stored as midnight UTC), the console and the command line the moment."""
        return self.at.astimezone(dt.UTC).time() == dt.time()

    def to_json(self) -> dict[str, Any]:
        return {
            "decision": self.decision,
            "by": self.by,
            "at": self.at.isoformat(),
            "content_hash": self.content_hash,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class HistoryEvent:
    at: dt.datetime
    actor: str
    via: str
    action: str
    month: str | None
    detail: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "actor": self.actor,
            "via": self.via,
            "action": self.action,
            "month": self.month,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class Engagement:
    """A live post's figures at its latest engagement snapshot (None: not said)."""

    taken_at: dt.datetime
    impressions: int | None
    likes: int | None
    reposts: int | None
    replies: int | None

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self) | {"taken_at": self.taken_at.isoformat()}


@dataclass(frozen=True)
class LivePost:
    """A post of the case study that is out, with its public address and, once measured,
    its engagement: what its contributors were promised they would see."""

    platform: str
    url: str
    engagement: Engagement | None = None

    def to_json(self) -> dict[str, Any]:
        engagement = self.engagement.to_json() if self.engagement else None
        return {"platform": self.platform, "url": self.url, "engagement": engagement}


def _live_posts(session: Session, slot_id: int) -> tuple[LivePost, ...]:
    posts = session.execute(
        select(Post.id, Post.platform, Post.url)
        .where(Post.slot_id == slot_id, Post.state == "posted", Post.url.is_not(None))
        .order_by(Post.platform)
    ).all()
    latest: dict[int, Engagement] = {}
    taken = (
        select(EngagementSnapshot)
        .where(
            EngagementSnapshot.post_id.in_([post_id for post_id, _, _ in posts]),
            EngagementSnapshot.state == SnapshotState.TAKEN,
        )
        .order_by(EngagementSnapshot.taken_at)
    )
    for snap in session.scalars(taken):  # the latest of each post last
        if snap.taken_at is not None:
            latest[snap.post_id] = Engagement(
                snap.taken_at, snap.impressions, snap.likes, snap.reposts, snap.replies
            )
    return tuple(
        LivePost(platform, url, latest.get(post_id)) for post_id, platform, url in posts if url
    )


@dataclass(frozen=True)
class CaseStudyDetail:
    """One case study: its content, workflow state, approvals and full history."""

    ref: str
    status: str
    approval_current: bool
    content_hash: str
    approved_by: str | None
    approved_at: dt.datetime | None
    month: str | None
    slot_state: str | None
    requested_month: str | None
    content: CaseStudyContent
    approvals: tuple[ApprovalRecord, ...]
    history: tuple[HistoryEvent, ...]
    readiness: Readiness = NOT_READY
    # The content no longer matches the hash written with it (changed behind the
    # program's back): never sent until approved again.
    changed_outside: bool = False
    library_service_id: int | None = None
    library_service: str | None = None
    submitted_at: dt.datetime | None = None
    reviews: tuple[ReviewRecord, ...] = ()
    comments: tuple[CommentRecord, ...] = ()
    # Once showcased: its posts that are out (its contributors see them, as the issue says).
    live_posts: tuple[LivePost, ...] = ()

    @property
    def latest_review(self) -> ReviewRecord | None:
        return self.reviews[-1] if self.reviews else None

    @property
    def quote_note(self) -> str | None:
        """ "quote withheld: no consent recorded" when the quote may not be used."""
        return QUOTE_WITHHELD if self.content.quote_withheld else None

    def to_json(self) -> dict[str, Any]:
        content = self.content
        latest = self.latest_review
        return {
            "ref": self.ref,
            "status": self.status,
            "state": self.status,
            "library_service": self.library_service,
            "submitted_at": self.submitted_at.isoformat() if self.submitted_at else None,
            "latest_review": latest.to_json() if latest else None,
            "reviews": [r.to_json() for r in self.reviews],
            "comments": [c.to_json() for c in self.comments],
            "live_posts": [p.to_json() for p in self.live_posts],
            "approval_current": self.approval_current,
            "content_hash": self.content_hash,
            "approved_by": self.approved_by,
            "approved_at": self.approved_at.isoformat() if self.approved_at else None,
            "month": self.month,
            "slot_state": self.slot_state,
            "requested_month": self.requested_month,
            "content": content_json(content),
            "approvals": [a.to_json() for a in self.approvals],
            "audit": [e.to_json() for e in self.history],
            "impact_labels": list(content.impact_labels),
            "readiness": self.readiness.to_json(),
            "quote_withheld": self.quote_note,
            "changed_outside": self.changed_outside,
        }


def content_json(content: CaseStudyContent) -> dict[str, Any]:
    """Every content field (the declaration's, in its order) as JSON: lists for tuples."""
    return {
        name: list(value) if isinstance(value := getattr(content, name), tuple) else value
        for name in CONTENT_FIELDS
    }


def case_study(ws: Workspace, ref: str, actor: Actor | None = None) -> CaseStudyDetail:
    """`ref` with everything a reviewer needs; raises NotFound (also for a case study
    `actor` may not see). Cached while the database is unchanged (its page is the one
    reviewers reload)."""
    detail = read_models.cached(ws.store, ("case study", ref), lambda: _read_case_study(ws, ref))
    scope = services_in_scope(actor) if actor is not None else None
    if scope is not None and detail.library_service_id not in scope:
        raise NotFound("case study", ref)
    return detail


def _read_case_study(ws: Workspace, ref: str) -> CaseStudyDetail:
    with ws.store.read() as session:
        cs = get_case_study(session, ref)
        slot = slot_of_case_study(session, cs.id)
        content = cs.content()
        labels = ws.config.importing.vocabulary.labels(content.impact_categories)
        content = dataclasses.replace(content, category_labels=labels)
        changed_outside = cs.changed_outside
        return CaseStudyDetail(
            ref=cs.ref,
            status=cs.status,
            approval_current=cs.approval_is_current and not changed_outside,
            changed_outside=changed_outside,
            content_hash=cs.content_hash,
            approved_by=cs.approved_by,
            approved_at=cs.approved_at,
            month=slot.month if slot else None,
            slot_state=slot.state if slot else None,
            requested_month=cs.requested_month,
            content=content,
            approvals=tuple(
                ApprovalRecord(a.decision, a.actor, a.at, a.content_hash, a.reason or None)
                for a in cs.approvals
            ),
            history=tuple(
                HistoryEvent(e.at, e.actor, e.via, e.action, e.month or None, e.detail)
                for e in audit_trail(session, cs.ref)
            ),
            readiness=readiness(content),
            library_service_id=cs.library_service_id,
            library_service=next(
                (s.name for s in services_by_ids(session, [cs.library_service_id or 0])), None
            ),
            submitted_at=cs.submitted_at,
            reviews=tuple(
                ReviewRecord.of(r)
                for r in session.scalars(
                    select(Review).where(Review.case_study_id == cs.id).order_by(Review.id)
                )
            ),
            comments=tuple(
                CommentRecord(c.by, c.at, c.via, c.body)
                for c in session.scalars(
                    select(Comment).where(Comment.case_study_id == cs.id).order_by(Comment.id)
                )
            ),
            live_posts=_live_posts(session, slot.id) if slot else (),
        )


def find(ws: Workspace, query: CaseStudyQuery, actor: Actor | None = None) -> ListingPage:
    """A page of case studies for a screen: searched, filtered and sorted (only those
    `actor` may see), each with the month it is planned for (auto-pick's choice too,
    marked `picked`). Remembered while the database is unchanged: the count and the
    regions read every case study."""
    if actor is not None:
        query = dataclasses.replace(query, services=services_in_scope(actor))

    def read() -> ListingPage:
        with ws.store.read() as session:
            return find_case_studies(session, query)

    found = read_models.cached(ws.store, ("listing", query), read)
    if all(row.month for row in found.rows):
        return found
    planned = planned_months(ws)
    rows = tuple(
        dataclasses.replace(row, month=str(entry.month), slot_state=entry.state, picked=True)
        if not row.month and (entry := planned.get(row.ref)) is not None
        else row
        for row in found.rows
    )
    return dataclasses.replace(found, rows=rows)
