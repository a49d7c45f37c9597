"""CSV (UTF-8, header row), parsed strictly: a file the csv module would read "somehow" is
refused instead, naming the line, because its somehow loses or merges rows.

Refused: a quote that is never closed, a quote inside a field that was not quoted, text
after a closing quote, and a row whose number of cells differs from the header's. A stray
quote that takes the following rows into one cell is named with the line it opens on and
the line it is closed on.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from vignettes.errors import ImportRejected
from vignettes.importing.columns import ColumnRules
from vignettes.importing.issues import Issue, file_issue
from vignettes.importing.tables import Grid, SourceRows

# A quoted field (quotes inside doubled), or a quote that opens one never closed.
_QUOTED = re.compile(r'"(?:[^"]|"")*"|"')
_FIELD_EDGES = {",", "\n", "\r"}
_MAX_CELL = 50 * 1024 * 1024  # the file size limit bounds any cell


@dataclass
class _Quoting:
    """What a scan of the quotes found: every mistake, and each quoted field that runs
    over several lines (the line its quote opens on, the line it closes on)."""

    problems: list[Issue] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)

    def span_within(self, first: int, last: int) -> tuple[int, int] | None:
        """The first multi-line quoted field that opens on a line from `first` to `last`."""
        return next((s for s in self.spans if first <= s[0] <= last), None)


def _swallowed(opened: int, closed: int) -> str:
    return (
        f"a quote opened on line {opened} is only closed on line {closed}, so lines "
        f"{opened}–{closed} are read as one cell"
    )


def _scan_quotes(source: str, text: str) -> _Quoting:
    """Every quoting mistake in `text`, each naming its row and line(s). After a mistake
    the scan goes on as if the offending quote were a plain character, so one stray quote
    is one problem and every other one is found in the same round."""
    newline = "\n" if "\n" in text else "\r"
    found = _Quoting()
    line = 1  # the physical line at `pos`
    inside = 0  # line breaks inside quoted fields so far (a row spans them)
    pos = 0
    while (match := _QUOTED.search(text, pos)) is not None:
        start, end = match.span()
        line += text.count(newline, pos, start)
        pos = start
        row = line - inside
        opens_field = start == 0 or text[start - 1] in _FIELD_EDGES
        breaks = match.group().count(newline)
        resume = start + 1
        where = f" (line {line})"
        if match.group() == '"':
            reason = (
                "a quote opens a field and is never closed"
                if opens_field
                else "a quote inside a field that is not in quotes"
            )
        elif not opens_field:
            reason = "a quote inside a field that is not in quotes"
            resume = _field_end(text, start)
        elif end < len(text) and text[end] not in _FIELD_EDGES:
            reason = "text after the closing quote of a field"
            if breaks:
                reason = f"{_swallowed(line, line + breaks)}, and text follows its closing quote"
                where = ""
            else:
                resume = _field_end(text, end)
        else:
            if breaks:
                found.spans.append((line, line + breaks))
            inside += breaks
            line += breaks
            pos = end
            continue
        found.problems.append(
            Issue(
                source,
                row,
                "",
                "row",
                f"not valid CSV: {reason}{where}; put the whole field in quotes and double "
                'any quote inside it ("")',
            )
        )
        line += text.count(newline, start, resume)
        pos = resume
    return found


def _field_end(text: str, start: int) -> int:
    """Where the unquoted field around `start` ends (its comma or line break)."""
    ends = [i for i in (text.find(c, start) for c in _FIELD_EDGES) if i >= 0]
    return min(ends, default=len(text))


def read_csv(source: str, data: bytes, rules: ColumnRules) -> SourceRows:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRejected(
            source,
            [file_issue(source, f"not UTF-8 text (byte {exc.start}); save the CSV as UTF-8")],
        ) from exc
    quoting = _scan_quotes(source, text) if '"' in text else _Quoting()
    if quoting.problems:
        raise ImportRejected(source, quoting.problems)
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
        last_line = reader.line_num
        for number, cells in enumerate(reader, start=2):
            first_line, last_line = last_line + 1, reader.line_num
            if not cells or (len(cells) != width and not any(c.strip() for c in cells)):
                continue  # a blank line
            if len(cells) != width:
                span = quoting.span_within(first_line, last_line)
                why = f": {_swallowed(*span)}" if span else f" (line {last_line})"
                grid.problems.append(
                    Issue(
                        source,
                        number,
                        "",
                        "row",
                        f"has {len(cells)} cells but the header has {width}{why}",
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
