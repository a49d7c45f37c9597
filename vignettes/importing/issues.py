"""What an import says about a file: problems (the file is refused, nothing is written) and
warnings (the import goes ahead), each naming the file, row, ref and field.

`str(issue)` is the one-line form people read, `FILE:ROW ref field: reason` (ROW is the
spreadsheet row, the header being row 1; for JSON the item number); `to_json()` is the same
as data for scripts.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any


def char_name(c: str) -> str:
    """`U+202E RIGHT-TO-LEFT OVERRIDE`: a character a person cannot see, named."""
    name = unicodedata.name(c, "")
    return f"U+{ord(c):04X} {name}".rstrip()


def display(value: str, limit: int = 60) -> str:
    """`value` safe to print in a message: shortened, invisible characters escaped."""
    shown = value if len(value) <= limit else value[:limit] + "…"
    if shown.isprintable():
        return shown
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in shown)


@dataclass(frozen=True)
class Issue:
    """One thing wrong with (or worth knowing about) a file. `row` is None for the file as
    a whole; `field` is "" when no field is concerned (then `ref` is "" too). `column` is
    the file's own header for the field, as its author wrote it ("" when unknown): what a
    person looks for in their spreadsheet."""

    file: str
    row: int | None
    ref: str
    field: str
    reason: str
    column: str = ""

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file}:{self.row}"
        if not self.field:
            return f"{where}: {self.reason}" if self.row is None else f"{where} {self.reason}"
        return f"{where} {display(self.ref) or '-'} {display(self.field)}: {self.reason}"

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "row": self.row,
            "ref": self.ref or None,
            "field": self.field or None,
            "column": self.column or None,
            "message": self.reason,
            "text": str(self),
        }


def file_issue(source: str, reason: str) -> Issue:
    """An issue about the whole file (`FILE: reason`)."""
    return Issue(source, None, "", "", reason)
