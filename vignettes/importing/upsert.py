"""The write half of an import, inside one transaction: new refs inserted in bulk
(`inserting`), changed ones updated (voiding any approval or acceptance, and recording the
old and new value of each changed field), rejected and withdrawn ones taken out of the
pipeline, queue requests pinned. A case study added or edited in a form is written here
too (`edit=True`), so a form and a file can never differ in effect. Anything refused is
collected and raised as ImportRejected, which rolls the transaction back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vignettes.approval import record_rejection, void_approval
from vignettes.changes import content_changes
from vignettes.content import CaseStudyContent
from vignettes.errors import ApprovalError, ImportRejected, QueueError
from vignettes.importing.clashes import ref_clashes
from vignettes.importing.inserting import content_columns, insert_new, origin
from vignettes.importing.issues import Issue
from vignettes.importing.report import TITLES_KEPT, ImportReport
from vignettes.importing.services import ANY_SERVICE, ServicePolicy, match_services
from vignettes.importing.validation import ImportRow
from vignettes.planning.slots import ScheduleRule, current_month
from vignettes.states import APPROVED_STATES, CLOSED, CaseStudyState
from vignettes.store.models import CaseStudy
from vignettes.store.queries import audit, case_studies_by_ref
from vignettes.workflow import void_acceptance

_CHUNK = 500


@dataclass(frozen=True)
class _Stored:
    id: int
    content_hash: str
    status: str
    approved_hash: str | None

    @property
    def approval_current(self) -> bool:
        return self.status in APPROVED_STATES and self.approved_hash == self.content_hash


_STATE = (CaseStudy.ref, CaseStudy.id, CaseStudy.content_hash, CaseStudy.status,
          CaseStudy.approved_hash)  # fmt: skip


def _stored(session: Session, refs: Sequence[str]) -> dict[str, _Stored]:
    """What the database holds for `refs`, without loading ORM objects: one read of every
    row when the file covers much of the table (a first import finds it empty), else a
    lookup by ref in chunks."""
    stored = session.scalar(select(func.count()).select_from(CaseStudy)) or 0
    if not stored or not refs:
        return {}
    if stored <= 4 * len(refs):
        wanted = set(refs)
        rows = [r for r in session.execute(select(*_STATE)) if r[0] in wanted]
    else:
        rows = []
        for start in range(0, len(refs), _CHUNK):
            chunk = refs[start : start + _CHUNK]
            rows += session.execute(select(*_STATE).where(CaseStudy.ref.in_(chunk))).all()
    return {ref: _Stored(id_, h, status, approved) for ref, id_, h, status, approved in rows}


def upsert(
    session: Session,
    rows: list[ImportRow],
    report: ImportReport,
    *,
    now: dt.datetime,
    actor: str,
    schedule: ScheduleRule,
    via: str,
    edit: bool = False,
    services: ServicePolicy = ANY_SERVICE,
    draft: bool = False,
    earlier: Sequence[Issue] = (),
) -> None:
    """Write `rows` in `session`, filling `report`; raises ImportRejected (the caller's
    transaction is then rolled back) for anything the database state does not allow, or
    when there are `earlier` problems (the file's own, found by validation): those and
    these are reported together, in row order. `edit`: the one row comes from a form, not
    a file (the audit trail says "added" rather than "imported", and names no file row).
    `services`: how rows are matched to the directory of library services. `draft`: a new
    case study starts as a draft (a contributor's), not submitted."""
    problems: list[Issue] = [*earlier]
    report.keep_titles([(r.content.ref, r.content.title) for r in rows[:TITLES_KEPT]])
    rows, service_ids = match_services(session, rows, report, problems, policy=services, now=now)
    stored = _stored(session, [r.content.ref for r in rows])
    new_rows = [r for r in rows if r.content.ref not in stored]
    clashes = ref_clashes(session, new_rows, report.source) if new_rows else {}
    problems += clashes.values()
    hashes = {r.content.ref: r.content.content_hash() for r in rows}
    this_month = current_month(now, schedule)
    for row in rows:
        if row.showcase_month is not None and row.showcase_month < this_month:
            problems.append(
                Issue(
                    report.source,
                    row.row,
                    row.content.ref,
                    "showcase_month",
                    f"{row.showcase_month} is in the past",
                )
            )
    fresh = [r for r in new_rows if r.content.ref not in clashes]
    insert_new(session, fresh, hashes, report, now=now, actor=actor, via=via, edit=edit,
                service_ids=service_ids, draft=draft)  # fmt: skip
    existing = [r for r in rows if r.content.ref in stored]
    _update_existing(session, existing, stored, hashes, report, problems, now, actor, via, edit,
                     service_ids)  # fmt: skip
    kept = [r for r in rows if r.content.ref not in clashes]
    _pin_requests(session, kept, report, problems, now=now, actor=actor, schedule=schedule, via=via)
    if problems:
        problems.sort(key=lambda issue: issue.row or 0)  # stable: the file's own come first
        raise ImportRejected(report.source, problems, report.warnings)


def _how(report: ImportReport, row: ImportRow, edit: bool) -> str:
    return "an edit" if edit else f"import of {report.source} row {row.row}"


def _update_existing(
    session: Session,
    rows: Sequence[ImportRow],
    stored: dict[str, _Stored],
    hashes: dict[str, str],
    report: ImportReport,
    problems: list[Issue],
    now: dt.datetime,
    actor: str,
    via: str,
    edit: bool = False,
    service_ids: dict[str, int | None] | None = None,
) -> None:
    """Rows whose ref is stored: unchanged ones cost nothing; only those that change (or
    are rejected or withdrawn) are loaded as ORM objects. An update records, per changed field, the
    old and new value (`vignettes.changes`). Changed content sends an accepted, escalated
    or approved case study back to `submitted`: those decisions were about the old one."""
    touched = [
        r
        for r in rows
        if stored[r.content.ref].content_hash != hashes[r.content.ref]
        or (r.status in CLOSED and stored[r.content.ref].status != r.status)
    ]
    loaded = case_studies_by_ref(session, [r.content.ref for r in touched]) if touched else {}
    for row in rows:
        ref = row.content.ref
        state = stored[ref]
        cs = loaded.get(ref)
        if cs is None:
            report.unchanged.append(ref)
            _approved_ignored(row, state.approval_current, report)
            continue
        if state.content_hash == hashes[ref]:
            report.unchanged.append(ref)
        else:
            was_approved = cs.approved_hash is not None and cs.status in APPROVED_STATES
            changes = content_changes(cs.content(), row.content)
            _apply(cs, row.content, hashes[ref], now)
            cs.library_service_id = (service_ids or {}).get(ref, cs.library_service_id)
            report.updated.append(ref)
            audit(session, at=now, actor=actor, action="updated", ref=ref, via=via,
                  **origin(report, row, edit), content_hash=hashes[ref],
                  changes=changes)  # fmt: skip
            reason = f"content changed by {_how(report, row, edit)}"
            if was_approved:
                void_approval(session, cs, actor=actor, at=now, reason=reason, via=via)
                report.approvals_voided.append(ref)
            elif void_acceptance(session, cs, actor=actor, at=now, reason=reason, via=via):
                report.approvals_voided.append(ref)
            elif cs.status in CLOSED and row.status not in CLOSED:
                cs.status = CaseStudyState.SUBMITTED
                cs.submitted_at = cs.submitted_at or now
                audit(session, at=now, actor=actor, action="resubmitted", ref=ref, via=via)
        if row.status in CLOSED and cs.status != row.status:
            how = row.status_written or row.status
            try:
                note = record_rejection(
                    session,
                    cs,
                    by=actor,
                    reason=f"{how} by {_how(report, row, edit)}",
                    now=now,
                    via=via,
                    state=row.status,
                )
            except ApprovalError as exc:
                problems.append(
                    Issue(report.source, row.row, ref, "status",
                          f"is {how}, but {exc}: an import cannot take it back; remove the "
                          "posts by hand, then change this row's status")
                )  # fmt: skip
                continue
            report.withdrawn[ref] = note.removeprefix("removed from ") or None
            report.withdrawn_as[ref] = row.status
        _approved_ignored(row, cs.approval_is_current, report)
    session.flush()


def _approved_ignored(row: ImportRow, approved_now: bool, report: ImportReport) -> None:
    if row.status == "approved" and not approved_now:
        report.warnings.append(
            Issue(
                report.source,
                row.row,
                row.content.ref,
                "status",
                "approved is ignored for a case study already in the database: approval "
                "happens only through `vignettes approve`",
            )
        )


def _pin_requests(
    session: Session,
    rows: Sequence[ImportRow],
    report: ImportReport,
    problems: list[Issue],
    *,
    now: dt.datetime,
    actor: str,
    schedule: ScheduleRule,
    via: str,
) -> None:
    from vignettes.planning.plan import pin

    this_month = current_month(now, schedule)
    wanted = [r for r in rows if r.showcase_month is not None and r.showcase_month >= this_month]
    if not wanted:
        return
    loaded = case_studies_by_ref(session, [r.content.ref for r in wanted])
    for row in wanted:
        cs = loaded[row.content.ref]
        month = row.showcase_month
        assert month is not None
        if cs.status in CLOSED:
            continue
        if not cs.approval_is_current:
            cs.requested_month = str(month)
            report.notes.append(
                f"{cs.ref}: showcase_month {month} is recorded as a request "
                "and will be queued when the case study is approved"
            )
            continue
        try:
            with session.begin_nested():
                pin(session, month, cs.ref, by=actor, now=now, schedule=schedule, via=via)
            report.queued[str(month)] = cs.ref
        except QueueError as exc:
            problems.append(Issue(report.source, row.row, cs.ref, "showcase_month", str(exc)))


def _apply(cs: CaseStudy, content: CaseStudyContent, content_hash: str, now: dt.datetime) -> None:
    for name, value in content_columns(content).items():
        if name != "ref":
            setattr(cs, name, value)
    cs.content_hash = content_hash
    cs.updated_at = now
