"""How `vignettes import` reports, for people and for scripts: what was written, then the
warnings (the import went ahead), or the problems (nothing was written)."""

from __future__ import annotations

import sys
from typing import Any

from scheduler.operations.content.importing import ImportReport
from vignettes.errors import ImportRejected


def print_report(report: ImportReport) -> None:
    verb = "would import" if report.dry_run else "imported"
    print(
        f"{report.source}: {verb} {report.rows} case studies: {len(report.created)} new, "
        f"{len(report.updated)} updated, {len(report.unchanged)} unchanged"
        + (f", {len(report.withdrawn)} withdrawn" if report.withdrawn else "")
    )
    for ref in report.approvals_voided:
        print(f"  {ref}: content changed after approval, approval voided (status: submitted)")
    for ref, month in report.withdrawn.items():
        released = f"; removed from {month}" if month else ""
        print(f"  {ref}: withdrawn by the file (status: rejected, approval voided){released}")
    for month, ref in sorted(report.queued.items()):
        print(f"  {ref}: queued for {month}")
    for note in report.notes:
        print(f"  {note}")
    if report.warnings:
        count = len(report.warnings)
        print(f"{count} warning{'s' if count != 1 else ''} (the import went ahead):")
        for warning in report.warnings:
            print(f"  {warning}")
    if report.dry_run:
        print("dry run: nothing was written")


def print_rejection(exc: ImportRejected) -> None:
    print(f"vignettes: {exc}", file=sys.stderr)
    if exc.warnings:
        count = len(exc.warnings)
        print(
            f"and {count} warning{'s' if count != 1 else ''} (these alone would not have "
            "stopped the import):",
            file=sys.stderr,
        )
        for warning in exc.warnings:
            print(f"  {warning}", file=sys.stderr)


def rejection_json(exc: ImportRejected) -> dict[str, Any]:
    return {
        "source": exc.source,
        "rejected": True,
        "problems": exc.problems,
        "problem_details": [p.to_json() for p in exc.issues],
        "warnings": [w.to_json() for w in exc.warnings],
    }
