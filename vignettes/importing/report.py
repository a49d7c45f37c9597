"""What an import did, or would do with `--dry-run`: the refs it created, updated, left
unchanged, withdrew or queued, and its warnings (problems never reach a report: they raise
ImportRejected)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vignettes.importing.issues import Issue


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
    # Library services the import adds to the directory (names it did not know).
    new_services: list[str] = field(default_factory=list)

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
            "new_services": self.new_services,
        }
