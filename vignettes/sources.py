"""Reading import files (JSON, CSV, XLSX) into numbered raw records.

ROW numbers are what a person sees: the spreadsheet row (the header is row 1), or the item
number in a JSON list. Unreadable files raise ImportRejected saying what is wrong.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from vignettes.errors import ImportRejected

MAX_FILE_BYTES = 50 * 1024 * 1024


def read_rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(row number, raw mapping) for each record; raises ImportRejected if unreadable."""
    source = str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImportRejected(source, [f"{source}: cannot read: {exc.strerror}"]) from exc
    if size > MAX_FILE_BYTES:
        raise ImportRejected(source, [f"{source}: file is {size} bytes, the limit is 50 MB"])
    suffix = path.suffix.lower()
    if suffix == ".json":
        return _read_json(path)
    if suffix == ".csv":
        return _read_csv(path)
    if suffix == ".xlsx":
        return _read_xlsx(path)
    raise ImportRejected(
        source, [f"{source}: unknown format {suffix or '(none)'!r}; use .json, .csv or .xlsx"]
    )


def _read_json(path: Path) -> list[tuple[int, dict[str, Any]]]:
    source = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ImportRejected(source, [f"{source}: not UTF-8 text ({exc.reason})"]) from exc
    except json.JSONDecodeError as exc:
        raise ImportRejected(
            source, [f"{source}:{exc.lineno} not valid JSON: {exc.msg} (column {exc.colno})"]
        ) from exc
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


def _read_csv(path: Path) -> list[tuple[int, dict[str, Any]]]:
    source = str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRejected(
            source, [f"{source}: not UTF-8 text (byte {exc.start}); save the CSV as UTF-8"]
        ) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ImportRejected(source, [f"{source}: the file is empty"]) from None
    rows: list[tuple[int, dict[str, Any]]] = []
    problems = []
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header):
            problems.append(
                f"{source}:{number} - row: {len(cells)} cells but the header has {len(header)}"
            )
            continue
        rows.append((number, {h: c for h, c in zip(header, cells, strict=False) if h}))
    if problems:
        raise ImportRejected(source, problems)
    return rows


def _read_xlsx(path: Path) -> list[tuple[int, dict[str, Any]]]:
    from openpyxl import load_workbook

    source = str(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise ImportRejected(source, [f"{source}: not a readable .xlsx workbook ({exc})"]) from exc
    try:
        sheet = book["case_studies"] if "case_studies" in book.sheetnames else book.worksheets[0]
        values: Iterator[tuple[Any, ...]] = sheet.iter_rows(values_only=True)
        header_row = next(values, None)
        if header_row is None:
            raise ImportRejected(source, [f"{source}: the first sheet is empty"])
        header = [str(h).strip() if h is not None else "" for h in header_row]
        rows = []
        for number, cells in enumerate(values, start=2):
            if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
                continue
            rows.append((number, {h: c for h, c in zip(header, cells, strict=False) if h}))
        return rows
    finally:
        book.close()
