"""What an import did, or would do with `--dry-run`: the refs it created, updated, left
unchanged, withdrew or queued, and its warnings (problems never reach a report: they raise
ImportRejected).

`to_json()` is all of it, for scripts; `summary()` is what a page keeps and shows, bounded
whatever the file's size: the counts, the first refs of each list and the warnings grouped
(`vignettes.importing.issue_groups`)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from vignettes.importing.issue_groups import listing
from vignettes.importing.issues import Issue

# Refs listed by name in a summary for each of its lists (the rest are counted).
SHOWN_REFS = 50
# Titles a report keeps beside its refs: as many as a screen lists, not a whole file's.
TITLES_KEPT = 500


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
    # Refs the file took out of the pipeline (status rejected or withdrawn), each with the
    # month it released, and the state each is left in (`withdrawn_as`).
    withdrawn: dict[str, str | None] = field(default_factory=dict)
    withdrawn_as: dict[str, str] = field(default_factory=dict)
    # Library services the import adds to the directory (names it did not know).
    new_services: list[str] = field(default_factory=list)
    # Rows of the file that record a decision (status approved, rejected or withdrawn,
    # approved_by, approved_on), and whether they were taken: by the operator on the
    # command line (`decided_by`, the audit trail's actor), never through an upload.
    decisions: int = 0
    decisions_taken: bool = True
    decided_by: str = ""
    # The import was asked to expect another outcome (the one a person checked), and this
    # is what it would do now instead: nothing was written.
    stale: bool = False
    # The title of each ref (of the first TITLES_KEPT rows), for people reading the refs.
    titles: dict[str, str] = field(default_factory=dict)

    def keep_titles(self, pairs: list[tuple[str, str]]) -> None:
        for ref, title in pairs[: max(0, TITLES_KEPT - len(self.titles))]:
            self.titles[ref] = title

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
                {"ref": ref, "released_month": month, "state": self.withdrawn_as.get(ref)}
                for ref, month in self.withdrawn.items()
            ],
            "warnings": [w.to_json() for w in self.warnings],
            "new_services": self.new_services,
            "decisions": {
                "rows": self.decisions,
                "taken": self.decisions_taken and self.decisions > 0,
                "by": self.decided_by if self.decisions_taken and self.decisions else None,
            },
            "titles": self.titles,
        }

    def digest(self) -> str:
        """A fingerprint of what the import does (every ref in each list, the months queued,
        the notes and warnings): equal for two runs exactly when a person would read the
        same report, whether it is a dry run or not."""
        outcome = {k: v for k, v in self.to_json().items() if k not in ("dry_run", "stale")}
        text = json.dumps(outcome, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def summary(self, shown: int = SHOWN_REFS) -> dict[str, Any]:
        """The report bounded for keeping and showing: `counts` of every list, its first
        `shown` entries, the warnings grouped (at most DETAIL_LINES lines of them)."""
        full = self.to_json()
        lists = (
            "created",
            "updated",
            "unchanged",
            "approvals_voided",
            "notes",
            "withdrawn",
            "new_services",
        )
        queued = sorted(self.queued.items())
        return {
            **{key: full[key] for key in ("source", "dry_run", "rows", "decisions")},
            **{key: full[key][:shown] for key in lists},
            "queued": dict(queued[:shown]),
            "counts": {key: len(full[key]) for key in (*lists, "queued")},
            # The titles of the refs listed (people read a ref with its title).
            "titles": {
                ref: title
                for key in ("created", "updated", "approvals_voided")
                for ref in full[key][:shown]
                if (title := self.titles.get(ref))
            }
            | {
                w["ref"]: self.titles[w["ref"]]
                for w in full["withdrawn"][:shown]
                if w["ref"] in self.titles
            },
            "warnings": listing(self.warnings).to_json(),
        }
