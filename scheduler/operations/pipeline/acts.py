"""The acts of the review pipeline, one function each with an explicit actor, shared by the
CLI and the console: submit, withdraw, review, comment. Each checks the role
(`permissions`), the library service (`scope`: a contributor acts only on its own; a
reviewer never reviews its own), and the state (`vignettes.workflow`), does the act and
puts the emails it causes in the outbox, all in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from scheduler.errors import SchedulerError
from scheduler.operations.accounts.permissions import Permission, actor_may, require
from scheduler.operations.actor import Actor
from scheduler.operations.context import Workspace
from scheduler.operations.pipeline.scope import require_visible
from vignettes import notices, workflow
from vignettes.notices import Links
from vignettes.states import (
    CRITERIA,
    IN_REVIEW,
    SUBMITTABLE,
    WITHDRAWABLE,
    CaseStudyState,
    ReviewDecision,
)
from vignettes.store.directory import services_by_ids
from vignettes.store.models import CaseStudy
from vignettes.store.queries import SHOWCASED_STATES, get_case_study
from vignettes.workflow import Person, ReviewInput, WorkflowError

__all__ = [
    "CRITERIA",
    "Acted",
    "OpenActs",
    "OwnService",
    "ReviewInput",
    "WorkflowError",
    "comment",
    "links",
    "open_acts",
    "parse_criteria",
    "parse_decision",
    "review",
    "submit",
    "withdraw",
]


class OwnService(SchedulerError):
    """A reviewer asked to review a case study of their own library service."""


@dataclass(frozen=True)
class Acted:
    """What an act did: the case study's state after it, the emails it put in the outbox,
    and a note (a released month)."""

    ref: str
    state: str
    emails: int = 0
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"ref": self.ref, "state": self.state, "emails": self.emails, "note": self.note}


@dataclass(frozen=True)
class OpenActs:
    """What `actor` may do to a case study now, as its page offers it: the same rules as
    the acts below, so a button is shown exactly when pressing it can succeed (a
    reviewer's own service is said, rather than a review form that would be refused)."""

    submit: bool = False
    withdraw: bool = False
    review: bool = False
    comment: bool = False
    own_service: bool = False


def open_acts(
    actor: Actor, state: str, service_id: int | None, slot_state: str | None = None
) -> OpenActs:
    """What `actor` may do to a case study in `state` of library service `service_id`
    (whose month's slot is `slot_state`), which it may see."""
    own = service_id is not None and service_id in actor.services
    showing = slot_state in SHOWCASED_STATES or state == CaseStudyState.SHOWCASED
    in_review = state in IN_REVIEW
    return OpenActs(
        submit=actor_may(actor, Permission.SUBMIT) and state in SUBMITTABLE,
        withdraw=actor_may(actor, Permission.SUBMIT) and state in WITHDRAWABLE and not showing,
        review=actor_may(actor, Permission.REVIEW) and in_review and not own,
        comment=actor_may(actor, Permission.COMMENT),
        own_service=actor_may(actor, Permission.REVIEW) and in_review and own,
    )


def links(ws: Workspace) -> Links:
    return Links(ws.config.web.base_url, ws.config.schedule.timezone)


def _person(actor: Actor) -> Person:
    return Person(actor.name, actor.via, actor.user_id)


def _load(session: Session, actor: Actor, ref: str) -> CaseStudy:
    cs = get_case_study(session, ref)
    require_visible(actor, cs)
    return cs


def submit(ws: Workspace, actor: Actor, ref: str) -> Acted:
    """Send a draft (or a case study whose reviewer asked for changes) to the reviewers.
    Raises PermissionDenied, NotFound (also: not the contributor's service), WorkflowError."""
    require(actor, Permission.SUBMIT)
    now = ws.now()
    with ws.store.write() as session:
        cs = _load(session, actor, ref)
        workflow.submit(session, cs, _person(actor), now)
        told = notices.submitted(session, cs, workflow.submissions(session, cs), links(ws), now)
        return Acted(cs.ref, cs.status, told)


def withdraw(ws: Workspace, actor: Actor, ref: str) -> Acted:
    """Take a case study out before it is showcased. Raises PermissionDenied, NotFound,
    WorkflowError."""
    require(actor, Permission.SUBMIT)
    now = ws.now()
    with ws.store.write() as session:
        cs = _load(session, actor, ref)
        released = workflow.withdraw(session, cs, _person(actor), now)
        note = f"removed from {released}" if released else ""
        return Acted(cs.ref, cs.status, 0, note)


def review(ws: Workspace, actor: Actor, ref: str, given: ReviewInput) -> Acted:
    """Record `actor`'s peer review of a submitted case study and tell the people it
    concerns. Raises PermissionDenied, OwnService, NotFound, WorkflowError."""
    require(actor, Permission.REVIEW)
    now = ws.now()
    with ws.store.write() as session:
        cs = _load(session, actor, ref)
        if cs.library_service_id is not None and cs.library_service_id in actor.services:
            names = [s.name for s in services_by_ids(session, [cs.library_service_id])]
            raise OwnService(
                f"{actor.name} belongs to {names[0] if names else 'its library service'}: a "
                f"reviewer never reviews their own service's case studies; another reviewer "
                f"must review {cs.ref}"
            )
        stored = workflow.record_review(session, cs, _person(actor), given, now)
        told = notices.reviewed(session, cs, stored, links(ws), now)
        return Acted(cs.ref, cs.status, told)


def comment(ws: Workspace, actor: Actor, ref: str, body: str) -> Acted:
    """Add to the case study's thread. Raises PermissionDenied, NotFound, WorkflowError."""
    require(actor, Permission.COMMENT)
    now = ws.now()
    with ws.store.write() as session:
        cs = _load(session, actor, ref)
        workflow.add_comment(session, cs, _person(actor), body, now)
        return Acted(cs.ref, cs.status)


def parse_criteria(text: str) -> frozenset[int]:
    """`"1,2,3"` (spaces and an empty string allowed) → {1, 2, 3}; raises ValueError."""
    met = set()
    for part in text.replace(" ", "").split(","):
        if not part:
            continue
        if not part.isdigit() or int(part) not in CRITERIA:
            raise ValueError(f"{part!r} is not a criterion: use numbers 1 to 5, like 1,2,3")
        met.add(int(part))
    return frozenset(met)


def parse_decision(text: str) -> ReviewDecision:
    """`accept`, `changes` or `reject`; raises ValueError."""
    try:
        return ReviewDecision(text.strip().lower())
    except ValueError:
        raise ValueError(f"{text!r} is not a decision: use accept, changes or reject") from None
