"""The directory of library services: finding one by name (exactly, then ignoring case,
with a did-you-mean for a near miss), adding and changing one, and which services an
account belongs to. Rules about who may change it live above, in the operations layer.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from vignettes.errors import NotFound, VignettesError
from vignettes.store.account_models import User
from vignettes.store.models import CaseStudy
from vignettes.store.pipeline_models import LibraryService, user_services


class ServiceError(VignettesError):
    """A library service that cannot be added or found; the message says why."""


@dataclass(frozen=True)
class ServiceRow:
    id: int
    name: str
    organisations: tuple[str, ...]
    region: str
    case_studies: int = 0

    @classmethod
    def of(cls, service: LibraryService, case_studies: int = 0) -> ServiceRow:
        return cls(
            service.id,
            service.name,
            tuple(service.organisations or ()),
            service.region,
            case_studies,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "organisations": list(self.organisations),
            "region": self.region,
            "case_studies": self.case_studies,
        }


def list_services(session: Session) -> list[ServiceRow]:
    """Every service by name, with how many case studies belong to it."""
    counts = dict(
        session.execute(
            select(CaseStudy.library_service_id, func.count())
            .where(CaseStudy.library_service_id.is_not(None))
            .group_by(CaseStudy.library_service_id)
        ).all()
    )
    services = session.scalars(select(LibraryService).order_by(LibraryService.name))
    return [ServiceRow.of(s, int(counts.get(s.id, 0))) for s in services]


def service_names(session: Session) -> list[str]:
    return list(session.scalars(select(LibraryService.name).order_by(LibraryService.name)))


def find_service(session: Session, name: str) -> LibraryService | None:
    """The service called `name`: exactly, else the only one whose name differs by case."""
    exact = session.scalars(select(LibraryService).where(LibraryService.name == name)).first()
    if exact is not None:
        return exact
    folded = name.casefold()
    matches = [s for s in session.scalars(select(LibraryService)) if s.name.casefold() == folded]
    return matches[0] if len(matches) == 1 else None


def did_you_mean(name: str, known: Sequence[str]) -> str:
    """' (did you mean "X"?)' for the closest known name, or ''."""
    by_fold = {k.casefold(): k for k in known}
    close = difflib.get_close_matches(name.casefold(), list(by_fold), n=1, cutoff=0.75)
    return f' (did you mean "{by_fold[close[0]]}"?)' if close else ""


def get_service(session: Session, name: str) -> LibraryService:
    """The service called `name`; raises NotFound whose message offers the closest name."""
    found = find_service(session, name)
    if found is None:
        hint = did_you_mean(name, service_names(session))
        raise NotFound("library service", name + hint if hint else name)
    return found


def services_by_ids(session: Session, ids: Iterable[int]) -> list[LibraryService]:
    wanted = sorted(set(ids))
    if not wanted:
        return []
    stmt = select(LibraryService).where(LibraryService.id.in_(wanted))
    return list(session.scalars(stmt.order_by(LibraryService.name)))


def add_service(
    session: Session,
    *,
    name: str,
    region: str,
    organisations: Sequence[str],
    now: dt.datetime,
) -> LibraryService:
    """A new directory entry; raises ServiceError for a name already there (also one that
    differs only by case: two entries people cannot tell apart would split a service)."""
    for other in service_names(session):
        if other.casefold() == name.casefold():
            raise ServiceError(f'there is already a library service called "{other}"')
    service = LibraryService(
        name=name,
        region=region,
        organisations=sorted(set(organisations)),
        created_at=now,
        updated_at=now,
    )
    session.add(service)
    session.flush()
    return service


def set_user_services(session: Session, user: User, service_ids: Iterable[int]) -> None:
    """`user` belongs to exactly these services from now on."""
    session.execute(delete(user_services).where(user_services.c.user_id == user.id))
    wanted = sorted(set(service_ids))
    if wanted:
        session.execute(
            insert(user_services), [{"user_id": user.id, "service_id": i} for i in wanted]
        )


def user_service_ids(session: Session, user_id: int) -> frozenset[int]:
    stmt = select(user_services.c.service_id).where(user_services.c.user_id == user_id)
    return frozenset(session.scalars(stmt))


def user_service_names(session: Session, user_id: int) -> list[str]:
    stmt = (
        select(LibraryService.name)
        .join(user_services, user_services.c.service_id == LibraryService.id)
        .where(user_services.c.user_id == user_id)
    )
    return list(session.scalars(stmt.order_by(LibraryService.name)))
