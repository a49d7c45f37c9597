"""The engagement command: the report as a table or JSON, and optionally a CSV and chart."""

from __future__ import annotations

import argparse
import sys

from scheduler.cli.common import Subparsers, add_command, month_arg
from scheduler.cli.output import emit_json
from scheduler.config import PLATFORM_NAMES
from scheduler.errors import EXIT_OK
from scheduler.operations.context import Workspace


def cmd_engagement(ws: Workspace, args: argparse.Namespace) -> int:
    from scheduler.cli.engagement_text import format_report
    from scheduler.operations.showcase.engagement import engagement_report, write_chart, write_csv

    report = engagement_report(
        ws, since=str(args.since) if args.since else None, platform=args.platform
    )
    notes = []
    # `is not None`: an empty --csv '' must be refused (by the report files), not skipped.
    if args.csv is not None:
        rows = write_csv(report, args.csv)
        notes.append(f"{rows} snapshot row(s) written to {args.csv}")
    if args.chart is not None:
        if write_chart(report, args.chart):
            notes.append(f"chart written to {args.chart}")
        else:
            notes.append(f"no engagement yet: no chart written to {args.chart}")
    if args.json:
        emit_json(report.to_json())
    else:
        print(format_report(report.entries, report.platforms))
    for note in notes:
        print(note, file=sys.stderr if args.json else sys.stdout)
    return EXIT_OK


def register(sub: Subparsers) -> None:
    p = add_command(
        sub, "engagement", cmd_engagement, "engagement per vignette and platform; CSV and chart"
    )
    p.add_argument("--csv", metavar="FILE", help="also write one row per snapshot (UTF-8)")
    p.add_argument("--chart", metavar="FILE.png", help="also draw a PNG chart (matplotlib)")
    p.add_argument(
        "--since", type=month_arg, metavar="YYYY-MM", help="only vignettes from this month on"
    )
    p.add_argument("--platform", choices=list(PLATFORM_NAMES), help="only this platform")
