"""What a file reader hands to validation: numbered rows keyed by field, and what the
header row already said (problems, warnings, fields with no column)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from vignettes.importing.columns import REQUIRED, ColumnRules, Header, column_letter, resolve_header
from vignettes.importing.issues import Issue

Rows = list[tuple[int, dict[str, Any]]]


@dataclass(frozen=True)
class CellProblem:
    """A cell whose value must not be used; `reason` completes `FILE:ROW ref field: `."""

    reason: str


@dataclass
class SourceRows:
    """Rows keyed by field name. `missing` are required fields with no column (reported
    once, in `problems`, rather than once per row). `columns` names each field's column
    as the file wrote it, for the report."""

    rows: Rows
    problems: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    missing: frozenset[str] = frozenset()
    columns: dict[str, str] = field(default_factory=dict)


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class Grid:
    """Turns a header row and data rows of cells into `SourceRows`."""

    def __init__(self, source: str, header_cells: Sequence[Any], rules: ColumnRules) -> None:
        self.source = source
        self.header: Header = resolve_header(source, header_cells, rules)
        self.written = {
            f: str(header_cells[i]).strip() for i, f in enumerate(self.header.fields) if f
        }
        self.width = len(self.header.fields)
        # Every column with a name, mapped or not.
        self.named = {i for i, cell in enumerate(header_cells) if not blank(cell)}
        self.columns = [(i, f) for i, f in enumerate(self.header.fields) if f]
        self.rows: Rows = []
        self.problems: list[Issue] = list(self.header.problems)

    def add(self, number: int, cells: Sequence[Any]) -> None:
        """One data row (already known not to be blank)."""
        width = self.width
        if len(cells) > width:
            for index in range(width, len(cells)):
                if not blank(cells[index]):
                    self._unnamed(number, index)
        named = self.named
        if len(named) != width:  # some header cells are empty: data under them is lost
            for index in range(min(width, len(cells))):
                if index not in named and not blank(cells[index]):
                    self._unnamed(number, index)
        n = len(cells)
        self.rows.append((number, {f: cells[i] for i, f in self.columns if i < n}))

    def _unnamed(self, number: int, index: int) -> None:
        self.problems.append(
            Issue(
                self.source,
                number,
                "",
                f"column {column_letter(index + 1)}",
                "has data but no column name in the header row",
            )
        )

    def result(self) -> SourceRows:
        """The rows, with the header's problems and warnings (validation adds the rows')."""
        present = self.header.present
        return SourceRows(
            self.rows,
            self.problems,
            list(self.header.warnings),
            frozenset(f for f in REQUIRED if f not in present),
            self.written,
        )
