"""`[import]`: how this installation's files name their columns, and the impact-category
vocabulary (default: `vignettes.categories.DEFAULT_CATEGORIES`)."""

from __future__ import annotations

from typing import Any

from scheduler.config.model import ImportConfig
from scheduler.config.reader import Reader
from vignettes.categories import DEFAULT_CATEGORIES, Category, vocabulary
from vignettes.importing.columns import FIELDS, ColumnRules


def _string_table(reader: Reader, key: str) -> dict[str, str]:
    """A table of string → string (`[import.columns]`, `[import.category_aliases]`)."""
    table = reader.table(key)
    values: dict[str, str] = {}
    for name, value in table.data.items():
        table.seen.add(name)
        if not isinstance(value, str):
            table.problem(name, f"must be a string, got {value!r}")
        else:
            values[name] = value
    return values


def _categories(reader: Reader) -> list[Category] | None:
    """`[[import.categories]]`, or None when the default vocabulary is kept."""
    reader.seen.add("categories")
    raw: Any = reader.data.get("categories")
    if raw is None:
        return None
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        reader.problem("categories", "must be an array of tables ([[import.categories]])")
        return None
    found = []
    for index, item in enumerate(raw, start=1):
        entry = Reader(item, f"import.categories[{index}]", reader.problems)
        code = entry.get("code", str, "")
        label = entry.get("label", str, "")
        aliases = entry.strings("aliases", ())
        entry.finish()
        if not code or not label:
            entry.problem("code", "each category needs a code and a label")
            continue
        found.append(Category(code, label, aliases))
    return found


def read_import(root: Reader) -> ImportConfig:
    imp = root.table("import")
    columns = _string_table(imp, "columns")
    for header, name in columns.items():
        if name not in FIELDS:
            imp.problem(
                f"columns.{header}", f"{name!r} is not a field (fields: {', '.join(FIELDS)})"
            )
    aliases = _string_table(imp, "category_aliases")
    categories = _categories(imp)
    vocab, problems = vocabulary(DEFAULT_CATEGORIES if categories is None else categories, aliases)
    root.problems.extend(f"import.categories: {p}" for p in problems)
    imp.finish()
    return ImportConfig(columns=ColumnRules(columns), vocabulary=vocab)
