"""The directory of library services, kept by admins (`vignettes services`, the console's
Library services screen): list, add, and change a service's organisations and region.
A service is never renamed or removed: case studies and accounts refer to it."""

from __future__ import annotations

from collections.abc import Sequence

from scheduler.operations.accounts.permissions import Permission, require
from scheduler.operations.actor import Actor
from scheduler.operations.context import Workspace
from scheduler.operations.pipeline.scope import is_scoped
from vignettes.content import LIMITS
from vignettes.store import directory
from vignettes.store.directory import ServiceError, ServiceRow
from vignettes.store.queries import audit
from vignettes.text import name_problems, normalise_text

__all__ = ["ServiceError", "ServiceRow", "add_service", "list_services", "update_service"]


def _line(value: str, what: str, limit: int, *, required: bool = False) -> str:
    text = normalise_text(value)
    if required and not text:
        raise ServiceError(f"{what} is required")
    problems = name_problems(text, limit)
    if problems:
        raise ServiceError(f"{what} {'; '.join(problems)}")
    return text


def _organisations(values: Sequence[str]) -> list[str]:
    found = [_line(v, "an organisation", LIMITS["organisation"]) for v in values]
    return sorted({o for o in found if o})


def list_services(ws: Workspace, actor: Actor) -> list[ServiceRow]:
    """Every library service (a contributor: its own), with its count of case studies."""
    require(actor, Permission.BROWSE)
    with ws.store.read() as session:
        rows = directory.list_services(session)
    if is_scoped(actor):
        rows = [r for r in rows if r.id in actor.services]
    return rows


def add_service(
    ws: Workspace, actor: Actor, name: str, *, region: str = "", organisations: Sequence[str] = ()
) -> ServiceRow:
    """Add a library service; raises PermissionDenied, ServiceError."""
    require(actor, Permission.MANAGE_SERVICES)
    name = _line(name, "the name", LIMITS["library_service"], required=True)
    region = _line(region, "the region", LIMITS["region"])
    orgs = _organisations(organisations)
    now = ws.now()
    with ws.store.write() as session:
        service = directory.add_service(
            session, name=name, region=region, organisations=orgs, now=now
        )
        audit(session, at=now, actor=actor.name, via=actor.via, action="service.add",
              service=name, region=region, organisations=orgs)  # fmt: skip
        return ServiceRow.of(service)


def update_service(
    ws: Workspace, actor: Actor, name: str, *, region: str, organisations: Sequence[str]
) -> ServiceRow:
    """Change a service's region and organisations; raises PermissionDenied, NotFound,
    ServiceError."""
    require(actor, Permission.MANAGE_SERVICES)
    region = _line(region, "the region", LIMITS["region"])
    orgs = _organisations(organisations)
    now = ws.now()
    with ws.store.write() as session:
        service = directory.get_service(session, name)
        old = {"region": service.region, "organisations": list(service.organisations)}
        service.region, service.organisations, service.updated_at = region, orgs, now
        new = {"region": region, "organisations": orgs}
        audit(session, at=now, actor=actor.name, via=actor.via, action="service.update",
              service=service.name, old=old, new=new)  # fmt: skip
        return ServiceRow.of(service)
