"""Import case studies from JSON, CSV or XLSX: validate every row, then write all or nothing.

Every problem is reported as `FILE:ROW ref field: reason` (ROW is the spreadsheet row, the
header being row 1; for JSON the item number). Text is stored as plain text: it is never
interpreted as HTML here, and renderers escape it.

File-supplied workflow fields (`status`, `approved_by`, `approved_on`) take effect only when
a ref is new. For a ref already in the store, approval is managed with `approve`/`reject`,
and a content change voids any approval (invariant 1).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from vignettes.approval import record_approval, void_approval
from vignettes.content import (
    CaseStudyContent,
)
from vignettes.errors import ImportRejected, QueueError
from vignettes.models import CaseStudy
from vignettes.slots import ScheduleRule, current_month
from vignettes.sources import read_rows
from vignettes.store import Store, audit, case_studies_by_ref
from vignettes.validation import ImportRow, display, ref_key, validate_rows


@dataclass
class ImportReport:
    source: str
    dry_run: bool
    rows: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    approvals_voided: list[str] = field(default_factory=list)
    queued: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "approvals_voided": self.approvals_voided,
            "queued": self.queued,
            "notes": self.notes,
        }


# ---- writing -------------------------------------------------------------------------


class _Rollback(Exception):
    """Raised inside the write transaction to undo a dry run."""


def import_file(
    store: Store,
    path: Path,
    *,
    now: dt.datetime,
    actor: str,
    schedule: ScheduleRule,
    dry_run: bool = False,
    source_name: str | None = None,
    via: str = "",
) -> ImportReport:
    """Validate all of `path`, then upsert every row by ref in one transaction.

    Raises ImportRejected (nothing written) for any invalid row, a new ref that differs
    only by case from one in the database, a queue request the plan cannot satisfy, or a
    write the database refuses. With `dry_run`, reports what would happen and writes nothing.
    """
    source = source_name or str(path)
    rows = validate_rows(source, read_rows(path), now)
    report = ImportReport(source=source, dry_run=dry_run, rows=len(rows))
    try:
        with store.write() as session:
            _upsert(session, rows, report, now=now, actor=actor, schedule=schedule, via=via)
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    except (IntegrityError, DataError) as exc:
        # A backstop: validation should have caught it, but a constraint (or a concurrent
        # import) can still refuse a row. The transaction is rolled back: nothing written.
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        raise ImportRejected(
            source, [f"{source}: the database refused the import ({display(reason, 300)})"]
        ) from exc
    return report


def _case_clashes(session: Session, rows: list[ImportRow], source: str) -> dict[str, str]:
    """Problems, by ref, for new refs that differ only by case (or Unicode form) from a ref
    already stored. Compared in Python on every stored ref, in this transaction: SQL
    lower() folds only ASCII on SQLite, and casefold() is what validation uses in-file."""
    stored = {ref_key(ref): ref for ref in session.scalars(select(CaseStudy.ref))}
    problems = {}
    for row in rows:
        ref = row.content.ref
        other = stored.get(ref_key(ref))
        if other is not None:
            how = (
                "by Unicode form (composed or decomposed accents)"
                if unicodedata.normalize("NFC", other) == ref
                else "by case"
            )
            problems[ref] = (
                f"{source}:{row.row} {display(ref)} ref: differs only {how} from "
                f"{display(other)} (already in the database)"
            )
    return problems


def _upsert(
    session: Session,
    rows: list[ImportRow],
    report: ImportReport,
    *,
    now: dt.datetime,
    actor: str,
    schedule: ScheduleRule,
    via: str,
) -> None:
    from vignettes.planning import pin

    existing = case_studies_by_ref(session, [r.content.ref for r in rows])
    new_rows = [r for r in rows if r.content.ref not in existing]
    clashes = _case_clashes(session, new_rows, report.source) if new_rows else {}
    problems: list[str] = []
    to_pin: list[tuple[ImportRow, CaseStudy]] = []
    for row in rows:
        content = row.content
        if content.ref in clashes:
            problems.append(clashes[content.ref])
            continue
        new_hash = content.content_hash()
        cs = existing.get(content.ref)
        if cs is None:
            cs = CaseStudy(
                ref=content.ref, created_at=now, status="submitted", source=report.source
            )
            _apply(cs, content, new_hash, now)
            session.add(cs)
            report.created.append(content.ref)
            audit(
                session,
                at=now,
                actor=actor,
                action="imported",
                ref=content.ref,
                via=via,
                source=report.source,
                row=row.row,
                content_hash=new_hash,
            )
            if row.status == "approved":
                assert row.approved_on is not None
                record_approval(session, cs, by=row.approved_by, at=row.approved_on)
                audit(
                    session,
                    at=now,
                    actor=actor,
                    action="approved",
                    ref=content.ref,
                    via=via,
                    approved_by=row.approved_by,
                    approved_in="import",
                    content_hash=new_hash,
                )
            elif row.status == "rejected":
                cs.status = "rejected"
        elif cs.content_hash == new_hash:
            report.unchanged.append(content.ref)
        else:
            was_approved = cs.status == "approved"
            _apply(cs, content, new_hash, now)
            report.updated.append(content.ref)
            audit(
                session,
                at=now,
                actor=actor,
                action="updated",
                ref=content.ref,
                via=via,
                source=report.source,
                row=row.row,
                content_hash=new_hash,
            )
            if was_approved:
                void_approval(
                    session,
                    cs,
                    actor=actor,
                    at=now,
                    reason=f"content changed by import of {report.source} row {row.row}",
                    via=via,
                )
                report.approvals_voided.append(content.ref)
            elif cs.status == "rejected":
                cs.status = "submitted"
                audit(session, at=now, actor=actor, action="resubmitted", ref=content.ref, via=via)
        if row.showcase_month is not None:
            if row.showcase_month < current_month(now, schedule):
                problems.append(
                    f"{report.source}:{row.row} {content.ref} showcase_month: "
                    f"{row.showcase_month} is in the past"
                )
            elif cs.approval_is_current:
                to_pin.append((row, cs))
            else:
                cs.requested_month = str(row.showcase_month)
                report.notes.append(
                    f"{content.ref}: showcase_month {row.showcase_month} is recorded as a request "
                    "and will be queued when the case study is approved"
                )
    session.flush()
    for row, cs in to_pin:
        assert row.showcase_month is not None
        try:
            with session.begin_nested():
                pin(
                    session,
                    row.showcase_month,
                    cs.ref,
                    by=actor,
                    now=now,
                    schedule=schedule,
                    via=via,
                )
            report.queued[str(row.showcase_month)] = cs.ref
        except QueueError as exc:
            problems.append(f"{report.source}:{row.row} {cs.ref} showcase_month: {exc}")
    if problems:
        raise ImportRejected(report.source, problems)


def _apply(cs: CaseStudy, content: CaseStudyContent, content_hash: str, now: dt.datetime) -> None:
    cs.title = content.title
    cs.organisation = content.organisation
    cs.library_service = content.library_service
    cs.region = content.region
    cs.headline = content.headline
    cs.summary = content.summary
    cs.background = content.background
    cs.library_contribution = content.library_contribution
    cs.outcome = content.outcome
    cs.impact_categories = list(content.impact_categories)
    cs.time_saved_hours = content.time_saved_hours
    cs.cost_saving_gbp = content.cost_saving_gbp
    cs.quote_text = content.quote_text
    cs.quote_attribution = content.quote_attribution
    cs.quote_consent = content.quote_consent
    cs.link = content.link
    cs.hashtags = list(content.hashtags)
    cs.content_hash = content_hash
    cs.updated_at = now


SAMPLE_FILE = Path(__file__).parent / "samples" / "case_studies.json"
