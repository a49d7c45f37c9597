"""Which column holds which field: headers as people write them, matched to field names.

A header matches a field ignoring case, spaces, underscores and punctuation
(`Time saved (hours)` is `time_saved_hours`), or through the aliases below, or through the
local names a configuration maps (`[import.columns]`, which win). A column that maps to no
field is not an error: it is reported once, as ignored, with a did-you-mean when its name
is close to a field's. Two columns for one field, a required field with no column, and a
near miss for a field that protects people (`contains_patient_data`) are problems.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from vignettes.content import SPECS
from vignettes.fields import WORKFLOW
from vignettes.importing.issues import Issue, display
from vignettes.text import word_key

# From the declaration of the fields (`vignettes.fields`): the content, then the workflow.
REQUIRED = tuple(spec.name for spec in SPECS if spec.required)
# Every field a file may carry: the ref, the content, then the workflow.
FIELDS = tuple(spec.name for spec in (*SPECS, *WORKFLOW))
# Fields where a column that is nearly, but not exactly, the field must not be ignored:
# ignoring it would quietly drop a rule that protects people.
PROTECTIVE = ("contains_patient_data",)
# The other names people give each field's column.
ALIASES: Mapping[str, tuple[str, ...]] = {
    spec.name: spec.aliases for spec in (*SPECS, *WORKFLOW) if spec.aliases
}


def builtin_names() -> dict[str, str]:
    """word_key → field, for the field names and their documented aliases."""
    names = {word_key(name): name for name in FIELDS}
    for name, aliases in ALIASES.items():
        for alias in aliases:
            names[word_key(alias)] = name
    return names


_BUILTIN = builtin_names()


@dataclass(frozen=True)
class ColumnRules:
    """How this installation's files name their columns: `local` maps a header (any case
    or punctuation) to a field, and wins over the built-in aliases."""

    local: Mapping[str, str] = field(default_factory=dict)

    def names(self) -> dict[str, str]:
        return {**_BUILTIN, **{word_key(k): v for k, v in self.local.items()}}


def column_letter(index: int) -> str:
    """1 → A, 27 → AA: how a spreadsheet names column `index`."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass
class Header:
    """A header row resolved: `fields[i]` is the field column i+1 holds, or None."""

    fields: list[str | None]
    problems: list[Issue]
    warnings: list[Issue]

    @property
    def present(self) -> set[str]:
        return {f for f in self.fields if f}


class Resolver:
    """Maps names to fields for one file, remembering what it has already reported so each
    unknown name is warned about once, however many rows use it."""

    def __init__(self, source: str, rules: ColumnRules) -> None:
        self.source = source
        self.names = rules.names()
        self._cache: dict[str, str | None] = {}
        self.warned: set[str] = set()
        self.problems: list[Issue] = []
        self.warnings: list[Issue] = []

    def field_for(self, name: str, row: int, where: str = "") -> str | None:
        """The field `name` holds, or None (reported the first time it is seen)."""
        if name in self._cache:
            return self._cache[name]
        key = word_key(name)
        found = self.names.get(key) if key else None
        self._cache[name] = found
        if found is None and name.strip() and name not in self.warned:
            self.warned.add(name)
            self._unknown(name, key, row, where)
        return found

    def _unknown(self, name: str, key: str, row: int, where: str) -> None:
        close = difflib.get_close_matches(key[:100], list(self.names), n=1, cutoff=0.75)
        nearest = self.names[close[0]] if close else None
        shown = display(name)
        if nearest in PROTECTIVE:
            self.problems.append(
                Issue(
                    self.source,
                    row,
                    "",
                    shown,
                    f"{where}looks like {nearest} but is not named so; name it "
                    f"{nearest} (or map it in [import.columns]) so the rule is applied",
                )
            )
            return
        hint = f" (did you mean {nearest!r}?)" if nearest else ""
        self.warnings.append(
            Issue(self.source, row, "", shown, f"{where}ignored: not a field{hint}")
        )


def resolve_header(source: str, cells: Sequence[Any], rules: ColumnRules) -> Header:
    """Resolve a header row (row 1). Problems: a repeated name, two columns for one field,
    no column for a required field. Warnings: columns that map to no field."""
    resolver = Resolver(source, rules)
    names = [str(h).strip() if h is not None else "" for h in cells]
    fields: list[str | None] = []
    problems: list[Issue] = []
    first_name: dict[str, int] = {}
    first_field: dict[str, int] = {}
    for index, name in enumerate(names, start=1):
        letter = column_letter(index)
        if not name:
            fields.append(None)
            continue
        if name in first_name:
            problems.append(
                Issue(
                    source,
                    1,
                    "",
                    name,
                    f"column {letter} repeats the name of column "
                    f"{column_letter(first_name[name])}; each field may appear once",
                )
            )
            fields.append(None)
            continue
        first_name[name] = index
        found = resolver.field_for(name, 1, f"column {letter}: ")
        if found is not None and found in first_field:
            other = first_field[found]
            problems.append(
                Issue(
                    source,
                    1,
                    "",
                    found,
                    f"columns {column_letter(other)} ({display(names[other - 1])!r}) and "
                    f"{letter} ({display(name)!r}) both hold this field; keep one",
                )
            )
            found = None
        elif found is not None:
            first_field[found] = index
        fields.append(found)
    present = set(first_field)
    for name in REQUIRED:
        if name not in present:
            problems.append(Issue(source, 1, "", name, "no column holds this required field"))
    return Header(fields, problems + resolver.problems, resolver.warnings)
