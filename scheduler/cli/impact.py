"""`vignettes impact` (the dashboard's figures as tables or JSON) and `vignettes evidence`
(a library service's evidence pack for a year, as an XLSX workbook)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from scheduler.cli.common import Subparsers, actor, add_command
from scheduler.cli.output import emit_json, safe_line, table
from scheduler.errors import EXIT_OK
from scheduler.operations.context import Workspace


def year_arg(text: str) -> int:
    """argparse type for a year, 2000 to 2100."""
    if not (text.isdigit() and 2000 <= int(text) <= 2100):
        raise argparse.ArgumentTypeError(f"{text!r} is not a year from 2000 to 2100")
    return int(text)


def _amount(value: float | None, prefix: str = "") -> str:
    if value is None:
        return "-"
    return prefix + f"{value:,.2f}".rstrip("0").rstrip(".")


def cmd_impact(ws: Workspace, args: argparse.Namespace) -> int:
    from scheduler.operations.impact.dashboard import BREAKDOWNS, impact_report

    report = impact_report(ws, actor(args), year=args.year, region=args.region)
    written: list[Path] = []
    if args.card is not None:
        from scheduler.operations.impact.numbers_card import write_numbers_cards

        written = write_numbers_cards(
            ws, actor(args), Path(args.card), year=args.year, region=args.region
        )
    if args.json:
        emit_json({**report.to_json(), "cards": [str(p) for p in written]})
        return EXIT_OK
    for path in written:
        print(safe_line(f"card written: {path}"))
    t = report.figures.totals
    scope = " in ".join(x for x in (str(args.year or "all years"), args.region or "") if x)
    print(safe_line(f"Impact, {scope} (a year is the year a case study was submitted)"))
    print(
        f"  submitted {t.submitted:,}, accepted {t.accepted:,}, escalated {t.escalated:,}, "
        f"showcased {t.showcased:,}"
    )
    print(
        f"  hours saved {_amount(t.hours)} (reported by {t.hours_reported} of {t.accepted} "
        f"accepted); pounds saved {_amount(t.pounds, '£')} (reported by "
        f"{t.pounds_reported})"
    )
    print(
        f"  still in review: {t.in_review:,}, reporting {_amount(t.review_hours)} hours and "
        f"{_amount(t.review_pounds, '£')} (not counted above)"
    )
    headers = ["", "submitted", "accepted", "escalated", "showcased", "hours", "pounds"]
    for name, caption in BREAKDOWNS.items():
        rows = [
            [
                safe_line(g.key),
                *(f"{v:,}" for v in (c.submitted, c.accepted, c.escalated, c.showcased)),
                _amount(c.hours),
                _amount(c.pounds, "£"),
            ]
            for g in report.breakdown(name)
            for c in (g.counts,)
        ]
        if rows:
            print(f"\n{caption}")
            print(table([caption.split()[0], *headers[1:]], rows))
    if report.figures.engagement:
        print("\nEngagement by impact category")
        rows = [
            [
                safe_line(e.category),
                *(f"{v:,}" for v in (e.vignettes, e.posts, e.impressions, e.interactions)),
            ]
            for e in report.figures.engagement
        ]
        print(table(["Impact", "vignettes", "posts", "impressions", "interactions"], rows))
    return EXIT_OK


def cmd_evidence(ws: Workspace, args: argparse.Namespace) -> int:
    from scheduler.operations.impact.evidence import write_evidence_pack

    out = Path(args.out)
    pack = write_evidence_pack(ws, actor(args), args.service, args.year, out)
    data = pack.data
    summary = {
        "service": data.service,
        "year": data.year,
        "file": os.fspath(out),
        "case_studies": len(data.cases),
        "quotes": len(data.quotes),
        "posts": len(data.posts),
    }
    if args.json:
        emit_json(summary)
    else:
        print(
            safe_line(
                f"evidence pack for {data.service}, {data.year}: {len(data.cases)} case "
                f"studies, {len(data.quotes)} quotes, {len(data.posts)} posts -> {out}"
            )
        )
    return EXIT_OK


def register(sub: Subparsers) -> None:
    p = add_command(
        sub, "impact", cmd_impact, "the impact dashboard's figures: stages, savings, breakdowns"
    )
    p.add_argument("--year", type=year_arg, help="only case studies submitted in this year")
    p.add_argument("--region", metavar="R", help="only this region")
    p.add_argument(
        "--card",
        metavar="DIR",
        help="also write the impact-in-numbers cards (X and LinkedIn sizes) and alt texts",
    )
    p = add_command(
        sub, "evidence", cmd_evidence, "a library service's evidence pack for a year (XLSX)"
    )
    p.add_argument("--service", required=True, metavar="NAME", help="the library service")
    p.add_argument("--year", required=True, type=year_arg, help="the year submitted")
    p.add_argument("--out", required=True, metavar="FILE.xlsx", help="where to write it")
