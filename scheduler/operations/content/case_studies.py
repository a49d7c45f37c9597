"""Read models of case studies: the list, and one case study with its approvals and history."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from scheduler.operations.context import Workspace
from vignettes.content import CONTENT_FIELDS, QUOTE_WITHHELD, CaseStudyContent
from vignettes.readiness import NOT_READY, Readiness, readiness
from vignettes.store import read_models
from vignettes.store.queries import (
    CaseStudyRow,
    audit_trail,
    get_case_study,
    list_case_studies,
    slot_of_case_study,
)
from vignettes.store.search import CaseStudyQuery, ListingPage, find_case_studies

__all__ = [
    "CaseStudyDetail",
    "CaseStudyQuery",
    "CaseStudyRow",
    "ListingPage",
    "case_studies",
    "case_study",
    "find",
]


def case_studies(ws: Workspace, status: str | None = None) -> list[CaseStudyRow]:
    """Every case study (with `status`, if given), ordered by ref, with its month if any."""
    with ws.store.read() as session:
        return list_case_studies(session, status)


@dataclass(frozen=True)
class ApprovalRecord:
    decision: str
    by: str
    at: dt.datetime
    content_hash: str
    reason: str | None

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
            "action": self.action,
            "month": self.month,
            "detail": self.detail,
        }


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

    @property
    def quote_note(self) -> str | None:
        """ "quote withheld: no consent recorded" when the quote may not be used."""
        return QUOTE_WITHHELD if self.content.quote_withheld else None

    def to_json(self) -> dict[str, Any]:
        content = self.content
        return {
            "ref": self.ref,
            "status": self.status,
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
        }


def content_json(content: CaseStudyContent) -> dict[str, Any]:
    """Every content field (the declaration's, in its order) as JSON: lists for tuples."""
    return {
        name: list(value) if isinstance(value := getattr(content, name), tuple) else value
        for name in CONTENT_FIELDS
    }


def case_study(ws: Workspace, ref: str) -> CaseStudyDetail:
    """`ref` with everything a reviewer needs; raises NotFound. Remembered while the
    database is unchanged (its page is the one reviewers reload)."""
    return read_models.cached(ws.store, ("case study", ref), lambda: _read_case_study(ws, ref))


def _read_case_study(ws: Workspace, ref: str) -> CaseStudyDetail:
    with ws.store.read() as session:
        cs = get_case_study(session, ref)
        slot = slot_of_case_study(session, cs.id)
        content = cs.content()
        labels = ws.config.importing.vocabulary.labels(content.impact_categories)
        content = dataclasses.replace(content, category_labels=labels)
        return CaseStudyDetail(
            ref=cs.ref,
            status=cs.status,
            approval_current=cs.approval_is_current,
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
        )


def find(ws: Workspace, query: CaseStudyQuery) -> ListingPage:
    """A page of case studies for a screen: searched, filtered and sorted. Remembered
    while the database is unchanged: the count and the regions read every case study."""

    def read() -> ListingPage:
        with ws.store.read() as session:
            return find_case_studies(session, query)

    return read_models.cached(ws.store, ("listing", query), read)
