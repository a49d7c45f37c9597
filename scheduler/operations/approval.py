"""Approving and rejecting case studies. Approval records who, when and the content hash;
a case study that could never be posted (a character no card font has, an X text that
cannot fit) is refused now rather than failing at its slot."""

from __future__ import annotations

from scheduler.operations.actor import Actor
from scheduler.operations.context import Workspace
from scheduler.operations.planning import require_postable
from vignettes import approval
from vignettes.approval import ApprovalOutcome

__all__ = ["ApprovalOutcome", "approve", "reject"]


def approve(ws: Workspace, actor: Actor, ref: str) -> ApprovalOutcome:
    """Approve `ref` as it stands, queueing it for its requested month when that is free.
    Raises OperationFailed (could not be posted), ApprovalError or NotFound."""
    require_postable(ws, ref, None, "approved")
    return approval.approve(
        ws.store,
        ref,
        by=actor.name,
        now=ws.now(),
        schedule=ws.config.schedule,
        via=actor.via,
    )


def reject(ws: Workspace, actor: Actor, ref: str, reason: str) -> ApprovalOutcome:
    """Reject `ref` with a reason, releasing any month it was queued for. Raises
    ApprovalError or NotFound."""
    return approval.reject(ws.store, ref, by=actor.name, reason=reason, now=ws.now(), via=actor.via)
