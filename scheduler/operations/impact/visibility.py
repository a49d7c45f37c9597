"""Who sees what, decided once: what the public listing holds, which case studies a person
sees on the impact dashboard, which statuses count as each stage of the process, and who
may take a library service's evidence pack.

Every gallery page, the feed, the dashboard, `vignettes impact` and the evidence pack ask
these functions. The states are the review pipeline's (`vignettes.states`): accepted,
escalated, approved and showcased case studies make the national listing.
"""

from __future__ import annotations

from scheduler.operations.accounts.permissions import Permission, actor_may
from scheduler.operations.actor import Actor
from scheduler.operations.pipeline.scope import is_scoped, services_in_scope
from vignettes.reporting.visibility import PublicRule, Stages, ViewerScope
from vignettes.states import ACCEPTED_STATES, IN_REVIEW, STATE_VALUES, CaseStudyState

__all__ = [
    "PublicRule",
    "Stages",
    "ViewerScope",
    "may_download_evidence",
    "public_rule",
    "stages",
    "viewer_scope",
]

S = CaseStudyState
_LISTED = tuple(sorted(s.value for s in ACCEPTED_STATES))
# A case study rejected or withdrawn after its acceptance is gone from the gallery, and its
# public address says so (410). A change of content takes an accepted one back to review
# (`vignettes.states`), so the state alone says what is listed.
_PUBLIC = PublicRule(listed=_LISTED, gone=(S.REJECTED.value, S.WITHDRAWN.value), current=False)
_STAGES = Stages(
    submitted=tuple(s for s in STATE_VALUES if s != S.DRAFT.value),
    accepted=_LISTED,
    escalated=(S.ESCALATED.value, S.APPROVED.value, S.SHOWCASED.value),
    in_review=tuple(sorted({*(s.value for s in IN_REVIEW), S.CHANGES_REQUESTED.value})),
    every=STATE_VALUES,
)


def public_rule() -> PublicRule:
    """What is listed publicly: the gallery, its feed and every public page."""
    return _PUBLIC


def stages() -> Stages:
    """Which statuses have reached each stage, for the dashboard's counts."""
    return _STAGES


def viewer_scope(actor: Actor) -> ViewerScope:
    """Which case studies `actor` may see on the dashboard: a contributor its own library
    services' (`pipeline.scope`), every other role (and the command line) every one;
    anyone who may not browse case studies none."""
    if not actor_may(actor, Permission.BROWSE):
        return ViewerScope(services=())
    scope = services_in_scope(actor)
    return ViewerScope(services=None if scope is None else tuple(sorted(scope)))


def may_download_evidence(actor: Actor, service_id: int) -> bool:
    """Whether `actor` may take the evidence pack of library service `service_id`: its
    own contributors, and admins (and the command line, the operator's own authority)."""
    if is_scoped(actor):
        return service_id in actor.services
    return actor_may(actor, Permission.EVIDENCE_PACK)
