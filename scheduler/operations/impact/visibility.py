"""Who sees what, decided once: what the public listing holds, which case studies a person
sees on the impact dashboard, and which statuses count as each stage of the process.

Every gallery page, the feed, the dashboard, `vignettes impact` and the evidence pack ask
these functions, so moving to the review pipeline's states is a change here alone. Until
the pipeline lands, approved case studies are the accepted ones (the national listing).
"""

from __future__ import annotations

from scheduler.operations.accounts.permissions import Permission, actor_may
from scheduler.operations.actor import Actor
from vignettes.store.visibility import PublicRule, Stages, ViewerScope

__all__ = [
    "PublicRule",
    "Stages",
    "ViewerScope",
    "may_download_evidence",
    "public_rule",
    "stages",
    "viewer_scope",
]

# Approved is accepted; a case study rejected (or withdrawn: stored as rejected) after its
# acceptance is gone from the gallery, and its public address says so (410).
_PUBLIC = PublicRule(listed=("approved",), gone=("rejected",))
# Nothing is escalated before the pipeline: the stage is counted, and counts none.
_STAGES = Stages(
    submitted=None,
    accepted=("approved",),
    escalated=(),
    in_review=("submitted",),
    every=("submitted", "approved", "rejected"),
)


def public_rule() -> PublicRule:
    """What is listed publicly: the gallery, its feed and every public page."""
    return _PUBLIC


def stages() -> Stages:
    """Which statuses have reached each stage, for the dashboard's counts."""
    return _STAGES


def viewer_scope(actor: Actor) -> ViewerScope:
    """Which case studies `actor` may see on the dashboard: every console role (and the
    command line) sees every library service's; anyone who may not read sees none."""
    if not actor_may(actor, Permission.READ):
        return ViewerScope(services=())
    return ViewerScope(services=None)


def may_download_evidence(actor: Actor, service: str) -> bool:
    """Whether `actor` may download `service`'s evidence pack: admins (and the command
    line, the operator's own authority) for every service; the service's own contributors
    once they have accounts."""
    return actor_may(actor, Permission.EVIDENCE_PACK)
