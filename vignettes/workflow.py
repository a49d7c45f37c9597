"""The acts that move a case study through review, each within the caller's transaction:
submit, review, withdraw, comment, and what a change of content does to an acceptance.
Each checks the state it starts from (`vignettes.states`), writes the history (who, when,
through which interface) and raises WorkflowError with a sentence for the person.

Who may act (roles, their own library service) is decided above, in the operations layer;
what a state allows is decided here, once, for the CLI and the console alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vignettes.errors import VignettesError
from vignettes.states import (
    CRITERIA,
    REVIEW_VOIDED_BY_EDIT,
    SUBMITTABLE,
    WITHDRAWABLE,
    CaseStudyState,
    ReviewDecision,
    review_outcome,
)
from vignettes.store.models import Approval, CaseStudy
from vignettes.store.pipeline_models import Comment, Review
from vignettes.store.queries import SHOWCASED_STATES, audit, slot_of_case_study
from vignettes.text import character_problems, normalise_text

S = CaseStudyState
MESSAGE_LIMIT = 4000
NOTE_LIMIT = 1000
COMMENT_LIMIT = 4000


class WorkflowError(VignettesError):
    """An act the case study's state does not allow, or a review or comment that is not
    well formed; the message says why."""


@dataclass(frozen=True)
class Person:
    """Who acts: the account's name and id (None for the machine's operator), and the
    interface ("cli", "web", "daemon")."""

    name: str
    via: str
    user_id: int | None = None


def _text(value: str, what: str, limit: int, ref: str) -> str:
    """Plain text as stored: trimmed, NFC, no control or invisible characters."""
    text = normalise_text(value.strip())
    if len(text) > limit:
        raise WorkflowError(f"{ref}: {what} is {len(text)} characters, the limit is {limit}")
    problems = character_problems(text, multi_line=True, name=False)
    if problems:
        raise WorkflowError(f"{ref}: {what} {'; '.join(problems)}")
    return text


def submissions(session: Session, cs: CaseStudy) -> int:
    """How many times `cs` has been submitted (names each submission's email)."""
    from vignettes.store.models import AuditEvent

    stmt = select(func.count()).where(AuditEvent.ref == cs.ref, AuditEvent.action == "submitted")
    return int(session.scalar(stmt.select_from(AuditEvent)) or 0)


def submit(session: Session, cs: CaseStudy, who: Person, now: dt.datetime) -> None:
    """A draft, or one whose reviewer asked for changes, goes to the reviewers."""
    if cs.status not in SUBMITTABLE:
        raise WorkflowError(
            f"{cs.ref} is {_state(cs.status)}: only a draft or a case study with changes "
            "requested can be submitted"
        )
    again = cs.status == S.CHANGES_REQUESTED
    cs.status = S.SUBMITTED
    if cs.submitted_at is None:
        cs.submitted_at = now
    cs.updated_at = now
    audit(session, at=now, actor=who.name, via=who.via, action="submitted", ref=cs.ref,
          resubmitted=again, content_hash=cs.content_hash)  # fmt: skip


def withdraw(session: Session, cs: CaseStudy, who: Person, now: dt.datetime) -> str | None:
    """Take a case study out of the pipeline before it is showcased, releasing the month
    it was queued for; returns that month, if any."""
    if cs.status not in WITHDRAWABLE:
        raise WorkflowError(f"{cs.ref} is {_state(cs.status)} and cannot be withdrawn")
    slot = slot_of_case_study(session, cs.id)
    if slot is not None and slot.state in SHOWCASED_STATES:
        raise WorkflowError(f"{cs.ref} is being showcased in {slot.month}: too late to withdraw")
    released = None
    if slot is not None:
        released = slot.month
        audit(session, at=now, actor=who.name, via=who.via, action="unqueued", ref=cs.ref,
              month=slot.month)  # fmt: skip
        session.delete(slot)
    if cs.status in (S.APPROVED,):
        cs.approvals.append(Approval(decision="voided", actor=who.name, at=now,
                                     content_hash=cs.content_hash, reason="withdrawn"))  # fmt: skip
    cs.status = S.WITHDRAWN
    cs.approved_hash = cs.approved_by = cs.approved_at = None
    cs.requested_month = None
    cs.updated_at = now
    audit(session, at=now, actor=who.name, via=who.via, action="withdrawn", ref=cs.ref,
          released_month=released)  # fmt: skip
    return released


@dataclass(frozen=True)
class ReviewInput:
    """What a reviewer records: which criteria are met (numbers 1–5), a note per
    criterion (optional), the decision and a message to the contributor."""

    met: frozenset[int]
    decision: ReviewDecision
    message: str = ""
    notes: Mapping[int, str] | None = None


def record_review(
    session: Session, cs: CaseStudy, who: Person, review: ReviewInput, now: dt.datetime
) -> Review:
    """A reviewer's decision on a submitted case study; returns the stored review (its
    `outcome` is the state it left the case study in)."""
    if cs.status != S.SUBMITTED:
        raise WorkflowError(f"{cs.ref} is {_state(cs.status)}: only a submitted case study "
                            "can be reviewed")  # fmt: skip
    unknown = sorted(n for n in review.met if n not in CRITERIA)
    if unknown:
        raise WorkflowError(f"{cs.ref}: there is no criterion {unknown[0]} (they are 1 to 5)")
    try:
        outcome = review_outcome(review.decision, review.met)
    except ValueError as exc:
        raise WorkflowError(f"{cs.ref}: {exc}") from None
    message = _text(review.message or "", "the message", MESSAGE_LIMIT, cs.ref)
    if review.decision is not ReviewDecision.ACCEPT and not message:
        raise WorkflowError(f"{cs.ref}: say what to change, or why it is rejected, in the message")
    notes = {
        str(n): _text(text, f"the note on criterion {n}", NOTE_LIMIT, cs.ref)
        for n, text in (review.notes or {}).items()
        if n in CRITERIA and text.strip()
    }
    stored = Review(
        case_study_id=cs.id,
        user_id=who.user_id,
        by=who.name,
        at=now,
        via=who.via,
        **{f"met_{n}": n in review.met for n in CRITERIA},
        notes=notes,
        decision=review.decision.value,
        message=message,
        outcome=outcome.value,
        content_hash=cs.content_hash,
    )
    session.add(stored)
    cs.status = outcome
    cs.updated_at = now
    if outcome in (S.ACCEPTED, S.ESCALATED):
        cs.accepted_at = now
    session.flush()
    audit(session, at=now, actor=who.name, via=who.via, action="reviewed", ref=cs.ref,
          review=stored.id, decision=review.decision.value, outcome=outcome.value,
          met=sorted(review.met), content_hash=cs.content_hash)  # fmt: skip
    return stored


def add_comment(
    session: Session, cs: CaseStudy, who: Person, body: str, now: dt.datetime
) -> Comment:
    text = _text(body, "the comment", COMMENT_LIMIT, cs.ref)
    if not text:
        raise WorkflowError(f"{cs.ref}: the comment is empty")
    comment = Comment(case_study_id=cs.id, user_id=who.user_id, by=who.name, at=now,
                      via=who.via, body=text)  # fmt: skip
    session.add(comment)
    session.flush()
    audit(session, at=now, actor=who.name, via=who.via, action="commented", ref=cs.ref,
          comment=comment.id)  # fmt: skip
    return comment


def void_acceptance(
    session: Session, cs: CaseStudy, *, actor: str, at: dt.datetime, reason: str, via: str = ""
) -> bool:
    """The content of an accepted or escalated case study changed: back to `submitted`
    for review again (an approved one goes back through `void_approval`). Returns whether
    it did."""
    if cs.status not in REVIEW_VOIDED_BY_EDIT or cs.status == S.APPROVED:
        return False
    previous = cs.status
    cs.status = S.SUBMITTED
    cs.accepted_at = None
    audit(session, at=at, actor=actor, via=via, action="acceptance_voided", ref=cs.ref,
          reason=reason, was=previous, content_hash=cs.content_hash)  # fmt: skip
    return True


def mark_showcased(
    session: Session,
    cs: CaseStudy,
    now: dt.datetime,
    month: str,
    *,
    actor: str = "daemon",
    via: str = "daemon",
) -> bool:
    """An approved case study went out on a platform, published by `actor` (the daemon,
    or a person publishing now); returns whether this changed it."""
    if cs.status != S.APPROVED:
        return False
    cs.status = S.SHOWCASED
    cs.updated_at = now
    audit(session, at=now, actor=actor, via=via, action="showcased", ref=cs.ref,
          month=month)  # fmt: skip
    return True


def latest_reviews(session: Session, case_study_ids: list[int]) -> dict[int, Review]:
    """The newest review of each case study that has one."""
    if not case_study_ids:
        return {}
    newest = (
        select(func.max(Review.id))
        .where(Review.case_study_id.in_(case_study_ids))
        .group_by(Review.case_study_id)
    )
    stmt = select(Review).where(Review.id.in_(newest.scalar_subquery()))
    return {r.case_study_id: r for r in session.scalars(stmt)}


def _state(status: str) -> str:
    return status.replace("_", " ")
