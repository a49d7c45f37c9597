"""Approving and rejecting case studies. Approval records who, when and the content hash,
and needs a case study a peer reviewer escalated (criteria 1 to 5 met);
a case study that could never be posted (a character no card font has, an X text that
cannot fit) is refused now rather than failing at its slot.

Four eyes (`[web] four_eyes`, on by default): a person signed in to the console cannot
approve a case study that they imported, added or last changed, as the audit trail records
it. It applies to console accounts, whose names are proven by signing in; the CLI's `--by`
is only declared, so the command line is trusted as the operator's own authority.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from scheduler.operations.accounts.permissions import Permission, require
from scheduler.operations.actor import Actor
from scheduler.operations.context import Workspace
from scheduler.operations.pipeline.acts import links
from scheduler.operations.showcase.planning import require_postable
from vignettes import approval, notices
from vignettes.approval import ApprovalOutcome
from vignettes.store.models import CaseStudy

__all__ = ["ApprovalOutcome", "approve", "reject"]


def approve(ws: Workspace, actor: Actor, ref: str) -> ApprovalOutcome:
    """Approve `ref` as it stands, queueing it for its requested month when that is free.
    Raises PermissionDenied, OperationFailed (could not be posted), ApprovalError (also
    for four eyes) or NotFound."""
    require(actor, Permission.APPROVE)
    require_postable(ws, ref, None, "approved")
    return approval.approve(
        ws.store,
        ref,
        by=actor.name,
        now=ws.now(),
        schedule=ws.config.schedule,
        via=actor.via,
        four_eyes=actor.via == "web" and ws.config.web.four_eyes,
    )


def reject(ws: Workspace, actor: Actor, ref: str, reason: str) -> ApprovalOutcome:
    """Reject `ref` with a reason, releasing any month it was queued for. Raises
    PermissionDenied, ApprovalError or NotFound."""
    require(actor, Permission.APPROVE)
    now = ws.now()

    def tell(session: Session, cs: CaseStudy) -> None:
        event = f"{cs.ref}:{len(cs.approvals)}"
        notices.rejected(session, cs, event, links(ws), now)

    return approval.reject(
        ws.store, ref, by=actor.name, reason=reason, now=now, via=actor.via, also=tell
    )
