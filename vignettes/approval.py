"""Approval workflow: approve, reject, and voiding an approval when content changes.

An approval records who, when and the content hash. `CaseStudy.approval_is_current` is
true only while the content still hashes to that value (invariant 1). Only an escalated
case study (accepted by a peer reviewer with criteria 4 and 5 met) can be approved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vignettes.content import LIMITS, CaseStudyContent
from vignettes.errors import ApprovalError, QueueError
from vignettes.importing.validation import name_problems, normalise_text
from vignettes.planning.slots import Month, ScheduleRule
from vignettes.states import CLOSED, CaseStudyState
from vignettes.store.models import Approval, AuditEvent, CaseStudy
from vignettes.store.queries import (
    SHOWCASED_STATES,
    Store,
    audit,
    get_case_study,
    slot_of_case_study,
)


def missing_vignette_fields(content: CaseStudyContent) -> list[str]:
    """What a vignette needs beyond the import's required fields. Impact categories are
    optional: a card without any simply shows none."""
    return [name for name in ("headline", "summary", "organisation") if not getattr(content, name)]


def _one_line(value: str, what: str, limit_name: str) -> str:
    """`value` trimmed and NFC, or ApprovalError: it is shown as one line of the history,
    where a control or bidi character could forge or disguise an entry, and it must fit
    its column."""
    problems = name_problems(value, LIMITS[limit_name])
    if problems:
        raise ApprovalError(f"{what} {'; '.join(problems)}")
    return normalise_text(value)


@dataclass(frozen=True)
class ApprovalOutcome:
    ref: str
    status: str
    content_hash: str
    queued_month: str | None = None
    note: str = ""


def record_approval(session: Session, cs: CaseStudy, *, by: str, at: dt.datetime) -> None:
    cs.status = "approved"
    cs.approved_hash = cs.content_hash
    cs.approved_by = by
    cs.approved_at = at
    cs.approvals.append(
        Approval(decision="approved", actor=by, at=at, content_hash=cs.content_hash, reason="")
    )


def void_approval(
    session: Session, cs: CaseStudy, *, actor: str, at: dt.datetime, reason: str, via: str = ""
) -> None:
    """The content no longer matches what was approved: back to `submitted`."""
    cs.approvals.append(
        Approval(decision="voided", actor=actor, at=at, content_hash=cs.content_hash, reason=reason)
    )
    previous = cs.approved_hash
    # Showcased stays showcased (its posts are out), but sends nothing more.
    if cs.status != CaseStudyState.SHOWCASED:
        cs.status = CaseStudyState.SUBMITTED
        cs.accepted_at = None
    cs.approved_hash = None
    cs.approved_by = None
    cs.approved_at = None
    audit(
        session,
        at=at,
        actor=actor,
        action="approval_voided",
        ref=cs.ref,
        via=via,
        reason=reason,
        approved_hash=previous,
        content_hash=cs.content_hash,
    )


# Audit actions that put content in place: creating a case study, and changing it.
CREATED = ("imported", "added")
CHANGED = ("updated",)


def content_authors(session: Session, ref: str) -> list[tuple[str, str]]:
    """`(action, actor)` of who created `ref` (imported or added it) and of who last put
    its content in place (the latest import, addition or update): at most two lines of the
    audit trail, read in one query."""
    of_ref = AuditEvent.ref == ref
    created = select(func.min(AuditEvent.id)).where(of_ref, AuditEvent.action.in_(CREATED))
    latest = select(func.max(AuditEvent.id)).where(of_ref, AuditEvent.action.in_(CREATED + CHANGED))
    stmt = (
        select(AuditEvent.action, AuditEvent.actor)
        .where(AuditEvent.id.in_([created.scalar_subquery(), latest.scalar_subquery()]))
        .order_by(AuditEvent.id)
    )
    return [(action, actor) for action, actor in session.execute(stmt)]


def _four_eyes(session: Session, ref: str, by: str) -> None:
    """Raise ApprovalError when `by` created `ref` or last changed its content."""
    for action, actor in content_authors(session, ref):
        if actor.casefold() == by.casefold():
            did = "last changed" if action in CHANGED else action
            raise ApprovalError(
                f"{ref} cannot be approved by {by}, who {did} it: with four eyes, someone "
                "other than who imported or last changed a case study must approve it"
            )


def approve(
    store: Store,
    ref: str,
    *,
    by: str,
    now: dt.datetime,
    schedule: ScheduleRule,
    via: str = "",
    four_eyes: bool = False,
) -> ApprovalOutcome:
    """Approve `ref` as it stands now (content changed outside impact-vignettes included:
    its hash is recorded afresh); pins its requested showcase month when still free.
    With `four_eyes`, refuses a reviewer who imported, added or last changed it (checked in
    the same transaction as the approval). Raises ApprovalError or NotFound."""
    from vignettes.planning.plan import pin

    if not by.strip():
        raise ApprovalError("--by needs the reviewer's name")
    by = _one_line(by, "--by: the reviewer's name", "approved_by")
    with store.write() as session:
        cs = get_case_study(session, ref)
        if cs.changed_outside:
            # Approved as it stands now, which is what the approver has read: the hash
            # follows the content again, and the trail says what was found.
            found = cs.content().content_hash()
            audit(session, at=now, actor=by, action="changed_outside", ref=ref, via=via,
                  recorded_hash=cs.content_hash, content_hash=found)  # fmt: skip
            cs.content_hash = found
        elif cs.approval_is_current:
            raise ApprovalError(f"{ref} is already approved (by {cs.approved_by})")
        # Escalated by a peer review; or approved before and changed outside since (the
        # peer review stands: the approver approves what it says now).
        if cs.status not in (CaseStudyState.ESCALATED, CaseStudyState.APPROVED):
            raise ApprovalError(
                f"{ref} is {cs.status.replace('_', ' ')}: only an escalated case study (accepted "
                "by a reviewer with criteria 4 and 5 met) can be approved for showcase"
            )
        missing = missing_vignette_fields(cs.content())
        if missing:
            raise ApprovalError(f"{ref} cannot be approved: missing {', '.join(missing)}")
        if four_eyes:
            _four_eyes(session, ref, by)
        record_approval(session, cs, by=by, at=now)
        audit(
            session,
            at=now,
            actor=by,
            action="approved",
            ref=ref,
            via=via,
            content_hash=cs.content_hash,
        )
        queued, note = None, ""
        if cs.requested_month:
            month = Month.parse(cs.requested_month)
            try:
                with session.begin_nested():
                    pin(session, month, ref, by=by, now=now, schedule=schedule, via=via)
                queued = str(month)
            except QueueError as exc:
                note = f"requested month {month} not queued: {exc}"
        return ApprovalOutcome(ref, cs.status, cs.content_hash, queued, note)


def reject(
    store: Store,
    ref: str,
    *,
    by: str,
    reason: str,
    now: dt.datetime,
    via: str = "",
    also: Callable[[Session, CaseStudy], None] | None = None,
) -> ApprovalOutcome:
    """Reject `ref`, releasing any month it was queued for; `also` runs in the same
    transaction afterwards (to tell people). Raises ApprovalError or NotFound."""
    if not by.strip():
        raise ApprovalError("--by needs the reviewer's name")
    if not reason.strip():
        raise ApprovalError("--reason must say why")
    by = _one_line(by, "--by: the reviewer's name", "approved_by")
    reason = _one_line(reason, "--reason", "reject_reason")
    with store.write() as session:
        cs = get_case_study(session, ref)
        note = record_rejection(session, cs, by=by, reason=reason, now=now, via=via)
        if also is not None:
            also(session, cs)
        return ApprovalOutcome(ref, cs.status, cs.content_hash, None, note)


def record_rejection(
    session: Session,
    cs: CaseStudy,
    *,
    by: str,
    reason: str,
    now: dt.datetime,
    via: str = "",
    state: str = CaseStudyState.REJECTED,
) -> str:
    """Take `cs` out of the pipeline within `session` as `state` (rejected, or withdrawn
    by a file that says so): void any approval, release the month it was queued or
    auto-picked for, record who and why. Returns "removed from MONTH" or "". Raises
    ApprovalError when it was already showcased (that cannot be undone here)."""
    assert state in CLOSED
    slot = slot_of_case_study(session, cs.id)
    if (slot is not None and slot.state in SHOWCASED_STATES) or cs.status == "showcased":
        month = slot.month if slot is not None else "a past month"
        raise ApprovalError(f"{cs.ref} was already showcased in {month}")
    note = ""
    if slot is not None:
        note = f"removed from {slot.month}"
        audit(session, at=now, actor=by, action="unqueued", ref=cs.ref, month=slot.month, via=via)
        session.delete(slot)
    cs.status = state
    cs.approved_hash = None
    cs.approved_by = None
    cs.approved_at = None
    cs.approvals.append(
        Approval(decision=state, actor=by, at=now, content_hash=cs.content_hash, reason=reason)
    )
    audit(session, at=now, actor=by, action=str(state), ref=cs.ref, via=via, reason=reason)
    return note
