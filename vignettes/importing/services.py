"""Which library service each imported row belongs to: its `library_service` matched to
the directory (exactly, else ignoring case, when the row then takes the directory's
spelling so that the card says one name). A name the directory does not have is added
when the importer may add services (the machine's operator, a console admin; the report
lists them), and is otherwise a problem naming the row, with a did-you-mean.

A form may also be limited to some services (a contributor's own): any other is a problem,
and a row naming none belongs to the only one when there is only one (library staff of one
service need not type its name).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from sqlalchemy.orm import Session

from vignettes.importing.issues import Issue, display
from vignettes.importing.report import ImportReport
from vignettes.importing.validation import ImportRow
from vignettes.store.directory import (
    add_service,
    did_you_mean,
    find_service,
    service_names,
    services_by_ids,
)


@dataclasses.dataclass(frozen=True)
class ServicePolicy:
    """`create`: an unknown name adds a service. `allowed`: the only service ids a row may
    name (None: any), and a row must name one of them."""

    create: bool = True
    allowed: frozenset[int] | None = None


# The machine's operator: any service, and an unknown name adds one.
ANY_SERVICE = ServicePolicy()


def match_services(
    session: Session,
    rows: Sequence[ImportRow],
    report: ImportReport,
    problems: list[Issue],
    *,
    policy: ServicePolicy,
    now: dt.datetime,
) -> tuple[list[ImportRow], dict[str, int | None]]:
    """The rows (with the directory's spelling of their service) and each ref's service
    id (None for a row naming none). Problems are appended to `problems`."""
    known: list[str] | None = None
    ids: dict[str, int | None] = {}
    matched: list[ImportRow] = []
    by_name: dict[str, int] = {}
    for row in rows:
        name = row.content.library_service
        ref = row.content.ref
        if not name and policy.allowed is not None and len(policy.allowed) == 1:
            [only] = services_by_ids(session, policy.allowed)
            row = dataclasses.replace(
                row, content=dataclasses.replace(row.content, library_service=only.name)
            )
            ids[ref] = only.id
            matched.append(row)
            continue
        if not name:
            if policy.allowed is not None:
                problems.append(_issue(report, row, "is required: choose your library service"))
            ids[ref] = None
            matched.append(row)
            continue
        service = find_service(session, name)
        if service is None and name.casefold() in by_name:
            service_id = by_name[name.casefold()]
        elif service is None:
            if not policy.create:
                known = known if known is not None else service_names(session)
                hint = did_you_mean(name, known)
                problems.append(
                    _issue(report, row, f"{display(name)} is not in the directory of library "
                           f"services{hint}; ask an admin to add it")
                )  # fmt: skip
                ids[ref] = None
                matched.append(row)
                continue
            service = add_service(session, name=name, region=row.content.region,
                                  organisations=[row.content.organisation], now=now)  # fmt: skip
            report.new_services.append(service.name)
            by_name[name.casefold()] = service.id
            service_id = service.id
        else:
            service_id = service.id
            if service.name != name:
                content = dataclasses.replace(row.content, library_service=service.name)
                row = dataclasses.replace(row, content=content)
        if policy.allowed is not None and service_id not in policy.allowed:
            problems.append(_issue(report, row, "is not one of your library services"))
        ids[ref] = service_id
        matched.append(row)
    return matched, ids


def _issue(report: ImportReport, row: ImportRow, message: str) -> Issue:
    return Issue(report.source, row.row, row.content.ref, "library_service", message)
