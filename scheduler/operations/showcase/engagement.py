"""The engagement report: per vignette and platform the latest figures and their change,
with the platform-level waits and refusals; also as a CSV and a chart."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from scheduler.engagement.figures import PLATFORM_NAMES
from scheduler.engagement.report import (
    PostEngagement,
    format_count,
    load,
    platform_states,
    report_json,
)
from scheduler.operations.context import Workspace

__all__ = [
    "PLATFORM_NAMES",
    "EngagementReport",
    "PostEngagement",
    "csv_text",
    "engagement_report",
    "format_count",
    "write_chart",
    "write_csv",
]


@dataclass(frozen=True)
class EngagementReport:
    entries: tuple[PostEngagement, ...]
    platforms: dict[str, dict[str, Any]]

    @property
    def has_figures(self) -> bool:
        """Whether any post has a snapshot, i.e. whether `write_chart` would draw one."""
        from scheduler.engagement.chart import has_engagement

        return has_engagement(self.entries)

    def to_json(self) -> dict[str, Any]:
        return report_json(self.entries, self.platforms)


def engagement_report(
    ws: Workspace, *, since: str | None = None, platform: str | None = None
) -> EngagementReport:
    """Every posted vignette from month `since` on (and on `platform`, if given)."""
    entries = load(ws.store, since=since, platform=platform)
    with ws.store.read() as session:
        states = platform_states(session)
    if platform:
        states = {k: v for k, v in states.items() if k == platform}
    return EngagementReport(tuple(entries), states)


def write_csv(report: EngagementReport, path: str | os.PathLike[str]) -> int:
    """One row per snapshot; returns the number of rows. Raises ReportWriteError."""
    from scheduler.engagement.report_files import write_csv as write

    return write(report.entries, path)


def csv_text(report: EngagementReport) -> str:
    """The CSV `write_csv` writes, as text (for a download): the same header, rows and
    spreadsheet-safe cells."""
    import csv
    import io

    from scheduler.engagement.report_files import CSV_COLUMNS, csv_rows

    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_rows(report.entries))
    return out.getvalue()


def write_chart(report: EngagementReport, path: str | os.PathLike[str]) -> bool:
    """The 1200 x 1000 PNG chart; False (nothing written) when no engagement is recorded
    yet. Raises ReportWriteError."""
    from scheduler.engagement.chart import write_chart as write

    return write(report.entries, path)
