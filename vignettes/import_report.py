"""What an import did, or would do with `--dry-run`: the refs it created, updated, left
unchanged, withdrew or queued, and its warnings (problems never reach a report: they raise
ImportRejected)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vignettes.issues import Issue


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
    warnings: list[Issue] = field(default_factory=list)
    # Refs the file withdrew (status rejected/withdrawn), each with the month it released.
    withdrawn: dict[str, str | None] = field(default_factory=dict)
    # Rows of the file that record a decision (status approved, rejected or withdrawn,
    # approved_by, approved_on), and whether they were taken: by the operator on the
    # command line (`decided_by`, the audit trail's actor), never through an upload.
    decisions: int = 0
    decisions_taken: bool = True
    decided_by: str = ""

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
            "withdrawn": [
                {"ref": ref, "released_month": month} for ref, month in self.withdrawn.items()
            ],
            "warnings": [w.to_json() for w in self.warnings],
            "decisions": {
                "rows": self.decisions,
                "taken": self.decisions_taken and self.decisions > 0,
                "by": self.decided_by if self.decisions_taken and self.decisions else None,
            },
        }
