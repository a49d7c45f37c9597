"""Reading import files (JSON, CSV, XLSX) into numbered rows keyed by field.

ROW numbers are what a person sees: the spreadsheet row (the header is row 1), or the item
number in a JSON list. Only regular files are read (never a FIFO, a device or a symlink to
one, which could hang or feed the import without end), and never more than the size limit.
Unreadable files raise ImportRejected saying what is wrong and where; header problems (a
repeated column, two columns for one field, a required field without a column, data under
no header) come back once for the file, with the rows, so validation can report them
together. A spreadsheet cell that cannot be taken at face value becomes a `CellProblem`.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from vignettes.errors import ImportRejected
from vignettes.importing.columns import ColumnRules, Resolver
from vignettes.importing.issues import Issue, display, file_issue
from vignettes.importing.tables import CellProblem, Rows, SourceRows

__all__ = ["MAX_FILE_BYTES", "CellProblem", "SourceRows", "read_file_bytes", "read_rows"]

MAX_FILE_BYTES = 50 * 1024 * 1024
# No field is anywhere near this long; validation enforces the real limits with a row number.
MAX_JSON_INT_DIGITS = 1000

_KINDS = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def _refuse(source: str, reason: str) -> ImportRejected:
    return ImportRejected(source, [file_issue(source, reason)])


def _not_regular(source: str, mode: int) -> ImportRejected:
    if stat.S_ISDIR(mode):
        return _refuse(source, "is a folder, not a file")
    kind = _KINDS.get(stat.S_IFMT(mode), "not a regular file")
    return _refuse(source, f"is {kind}, not a regular file; only regular files are imported")


def read_file_bytes(path: Path, source: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of `path`, a regular file (symlinks followed) of at most `limit` bytes.
    Checked before opening, and again on the open file (it could have been swapped), and
    the read itself stops at the limit. Raises ImportRejected."""
    try:
        before = os.stat(path)
    except OSError as exc:
        raise _refuse(source, f"cannot read: {exc.strerror}") from exc
    if not stat.S_ISREG(before.st_mode):
        raise _not_regular(source, before.st_mode)
    if before.st_size > limit:
        raise _refuse(source, f"file is {before.st_size} bytes, the limit is {limit // 2**20} MB")
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise _refuse(source, f"cannot read: {exc.strerror}") from exc
    with os.fdopen(fd, "rb", buffering=0) as fh:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode):
            raise _not_regular(source, opened.st_mode)
        try:
            chunks = []
            left = limit + 1
            while left > 0 and (chunk := fh.read(min(left, 1 << 22))):
                chunks.append(chunk)
                left -= len(chunk)
        except OSError as exc:
            raise _refuse(source, f"cannot read: {exc.strerror or exc}") from exc
    data = b"".join(chunks)
    if len(data) > limit:
        raise _refuse(source, f"file grew beyond the limit of {limit // 2**20} MB while read")
    return data


def read_rows(
    path: Path, rules: ColumnRules | None = None, source: str | None = None
) -> SourceRows:
    """Rows keyed by field, with the header's problems and warnings; raises
    ImportRejected if the file cannot be read at all."""
    from vignettes.importing.csv_source import read_csv
    from vignettes.importing.xlsx_source import read_xlsx

    source = source or str(path)
    rules = rules or ColumnRules()
    suffix = path.suffix.lower()
    readers = {".json": _read_json, ".csv": read_csv, ".xlsx": read_xlsx}
    if suffix not in readers:
        raise _refuse(source, f"unknown format {suffix or '(none)'!r}; use .json, .csv or .xlsx")
    data = read_file_bytes(path, source)
    return readers[suffix](source, data, rules)


def _parse_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_JSON_INT_DIGITS:
        raise ValueError(f"a number has {len(digits)} digits")
    return int(digits)


def _read_json(source: str, data: bytes, rules: ColumnRules) -> SourceRows:
    try:
        parsed = json.loads(data.decode("utf-8-sig"), parse_int=_parse_int)
    except UnicodeDecodeError as exc:
        raise _refuse(source, f"not UTF-8 text ({exc.reason})") from exc
    except json.JSONDecodeError as exc:
        raise ImportRejected(
            source,
            [Issue(source, exc.lineno, "", "", f"not valid JSON: {exc.msg} (column {exc.colno})")],
        ) from exc
    except ValueError as exc:  # from _parse_int
        raise _refuse(source, f"not usable JSON: {exc}; no field needs that many") from exc
    except RecursionError:
        raise _refuse(source, "not usable JSON: lists or objects are nested too deeply") from None
    if isinstance(parsed, dict) and "case_studies" in parsed:
        parsed = parsed["case_studies"]
    if not isinstance(parsed, list):
        raise _refuse(source, 'expected a list of case studies or {"case_studies": [...]}')
    resolver = Resolver(source, rules)
    rows: Rows = []
    problems = []
    written: dict[str, str] = {}  # each field's key as the file first wrote it
    for index, item in enumerate(parsed, start=1):
        if not isinstance(item, dict):
            problems.append(
                Issue(source, index, "", "row", f"expected an object, got {type(item).__name__}")
            )
            continue
        record: dict[str, Any] = {}
        holder: dict[str, str] = {}
        for key, value in item.items():
            name = resolver.field_for(key, index)
            if name is None:
                continue
            if name in record:
                problems.append(
                    Issue(
                        source,
                        index,
                        "",
                        name,
                        f"given twice, as {display(holder[name])!r} and {display(key)!r}; keep one",
                    )
                )
                continue
            record[name] = value
            holder[name] = key
            written.setdefault(name, key)
        rows.append((index, record))
    return SourceRows(rows, problems + resolver.problems, resolver.warnings, columns=written)
