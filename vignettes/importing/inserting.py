"""The new refs of an import, inserted in bulk: one executemany per table (SQLAlchemy
Core) instead of one ORM object each, since new rows are most of a first import
(thousands at once). The rows, approvals and audit lines written are exactly those the ORM
path writes for an existing case study (`upsert`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table, insert, literal, select
from sqlalchemy.orm import Session

from vignettes.content import SPECS, CaseStudyContent
from vignettes.importing.report import ImportReport
from vignettes.importing.validation import ImportRow
from vignettes.states import CaseStudyState
from vignettes.store.models import Approval, AuditEvent, CaseStudy


def insert_new(
    session: Session,
    rows: Sequence[ImportRow],
    hashes: dict[str, str],
    report: ImportReport,
    *,
    now: dt.datetime,
    actor: str,
    via: str,
    edit: bool = False,
    service_ids: dict[str, int | None],
    draft: bool = False,
) -> None:
    """Insert `rows` (refs not stored yet) with their approvals and audit lines, and list
    them in `report.created`. `draft`: they start as drafts (a contributor's)."""
    if not rows:
        return
    table = cast(Table, CaseStudy.__table__)
    params = []
    for row in rows:
        approved = row.status == "approved"
        content_hash = hashes[row.content.ref]
        params.append(
            {
                **content_columns(row.content),
                "content_hash": content_hash,
                # A file's approved row was accepted and escalated elsewhere (legacy files).
                "status": CaseStudyState.DRAFT if draft else row.status,
                "library_service_id": service_ids.get(row.content.ref),
                "submitted_at": None if draft else now,
                "accepted_at": row.approved_on if approved else None,
                "approved_hash": content_hash if approved else None,
                "approved_by": row.approved_by if approved else None,
                "approved_at": row.approved_on if approved else None,
                "requested_month": None,
                "source": report.source,
                "created_at": now,
                "updated_at": now,
            }
        )
    # A plain executemany (the driver's own loop): cheaper than RETURNING, which SQLAlchemy
    # must batch into multi-row VALUES statements.
    session.execute(insert(table), params)
    events: list[dict[str, Any]] = []
    for row in rows:
        ref, content_hash = row.content.ref, hashes[row.content.ref]
        report.created.append(ref)
        action = "added" if edit else "imported"
        events.append(event_row(now, actor, action, ref, via, **origin(report, row, edit),
                             content_hash=content_hash))  # fmt: skip
        if row.status == "approved":
            events.append(
                event_row(now, actor, "approved", ref, via, approved_by=row.approved_by,
                       approved_in="import", content_hash=content_hash)
            )  # fmt: skip
    _record_approvals(session, now)
    session.execute(insert(cast(Table, AuditEvent.__table__)), events)


def _record_approvals(session: Session, now: dt.datetime) -> None:
    """An approval record for each case study just inserted as approved, written by the
    database from the rows themselves (who, when, hash) in one statement. "Just inserted":
    created at this import's `now` and without any approval yet (every approved case study
    already stored has one)."""
    approvals = cast(Table, Approval.__table__)
    has_any = select(Approval.id).where(Approval.case_study_id == CaseStudy.id).exists()
    chosen = select(
        CaseStudy.id,
        literal("approved"),
        CaseStudy.approved_by,
        CaseStudy.approved_at,
        CaseStudy.content_hash,
        literal(""),
    ).where(CaseStudy.created_at == now, CaseStudy.status == "approved", ~has_any)
    columns = ["case_study_id", "decision", "actor", "at", "content_hash", "reason"]
    session.execute(insert(approvals).from_select(columns, chosen))


def event_row(
    at: dt.datetime, actor: str, action: str, ref: str, via: str, **detail: Any
) -> dict[str, Any]:
    """An audit row as `vignettes.store.queries.audit` writes it."""
    return {
        "at": at,
        "actor": actor,
        "action": action,
        "ref": ref,
        "month": "",
        "via": via,
        "detail": detail,
    }


def origin(report: ImportReport, row: ImportRow, edit: bool) -> dict[str, Any]:
    """Where a change came from, for its audit line: the file and row, or the form."""
    return {"source": report.source} if edit else {"source": report.source, "row": row.row}


def content_columns(content: CaseStudyContent) -> dict[str, Any]:
    """The `case_studies` columns that hold the content (what the content hash covers): one
    per declared field, lists where the content has tuples."""
    return {
        spec.name: list(value) if isinstance(value := getattr(content, spec.name), tuple) else value
        for spec in SPECS
    }
