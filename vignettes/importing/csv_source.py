"""CSV (UTF-8, header row), parsed strictly: a file the csv module would read "somehow" is
refused instead, naming the line, because its somehow loses or merges rows.

Refused: a quote that is never closed, a quote inside a field that was not quoted, text
after a closing quote, and a row whose number of cells differs from the header's.
"""

from __future__ import annotations

import csv
import io
import re

from vignettes.errors import ImportRejected
from vignettes.importing.columns import ColumnRules
from vignettes.importing.issues import Issue, file_issue
from vignettes.importing.tables import Grid, SourceRows

# A quoted field (quotes inside doubled), or a quote that opens one never closed.
_QUOTED = re.compile(r'"(?:[^"]|"")*"|"')
_FIELD_EDGES = {",", "\n", "\r"}
_MAX_CELL = 50 * 1024 * 1024  # the file size limit bounds any cell


def _quote_problem(source: str, text: str) -> Issue | None:
    """The first quoting mistake in `text`, naming its row and line; None if none."""
    newline = "\n" if "\n" in text else "\r"
    line = 1  # the physical line at `last`
    inside = 0  # line breaks inside quoted fields so far (a row spans them)
    last = 0
    for match in _QUOTED.finditer(text):
        start, end = match.span()
        line += text.count(newline, last, start)
        last = start
        row = line - inside
        opens_field = start == 0 or text[start - 1] in _FIELD_EDGES
        if match.group() == '"':
            reason = (
                "a quote opens a field and is never closed"
                if opens_field
                else "a quote inside a field that is not in quotes"
            )
        elif not opens_field:
            reason = "a quote inside a field that is not in quotes"
        elif end < len(text) and text[end] not in _FIELD_EDGES:
            reason = "text after the closing quote of a field"
        else:
            breaks = match.group().count(newline)
            inside += breaks
            line += breaks
            last = end
            continue
        return Issue(
            source,
            row,
            "",
            "row",
            f"not valid CSV: {reason} (line {line}); put the whole field in quotes and "
            'double any quote inside it ("")',
        )
    return None


def read_csv(source: str, data: bytes, rules: ColumnRules) -> SourceRows:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRejected(
            source,
            [file_issue(source, f"not UTF-8 text (byte {exc.start}); save the CSV as UTF-8")],
        ) from exc
    if '"' in text and (problem := _quote_problem(source, text)) is not None:
        raise ImportRejected(source, [problem])
    # The default 128 KiB cell limit would be a traceback; validation rejects long values
    # with a row and field.
    if csv.field_size_limit() < _MAX_CELL:
        csv.field_size_limit(_MAX_CELL)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    number = 0  # the last row read; an error is in the next one
    try:
        first = next(reader, None)
        if first is None:
            raise ImportRejected(source, [file_issue(source, "the file is empty")])
        number = 1
        grid = Grid(source, first, rules)
        width = len(first)
        for number, cells in enumerate(reader, start=2):
            if not cells or (len(cells) != width and not any(c.strip() for c in cells)):
                continue  # a blank line
            if len(cells) != width:
                grid.problems.append(
                    Issue(
                        source,
                        number,
                        "",
                        "row",
                        f"has {len(cells)} cells but the header has {width} "
                        f"(line {reader.line_num})",
                    )
                )
                continue
            if not any(cells) or not any(c.strip() for c in cells):
                continue
            grid.add(number, cells)
    except csv.Error as exc:  # the checks above should leave nothing for csv to refuse
        raise ImportRejected(
            source, [Issue(source, number + 1, "", "row", f"not valid CSV: {exc}")]
        ) from exc
    return grid.result()
