"""Reading import files (JSON, CSV, XLSX) into numbered raw records.

ROW numbers are what a person sees: the spreadsheet row (the header is row 1), or the item
number in a JSON list. Unreadable files, and headers that would lose data (a blank or
repeated column name, cells beyond the header), raise ImportRejected saying what is wrong
and where. A spreadsheet cell that cannot be taken at face value (an error such as `#N/A`,
a number too long to be exact) becomes a `CellProblem`, which validation reports with the
row's other problems.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vignettes.errors import ImportRejected

MAX_FILE_BYTES = 50 * 1024 * 1024
# No field is anywhere near this long; validation enforces the real limits with a row number.
MAX_JSON_INT_DIGITS = 1000
# Spreadsheet numbers are doubles: beyond 2**53 the digits shown are not the digits typed.
MAX_EXACT_NUMBER = 2**53

Rows = list[tuple[int, dict[str, Any]]]


@dataclass(frozen=True)
class CellProblem:
    """A cell whose value must not be used; `reason` completes `FILE:ROW ref field: `."""

    reason: str


def read_rows(path: Path) -> Rows:
    """(row number, raw mapping) for each record; raises ImportRejected if unreadable."""
    source = str(path)
    try:
        if path.is_dir():
            raise ImportRejected(source, [f"{source}: is a folder, not a file"])
        size = path.stat().st_size
    except OSError as exc:
        raise ImportRejected(source, [f"{source}: cannot read: {exc.strerror}"]) from exc
    if size > MAX_FILE_BYTES:
        raise ImportRejected(source, [f"{source}: file is {size} bytes, the limit is 50 MB"])
    suffix = path.suffix.lower()
    readers = {".json": _read_json, ".csv": _read_csv, ".xlsx": _read_xlsx}
    if suffix not in readers:
        raise ImportRejected(
            source, [f"{source}: unknown format {suffix or '(none)'!r}; use .json, .csv or .xlsx"]
        )
    try:
        return readers[suffix](path)
    except OSError as exc:  # vanished, unreadable or a device between stat() and read
        raise ImportRejected(source, [f"{source}: cannot read: {exc.strerror or exc}"]) from exc


def column_letter(index: int) -> str:
    """1 → A, 27 → AA: how a spreadsheet names column `index`."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _parse_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_JSON_INT_DIGITS:
        raise ValueError(f"a number has {len(digits)} digits")
    return int(digits)


def _read_json(path: Path) -> Rows:
    source = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"), parse_int=_parse_int)
    except UnicodeDecodeError as exc:
        raise ImportRejected(source, [f"{source}: not UTF-8 text ({exc.reason})"]) from exc
    except json.JSONDecodeError as exc:
        raise ImportRejected(
            source, [f"{source}:{exc.lineno} not valid JSON: {exc.msg} (column {exc.colno})"]
        ) from exc
    except ValueError as exc:  # from _parse_int
        raise ImportRejected(
            source, [f"{source}: not usable JSON: {exc}; no field needs that many"]
        ) from exc
    except RecursionError:
        raise ImportRejected(
            source, [f"{source}: not usable JSON: lists or objects are nested too deeply"]
        ) from None
    if isinstance(data, dict) and "case_studies" in data:
        data = data["case_studies"]
    if not isinstance(data, list):
        raise ImportRejected(
            source, [f'{source}: expected a list of case studies or {{"case_studies": [...]}}']
        )
    rows = []
    problems = []
    for index, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            problems.append(
                f"{source}:{index} - row: expected an object, got {type(item).__name__}"
            )
            continue
        rows.append((index, item))
    if problems:
        raise ImportRejected(source, problems)
    return rows


def _header(source: str, cells: Sequence[Any]) -> tuple[list[str], list[str]]:
    """Column names, and the problems that would silently drop or overwrite data."""
    names = [str(h).strip() if h is not None else "" for h in cells]
    problems = []
    first: dict[str, int] = {}
    for index, name in enumerate(names, start=1):
        if not name:
            continue
        if name in first:
            problems.append(
                f"{source}:1 - {name}: column {column_letter(index)} repeats the name of "
                f"column {column_letter(first[name])}; each field may appear once"
            )
        else:
            first[name] = index
    return names, problems


def _unnamed_cells(source: str, number: int, header: list[str], cells: Sequence[Any]) -> list[str]:
    """Problems for data in a column with no name (or beyond the last named one)."""
    return [
        f"{source}:{number} - column {column_letter(index)}: has data but no column name in "
        "the header row"
        for index, value in enumerate(cells, start=1)
        if (index > len(header) or not header[index - 1]) and not _blank_text(value)
    ]


def _blank_text(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_csv(path: Path) -> Rows:
    source = str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRejected(
            source, [f"{source}: not UTF-8 text (byte {exc.start}); save the CSV as UTF-8"]
        ) from exc
    # The default 128 KiB cell limit would be a traceback; validation rejects long values
    # with a row and field, and the file size limit bounds any cell.
    if csv.field_size_limit() < MAX_FILE_BYTES:
        csv.field_size_limit(MAX_FILE_BYTES)
    reader = csv.reader(io.StringIO(text, newline=""))
    number = 0  # the last row read; an error is in the next one
    try:
        first = next(reader, None)
        if first is None:
            raise ImportRejected(source, [f"{source}: the file is empty"])
        number = 1
        header, problems = _header(source, first)
        rows: Rows = []
        for number, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(header):
                problems.append(
                    f"{source}:{number} - row: {len(cells)} cells but the header has {len(header)}"
                )
                continue
            problems += _unnamed_cells(source, number, header, cells)
            rows.append((number, {h: c for h, c in zip(header, cells, strict=False) if h}))
    except csv.Error as exc:
        problem = f"{source}:{number + 1} - row: not valid CSV: {exc}"
        raise ImportRejected(source, [problem]) from exc
    if problems:
        raise ImportRejected(source, problems)
    return rows


def _cell_value(cell: Any) -> Any:
    value = cell.value
    if cell.data_type == "e":
        return CellProblem(f"is the spreadsheet error {value}; put the real value in the cell")
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and abs(value) >= MAX_EXACT_NUMBER
    ):
        return CellProblem(
            f"is the number {value!r}, too long for a spreadsheet to keep every digit; "
            "format the column as Text and type it again"
        )
    return value


def _read_xlsx(path: Path) -> Rows:
    from openpyxl import load_workbook

    source = str(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise ImportRejected(source, [f"{source}: not a readable .xlsx workbook ({exc})"]) from exc
    try:
        if "case_studies" in book.sheetnames:
            sheet = book["case_studies"]
        elif book.worksheets:
            sheet = book.worksheets[0]
        else:
            raise ImportRejected(source, [f"{source}: the workbook has no worksheet"])
        number = 0  # the last row read; an error is in the next one
        try:
            lines: Iterable[tuple[Any, ...]] = sheet.iter_rows()
            iterator = iter(lines)
            header_row = next(iterator, None)
            if header_row is None:
                raise ImportRejected(source, [f"{source}: sheet {sheet.title!r} is empty"])
            number = 1
            header, problems = _header(source, [c.value for c in header_row])
            rows: Rows = []
            for number, cells in enumerate(iterator, start=2):
                values = [_cell_value(c) for c in cells]
                if all(_blank_text(v) for v in values):
                    continue
                problems += _unnamed_cells(source, number, header, values)
                rows.append((number, {h: v for h, v in zip(header, values, strict=False) if h}))
        except ImportRejected:
            raise
        except Exception as exc:  # a damaged sheet fails inside openpyxl's lazy reader
            raise ImportRejected(
                source,
                [
                    f"{source}:{number + 1} - row: sheet {sheet.title!r} is damaged and cannot "
                    f"be read ({type(exc).__name__}: {exc})"
                ],
            ) from exc
    finally:
        book.close()
    if problems:
        raise ImportRejected(source, problems)
    return rows
