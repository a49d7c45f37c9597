"""Which case studies an actor may see and act on: a contributor only its own library
services' (anything else does not exist for it: NotFound, the console's 404), everyone
else all of them. Said once, here; every read model and act asks it.

Also how the command line acts as an account: `submit` and `review` take `--by NAME`,
which must name an enabled account, and then the same rules apply as in the console.
"""

from __future__ import annotations

from collections.abc import Collection

from scheduler.errors import SchedulerError
from scheduler.operations.actor import Actor, Interface
from scheduler.operations.context import Workspace
from vignettes.errors import NotFound
from vignettes.importing.services import ServicePolicy
from vignettes.store import accounts as q
from vignettes.store.directory import user_service_ids
from vignettes.store.models import CaseStudy

CONTRIBUTOR = "contributor"


class AccountRequired(SchedulerError):
    """`--by` does not name an enabled account."""


def is_scoped(actor: Actor) -> bool:
    return actor.role == CONTRIBUTOR


def waits_for_a_service(role: str | None, services: Collection[object]) -> bool:
    """A contributor in no library service has nothing to see or do: until an admin gives
    it one, the console shows it only that it is waiting (a first single sign-on with
    `new_users = "contributor"` makes such accounts)."""
    return role == CONTRIBUTOR and not services


def services_in_scope(actor: Actor) -> frozenset[int] | None:
    """The library services whose case studies `actor` may see; None for all."""
    return actor.services if is_scoped(actor) else None


def may_see(actor: Actor, cs: CaseStudy) -> bool:
    scope = services_in_scope(actor)
    return scope is None or (cs.library_service_id is not None and cs.library_service_id in scope)


def require_visible(actor: Actor, cs: CaseStudy) -> None:
    """Raises NotFound (worded as for a ref that does not exist) unless `actor` may see it."""
    if not may_see(actor, cs):
        raise NotFound("case study", cs.ref)


def service_policy(actor: Actor) -> ServicePolicy:
    """How an import or a form from `actor` is matched to the directory: the machine's
    operator and admins add a service the directory lacks; anyone else must name a known
    one, and a contributor one of its own."""
    if is_scoped(actor):
        return ServicePolicy(create=False, allowed=actor.services)
    return ServicePolicy(create=actor.role in (None, "admin"))


def account_actor(ws: Workspace, name: str, via: Interface = "cli") -> Actor:
    """The enabled account `name` acting through `via`, with its role and library
    services; raises AccountRequired."""
    key = name.strip().lower()
    with ws.store.read() as session:
        user = q.find_user(session, key)
        if user is None:
            raise AccountRequired(
                f"--by {name!r}: there is no account of that name (`vignettes user list`)"
            )
        if user.disabled_at is not None:
            raise AccountRequired(f"--by {name!r}: that account is disabled")
        return Actor(user.name, via, user.role, user.id, user_service_ids(session, user.id))
