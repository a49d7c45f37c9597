"""Who may do what: the console's roles and one table of what each allows.

Roles are cumulative, viewer < editor < reviewer < approver < admin. `contributor` (library
staff) stands apart: it browses, drafts, submits, withdraws and comments, but only for its
own library services (`scheduler.operations.pipeline.scope` decides which case studies an
actor may see). The web console checks this table in a decorator on every view, and
operations check it again (`require`) against the actor's role, so a view that forgot its
decorator still cannot act beyond the role. The CLI and the daemon act with the operator's
own authority on this machine: an actor with no role is allowed everything, unless it came
through the web, where a role is always required.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from scheduler.errors import SchedulerError
from scheduler.operations.actor import Actor

ROLES: Final = ("contributor", "viewer", "editor", "reviewer", "approver", "admin")
# The cumulative ones, lowest first.
RANKED: Final = ("viewer", "editor", "reviewer", "approver", "admin")
# What a role is for, in a few words (the users screen and `user --help`).
DESCRIPTIONS: Final = {
    "contributor": "library staff: drafts and submits their own service's case studies",
    "viewer": "reads everything",
    "editor": "adds, edits and imports case studies; plans the months",
    "reviewer": "peer-reviews other services' case studies",
    "approver": "approves escalated case studies for showcase",
    "admin": "manages users and library services; settles posts",
}


class Permission(StrEnum):
    BROWSE = "browse"  # case studies (a contributor: only its own services')
    READ = "read"  # plan, every case study, engagement, history
    PREVIEW = "preview"  # render cards and post texts
    ADD = "add"  # add a case study by hand
    EDIT = "edit"  # change a case study (voids its approval)
    IMPORT = "import"  # upload a JSON/CSV/XLSX file
    QUEUE = "queue"  # queue, unqueue and swap months
    APPROVE = "approve"  # approve and reject
    MANAGE_USERS = "manage-users"  # add users, set roles, disable, reset passwords
    MANAGE_SERVICES = "manage-services"  # the directory of library services
    SUBMIT = "submit"  # send a draft to the reviewers; withdraw a case study
    COMMENT = "comment"  # the thread between contributors and reviewers
    REVIEW = "review"  # record a peer review (never of one's own service)
    READ_AUDIT_LOG = "read-audit-log"  # the whole audit log, accounts included
    SETTLE = "settle"  # settle a post whose outcome is unknown
    PUBLISH_NOW = "publish-now"  # publish a month now instead of at its slot
    EVIDENCE_PACK = "evidence-pack"  # download any library service's evidence pack


# What each ranked role adds to the one below it.
_ADDS: Final[dict[str, frozenset[Permission]]] = {
    "viewer": frozenset({Permission.BROWSE, Permission.READ, Permission.PREVIEW}),
    "editor": frozenset(
        {
            Permission.ADD,
            Permission.EDIT,
            Permission.IMPORT,
            Permission.QUEUE,
            Permission.SUBMIT,
        }
    ),
    "reviewer": frozenset({Permission.REVIEW, Permission.COMMENT}),
    "approver": frozenset({Permission.APPROVE}),
    "admin": frozenset(
        {
            Permission.MANAGE_USERS,
            Permission.MANAGE_SERVICES,
            Permission.READ_AUDIT_LOG,
            Permission.SETTLE,
            Permission.PUBLISH_NOW,
            Permission.EVIDENCE_PACK,
        }
    ),
}
# Library staff, on their own services' case studies only.
CONTRIBUTOR: Final = frozenset(
    {
        Permission.BROWSE,
        Permission.PREVIEW,
        Permission.ADD,
        Permission.EDIT,
        Permission.SUBMIT,
        Permission.COMMENT,
    }
)


def _cumulative() -> dict[str, frozenset[Permission]]:
    grants: dict[str, frozenset[Permission]] = {"contributor": CONTRIBUTOR}
    so_far: frozenset[Permission] = frozenset()
    for role in RANKED:
        so_far = so_far | _ADDS[role]
        grants[role] = so_far
    return grants


GRANTS: Final[dict[str, frozenset[Permission]]] = _cumulative()


class PermissionDenied(SchedulerError):
    """The actor's role does not allow this (the console answers 403)."""

    def __init__(self, actor: Actor, permission: Permission) -> None:
        self.actor = actor
        self.permission = permission
        role = actor.role or "no role"
        super().__init__(f"{actor.name} ({role}) may not {permission.value.replace('-', ' ')}")


def is_role(text: str) -> bool:
    return text in GRANTS


def allows(role: str | None, permission: Permission) -> bool:
    """Whether `role` grants `permission` (an unknown or missing role grants nothing)."""
    return role is not None and permission in GRANTS.get(role, frozenset())


def lowest_role_with(permission: Permission) -> str:
    """The least ranked role that grants `permission` (for messages and tests)."""
    return next(role for role in RANKED if permission in GRANTS[role])


def actor_may(actor: Actor, permission: Permission) -> bool:
    if actor.role is None:
        return actor.via != "web"
    return allows(actor.role, permission)


def require(actor: Actor, permission: Permission) -> None:
    """Raises PermissionDenied unless `actor` may do `permission`."""
    if not actor_may(actor, permission):
        raise PermissionDenied(actor, permission)
