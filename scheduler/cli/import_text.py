"""How `vignettes import` reports, for people and for scripts: what was written, then the
warnings (the import went ahead), or the problems (nothing was written).

For people, identical problems and warnings are grouped (`vignettes.importing.issue_groups`) and at
most DETAIL_LINES lines of each kind are printed, with the count of the rest: a file of
100,000 wrong rows is a few lines, not a 26 MB message. `--json` gives every one."""

from __future__ import annotations

import sys
from typing import Any, TextIO

from scheduler.operations.content.importing import DETAIL_LINES, ImportReport, Issue, listing
from vignettes.errors import ImportRejected


def print_report(report: ImportReport) -> None:
    verb = "would import" if report.dry_run else "imported"
    print(
        f"{report.source}: {verb} {report.rows} case studies: {len(report.created)} new, "
        f"{len(report.updated)} updated, {len(report.unchanged)} unchanged"
        + (f", {len(report.withdrawn)} withdrawn" if report.withdrawn else "")
    )
    lines = [
        f"{ref}: content changed after approval, approval voided (status: submitted)"
        for ref in report.approvals_voided
    ]
    for ref, month in report.withdrawn.items():
        released = f"; removed from {month}" if month else ""
        state = report.withdrawn_as.get(ref, "rejected")
        lines.append(f"{ref}: withdrawn by the file (status: {state}, approval voided){released}")
    lines += [f"{ref}: queued for {month}" for month, ref in sorted(report.queued.items())]
    lines += report.notes
    for line in lines[:DETAIL_LINES]:
        print(f"  {line}")
    if len(lines) > DETAIL_LINES:
        print(f"  and {len(lines) - DETAIL_LINES:,} more not shown (--json lists every one)")
    if report.decisions:
        print(f"  {decisions_note(report)}")
    if report.warnings:
        count = len(report.warnings)
        ahead = "the import can go ahead" if report.dry_run else "the import went ahead"
        print(f"{count:,} warning{'s' if count != 1 else ''} ({ahead}):")
        _print_issues(report.warnings, "warning", sys.stdout)
    if report.dry_run:
        print("dry run: nothing was written")


def print_rejection(exc: ImportRejected) -> None:
    """The problems, identical ones grouped and at most DETAIL_LINES lines of them (the
    exception's message), then the warnings the same way."""
    print(f"vignettes: {exc}", file=sys.stderr)
    if exc.warnings:
        count = len(exc.warnings)
        print(
            f"and {count:,} warning{'s' if count != 1 else ''} (these alone would not have "
            "stopped the import):",
            file=sys.stderr,
        )
        _print_issues(exc.warnings, "warning", sys.stderr)


def _print_issues(issues: list[Issue], noun: str, out: TextIO) -> None:
    shown = listing(issues)
    for group in shown.shown:
        print(f"  {group}", file=out)
    if shown.hidden:
        print(f"  {shown.rest(noun)} (--json lists every one)", file=out)


def rejection_json(exc: ImportRejected) -> dict[str, Any]:
    return {
        "source": exc.source,
        "rejected": True,
        "problems": exc.problems,
        "problem_details": [p.to_json() for p in exc.issues],
        "warnings": [w.to_json() for w in exc.warnings],
    }


def decisions_note(report: ImportReport) -> str:
    """What happens to the decisions a file records: on the command line they are the
    operator's own, recorded in the audit trail under the operator's name."""
    rows = f"{report.decisions} row{'s' if report.decisions != 1 else ''}"
    if not report.decisions_taken:
        return f"{rows} record an approval or withdrawal: ignored, as in the console"
    verb = "are" if report.dry_run else "were"
    return (
        f"{rows} record an approval or withdrawal (status, approved_by, approved_on): on "
        f"the command line they {verb} taken as the operator's own decisions, recorded in "
        f"the audit trail as by {report.decided_by!r} (--by); an upload in the console "
        "ignores them"
    )
