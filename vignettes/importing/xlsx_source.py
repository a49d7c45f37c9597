"""XLSX workbooks, read in streaming (read-only) mode within bounds.

A workbook is refused before it is loaded when it would expand beyond 200 MB, or its sheet
says it has more than 100,000 rows or 200 columns (and reading stops there if the sheet
said less than it holds). The sheet read is the one named like "case studies", else the
first whose header row has a ref column; when none has, the message names every sheet it
looked at. A formula whose result was never saved (a file written by a program, not by
Excel) is a problem naming the cell, never a silent blank.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any
from xml.etree import ElementTree

from vignettes.errors import ImportRejected
from vignettes.importing.columns import ColumnRules, column_letter, resolve_header
from vignettes.importing.issues import Issue, display, file_issue
from vignettes.importing.tables import CellProblem, Grid, SourceRows, blank
from vignettes.text import word_key

MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_ROWS = 100_000
MAX_COLUMNS = 200
# Spreadsheet numbers are doubles: beyond 2**53 the digits shown are not the digits typed.
MAX_EXACT_NUMBER = 2**53
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _refuse(source: str, reason: str) -> ImportRejected:
    return ImportRejected(source, [file_issue(source, reason)])


def _check_expansion(source: str, data: bytes) -> None:
    """Refuse a workbook that would expand beyond the limit: by what its directory says,
    then by what its parts really inflate to (a directory can lie)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise _refuse(source, f"not a readable .xlsx workbook ({exc})") from exc
    limit = MAX_UNCOMPRESSED_BYTES
    with archive:
        declared = sum(info.file_size for info in archive.infolist())
        if declared > limit:
            raise _refuse(
                source,
                f"the workbook expands to {declared:,} bytes, more than the "
                f"{limit // 2**20} MB an import may hold",
            )
        total = 0
        try:
            for info in archive.infolist():
                with archive.open(info) as part:
                    while chunk := part.read(1 << 20):
                        total += len(chunk)
                        if total > limit:
                            raise _refuse(
                                source,
                                f"the workbook expands to more than {limit // 2**20} MB "
                                "(more than its directory says)",
                            )
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise _refuse(source, f"not a readable .xlsx workbook ({exc})") from exc


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


def _formulas_without_values(book: Any, sheet: Any) -> dict[int, list[int]]:
    """Row → columns of the formula cells whose result was never saved."""
    # openpyxl's read-only sheet knows its part but offers no public name for it.
    path = getattr(sheet, "_worksheet_path", None)
    if path is None:
        return {}
    with book._archive.open(path) as part:
        xml = part.read()
    if b"<f" not in xml and b":f" not in xml:
        return {}
    found: dict[int, list[int]] = {}
    for _event, element in ElementTree.iterparse(io.BytesIO(xml)):
        if element.tag != f"{_MAIN}c":
            continue
        if element.find(f"{_MAIN}f") is not None and not element.findtext(f"{_MAIN}v"):
            ref = element.get("r", "")
            letters = "".join(c for c in ref if c.isalpha())
            digits = "".join(c for c in ref if c.isdigit())
            if letters and digits:
                column = 0
                for c in letters.upper():
                    column = column * 26 + ord(c) - 64
                found.setdefault(int(digits), []).append(column)
        element.clear()
    return found


def _rows(source: str, sheet: Any) -> Iterator[tuple[Any, ...]]:
    """The sheet's rows as cells, refusing one with too many rows or columns."""
    for count, cells in enumerate(sheet.iter_rows(), start=1):
        if count > MAX_ROWS:
            raise _refuse(
                source, f"sheet {sheet.title!r} has more than {MAX_ROWS:,} rows; split the file"
            )
        if len(cells) > MAX_COLUMNS and any(not blank(c.value) for c in cells[MAX_COLUMNS:]):
            raise _refuse(
                source,
                f"sheet {sheet.title!r} row {count} has cells beyond column "
                f"{column_letter(MAX_COLUMNS)}; an import may have {MAX_COLUMNS} columns",
            )
        yield cells[:MAX_COLUMNS]


def _check_size(source: str, sheet: Any) -> None:
    rows, columns = sheet.max_row or 0, sheet.max_column or 0
    if rows > MAX_ROWS or columns > MAX_COLUMNS:
        raise _refuse(
            source,
            f"sheet {sheet.title!r} says it has {rows:,} rows and {columns:,} columns; an "
            f"import may have {MAX_ROWS:,} rows and {MAX_COLUMNS} columns",
        )


def _choose(source: str, book: Any, rules: ColumnRules) -> Any:
    """The sheet that holds the case studies; raises ImportRejected naming those looked at."""
    sheets = list(book.worksheets)
    if not sheets:
        raise _refuse(source, "the workbook has no worksheet")
    for sheet in sheets:
        if word_key(sheet.title) == "casestudies":
            return sheet
    looked = []
    for sheet in sheets:
        _check_size(source, sheet)
        header = next(sheet.iter_rows(max_row=1, max_col=MAX_COLUMNS, values_only=True), None)
        if header is None or all(blank(v) for v in header):
            looked.append(f"{sheet.title!r} (empty)")
            continue
        if "ref" in resolve_header(source, header, rules).present:
            return sheet
        names = ", ".join(display(str(v), 30) for v in header if not blank(v))
        looked.append(f"{sheet.title!r} (columns: {display(names, 120)})")
    raise _refuse(
        source,
        "no sheet holds case studies (a header row with a ref column, or a sheet named "
        f"'case_studies'); looked at {'; '.join(looked)}",
    )


def read_xlsx(source: str, data: bytes, rules: ColumnRules) -> SourceRows:
    from openpyxl import load_workbook

    _check_expansion(source, data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise _refuse(source, f"not a readable .xlsx workbook ({exc})") from exc
    try:
        sheet = _choose(source, book, rules)
        _check_size(source, sheet)
        number = 0  # the last row read; an error is in the next one
        try:
            unsaved = _formulas_without_values(book, sheet)
            iterator = _rows(source, sheet)
            header_row = next(iterator, None)
            if header_row is None:
                raise _refuse(source, f"sheet {sheet.title!r} is empty")
            number = 1
            grid = Grid(source, [c.value for c in header_row], rules)
            for number, cells in enumerate(iterator, start=2):
                values = [_cell_value(c) for c in cells]
                for column in unsaved.get(number, ()):
                    if column <= len(values):
                        values[column - 1] = CellProblem(
                            f"cell {column_letter(column)}{number} holds a formula whose "
                            "result was never saved; open the file in a spreadsheet, let it "
                            "calculate and save it again (or paste the values)"
                        )
                if all(blank(v) for v in values):
                    continue
                grid.add(number, values)
        except ImportRejected:
            raise
        except Exception as exc:  # a damaged sheet fails inside openpyxl's lazy reader
            raise ImportRejected(
                source,
                [
                    Issue(
                        source,
                        number + 1,
                        "",
                        "row",
                        f"sheet {sheet.title!r} is damaged and cannot be read "
                        f"({type(exc).__name__}: {exc})",
                    )
                ],
            ) from exc
    finally:
        book.close()
    return grid.result()
