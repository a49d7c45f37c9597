"""Import case studies from JSON, CSV or XLSX: validate every row, then write all or nothing.

The report separates problems (the file is refused and nothing is written) from warnings
(the import goes ahead: an ignored column, a quote withheld for want of consent, a status
that only `approve` can set), each as `FILE:ROW ref field: reason` (ROW is the spreadsheet
row, the header being row 1; for JSON the item number). Text is stored as plain text: it is
never interpreted as HTML here, and renderers escape it.

File-supplied workflow fields (`status`, `approved_by`, `approved_on`) are decisions, and
only the machine's operator may bring them (`decisions=True`, the command line): they take
effect when a ref is new, and for a ref already in the store `status: rejected` (or
`withdrawn`) withdraws it, while `approved` is reported as ignored (approval happens only
through `approve`). An upload in the console (`decisions=False`) never approves, rejects
or withdraws: those columns are warned about as ignored. Either way a content change
voids any approval (invariant 1).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError

from vignettes.errors import ImportInterrupted, ImportRejected
from vignettes.importing.issues import display, file_issue
from vignettes.importing.report import ImportReport
from vignettes.importing.services import ANY_SERVICE, ServicePolicy
from vignettes.importing.sources import read_rows
from vignettes.importing.upsert import upsert
from vignettes.importing.validation import DefaultRules, ImportRules, in_columns, validate_rows
from vignettes.planning.slots import ScheduleRule
from vignettes.store.models import AuditEvent
from vignettes.store.queries import Store

SAMPLE_FILE = Path(__file__).parents[1] / "samples" / "case_studies.json"


class _Rollback(Exception):
    """Raised inside the write transaction to undo a dry run."""


def import_file(
    store: Store,
    path: Path,
    *,
    now: dt.datetime,
    actor: str,
    schedule: ScheduleRule,
    rules: ImportRules | None = None,
    dry_run: bool = False,
    source_name: str | None = None,
    via: str = "",
    services: ServicePolicy = ANY_SERVICE,
    decisions: bool = True,
    expect: str | None = None,
) -> ImportReport:
    """Validate all of `path`, then upsert every row by ref in one transaction. Without
    `decisions`, the file's status, approved_by and approved_on are ignored (warned about).
    With `expect` (the `digest()` of the dry run a person read and confirmed), the import
    is written only if it still does exactly that; otherwise nothing is written and the
    report of what it would do now comes back marked `stale` (between the check and the
    confirmation someone may have approved a case study the file would now void).

    Raises ImportRejected (nothing written) for any invalid row, a new ref that differs
    only by case from (or looks like) one in the database, a queue request the plan cannot
    satisfy, a withdrawal of what was already showcased, or a write the database refuses;
    ImportInterrupted when the person presses Ctrl-C. With `dry_run`, reports what would
    happen and writes nothing.
    """
    rules = rules or DefaultRules()
    source = source_name or str(path)
    committing = False
    columns: dict[str, str] = {}  # each field's column as the file wrote it
    try:
        table = read_rows(path, rules.columns, source)
        columns = table.columns
        validated = validate_rows(source, table, now, rules, decisions=decisions)
        report = ImportReport(source, dry_run, len(validated.rows), warnings=validated.warnings)
        report.decisions, report.decisions_taken = validated.decisions, decisions
        report.decided_by = actor
        with store.write() as session:
            # Even when some rows have problems, the others are checked against the
            # database (refs that clash with stored ones, queue requests, withdrawals):
            # every problem of the file is reported in one round, and nothing is written.
            upsert(
                session,
                validated.rows,
                report,
                now=now,
                actor=actor,
                schedule=schedule,
                via=via,
                services=services,
                earlier=validated.problems,
            )
            if expect is not None and report.digest() != expect:
                report.stale = True
                raise _Rollback
            if dry_run:
                raise _Rollback
            committing = True  # from here the transaction may be committed
    except _Rollback:
        pass
    except ImportRejected as exc:
        if not columns:
            raise
        # The database's checks name fields too: each problem names the file's column.
        named = in_columns(exc.issues, columns), in_columns(exc.warnings, columns)
        raise ImportRejected(source, *named) from None
    except KeyboardInterrupt:
        written = committing and not dry_run and _written(store, actor, now)
        raise ImportInterrupted(source, written) from None
    except (IntegrityError, DataError) as exc:
        # A backstop: validation should have caught it, but a constraint (or a concurrent
        # import) can still refuse a row. The transaction is rolled back: nothing written.
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        refused = file_issue(source, f"the database refused the import ({display(reason, 300)})")
        raise ImportRejected(source, [refused, *validated.problems]) from exc
    return report


def _written(store: Store, actor: str, now: dt.datetime) -> bool:
    """Whether an import interrupted while committing was written: every change an import
    makes is audited at its `now` by its actor."""
    try:
        with store.read() as session:
            stmt = select(AuditEvent.id).where(AuditEvent.at == now, AuditEvent.actor == actor)
            return session.execute(stmt.limit(1)).first() is not None
    except Exception:  # cannot tell: say so rather than claim that nothing happened
        return True


__all__ = ["SAMPLE_FILE", "ImportRejected", "ImportReport", "import_file"]
