"""An import's problems and warnings as a person can read them, whatever the file's size:
identical ones grouped, and at most `DETAIL_LINES` lines of detail.

A file of 100,000 rows with one wrong category each has 100,000 problems that say one
thing. Listed one a line they made a 26 MB message on the terminal and a 290 MB page in the
console; grouped, they are one line: `big.csv:2–100,001 (100,000 rows) impact_categories:
unknown category 'Foo'; …`. Issues are identical when they have the same file, field and
reason (the reason names the value, so two different wrong categories are two groups).
Beyond `DETAIL_LINES` groups, only their count is given: every problem is still found in
one round (and `--json` lists each one), but no person reads more at once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from vignettes.importing.issues import Issue, display

# Lines of detail shown on the terminal or a console page for one list (problems, or
# warnings); the rest are counted.
DETAIL_LINES = 200
# Row ranges spelled out in one group's line ("2–5, 9, 12–40 and 37 more rows").
SHOWN_RANGES = 12


def row_ranges(rows: Sequence[int], limit: int = SHOWN_RANGES) -> str:
    """`2–5, 9, 12–40` for those rows (ascending, each once), at most `limit` ranges and
    then how many rows more."""
    ranges: list[tuple[int, int]] = []
    for row in rows:
        if ranges and row == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], row)
        elif not ranges or row > ranges[-1][1]:
            ranges.append((row, row))
    parts = [f"{a:,}" if a == b else f"{a:,}–{b:,}" for a, b in ranges[:limit]]
    rest = sum(b - a + 1 for a, b in ranges[limit:])
    return ", ".join(parts) + (f" and {rest:,} more" if rest else "")


@dataclass
class IssueGroup:
    """Identical issues (same file, field and reason) of one or more rows."""

    file: str
    field: str
    reason: str
    rows: list[int] = dataclasses.field(default_factory=list)
    refs: list[str] = dataclasses.field(default_factory=list)
    count: int = 0
    whole_file: bool = False
    column: str = ""  # the field's column as the file wrote it

    def add(self, issue: Issue) -> None:
        self.count += 1
        self.column = self.column or issue.column
        if issue.row is not None:
            self.rows.append(issue.row)
        if issue.ref and (not self.refs or self.refs[-1] != issue.ref) and len(self.refs) < 2:
            self.refs.append(issue.ref)

    @property
    def where(self) -> str:
        """The rows, as `2` or `2–100,001 (100,000 rows)`; "" for the whole file."""
        if not self.rows:
            return ""
        if self.count == 1:
            return str(self.rows[0])
        return f"{row_ranges(sorted(set(self.rows)))} ({self.count:,} rows)"

    @property
    def ref(self) -> str:
        """The ref, or the first and how many more when the rows have several."""
        if len(self.refs) <= 1:
            return self.refs[0] if self.refs else ""
        return f"{display(self.refs[0])} and {self.count - 1:,} more"

    def __str__(self) -> str:
        if self.count == 1:
            row = self.rows[0] if self.rows else None
            return str(Issue(self.file, row, self.refs[0] if self.refs else "", self.field,
                             self.reason))  # fmt: skip
        where = f"{self.file}:{self.where}" if self.rows else self.file
        if not self.field:
            return f"{where} {self.reason}" if self.rows else f"{where}: {self.reason}"
        who = f"{self.ref} " if len(self.refs) == 1 else ""
        return f"{where} {who}{display(self.field)}: {self.reason}"

    def to_json(self) -> dict[str, Any]:
        """One line of a report as data: `row` is the first row (None: the whole file),
        `rows` every row as ranges, `count` how many issues the line stands for."""
        return {
            "file": self.file,
            "row": self.rows[0] if self.rows else None,
            "rows": self.where or None,
            "count": self.count,
            "ref": self.ref or None,
            "field": self.field or None,
            "column": self.column or None,
            "message": self.reason,
            "text": str(self),
        }


def group_issues(issues: Iterable[Issue]) -> list[IssueGroup]:
    """`issues` grouped when identical, in the order each group first appears."""
    groups: dict[tuple[str, str, str, bool], IssueGroup] = {}
    for issue in issues:
        key = (issue.file, issue.field, issue.reason, issue.row is None)
        found = groups.get(key)
        if found is None:
            found = groups[key] = IssueGroup(issue.file, issue.field, issue.reason)
            found.whole_file = issue.row is None
        found.add(issue)
    return list(groups.values())


@dataclass(frozen=True)
class Listing:
    """The lines of detail to show, and what is left out: `hidden` issues in
    `hidden_lines` more lines. `total` is every issue."""

    shown: list[IssueGroup]
    hidden_lines: int
    hidden: int
    total: int

    def rest(self, noun: str) -> str:
        """`and 1,234 more problems (500 more lines) not shown`, or "" when none are."""
        if not self.hidden:
            return ""
        plural = noun if self.hidden == 1 else noun + "s"
        lines = "line" if self.hidden_lines == 1 else "lines"
        return f"and {self.hidden:,} more {plural} ({self.hidden_lines:,} more {lines}) not shown"

    def to_json(self) -> dict[str, Any]:
        return {
            "shown": [group.to_json() for group in self.shown],
            "hidden": self.hidden,
            "hidden_lines": self.hidden_lines,
            "total": self.total,
        }


def listing(issues: Sequence[Issue], limit: int = DETAIL_LINES) -> Listing:
    """`issues` grouped, the first `limit` groups to show."""
    groups = group_issues(issues)
    shown = groups[:limit]
    hidden = sum(group.count for group in groups[limit:])
    return Listing(shown, len(groups) - len(shown), hidden, len(issues))
