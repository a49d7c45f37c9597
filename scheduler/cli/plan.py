"""Planning commands: queue, unqueue, swap, plan, preview."""

from __future__ import annotations

import argparse
from pathlib import Path

from scheduler.cli.common import Subparsers, UsageError, actor, add_command, month_arg
from scheduler.cli.output import clip, emit_json, table
from scheduler.config import PLATFORM_NAMES
from scheduler.errors import EXIT_OK
from scheduler.operations.context import Workspace


def cmd_queue(ws: Workspace, args: argparse.Namespace) -> int:
    from scheduler.operations.showcase.planning import queue

    queued = queue(ws, actor(args), args.month, args.ref)
    if args.json:
        emit_json(queued.to_json())
        return EXIT_OK
    print(f"{args.ref} queued for {args.month} (slot {queued.slot.local:%a %d %b %Y %H:%M %Z})")
    return EXIT_OK


def cmd_unqueue(ws: Workspace, args: argparse.Namespace) -> int:
    from scheduler.operations.showcase.planning import unqueue

    done = unqueue(ws, actor(args), args.month)
    if args.json:
        emit_json(done.to_json())
        return EXIT_OK
    print(f"{done.ref} removed from {args.month}")
    return EXIT_OK


def cmd_swap(ws: Workspace, args: argparse.Namespace) -> int:
    from scheduler.operations.showcase.planning import swap

    done = swap(ws, actor(args), args.first, args.second)
    if args.json:
        emit_json(done.to_json())
        return EXIT_OK
    print(f"{done.first}: {done.first_ref} (queued)")
    print(f"{done.second}: {done.second_ref} (queued)")
    return EXIT_OK


def cmd_plan(ws: Workspace, args: argparse.Namespace) -> int:
    from scheduler.operations.showcase.planning import MAX_MONTHS_AHEAD, plan

    if not 1 <= args.months <= MAX_MONTHS_AHEAD:
        raise UsageError(f"--months must be between 1 and {MAX_MONTHS_AHEAD}")
    entries = plan(ws, args.months)
    if args.json:
        emit_json([entry.to_json() for entry in entries])
        return EXIT_OK
    rows = []
    for e in entries:
        moved = f" (moved from {e.slot.moved_from:%a %d %b})" if e.slot.moved_from else ""
        rows.append(
            [
                str(e.month),
                f"{e.slot.local:%a %d %b %H:%M %Z}{moved}",
                f"{e.slot.utc:%Y-%m-%d %H:%M}Z",
                e.state,
                e.ref or "-",
                e.readiness.label if e.readiness else "",
                e.source or "",
                clip(e.organisation or e.note, 48),
            ]
        )
    print(f"Plan for the next {args.months} months ({ws.config.schedule.timezone}):")
    headers = [
        "MONTH",
        "SLOT (LOCAL)",
        "SLOT (UTC)",
        "STATE",
        "CASE STUDY",
        "READY",
        "HOW",
        "ORGANISATION / NOTE",
    ]
    print(table(headers, rows))
    # Notes clipped in the table, and warnings about a planned case study, in full.
    notes = [f"{e.month}: {e.note}" for e in entries if e.note and (e.ref or len(e.note) > 48)]
    for note in notes:
        print(f"  ! {note}")
    return EXIT_OK


def cmd_preview(ws: Workspace, args: argparse.Namespace) -> int:
    from scheduler.operations.content.preview import PLATFORMS, open_in_browser, preview

    if (args.ref is None) == (args.month is None):
        raise UsageError("give a REF, or --month YYYY-MM for that month's planned case study")
    platforms = PLATFORMS if args.platform == "all" else (args.platform,)
    out = Path(args.out) if args.out else None
    result = preview(ws, ref=args.ref, month=args.month, platforms=platforms, out=out)
    if args.json:
        emit_json(result.files.to_json())
    else:
        print(f"preview of {result.ref} ({result.status}) written to {result.files.html_path}")
        for post in result.vignette.posts:
            warnings = f"  warnings: {'; '.join(post.warnings)}" if post.warnings else ""
            print(
                f"  {post.platform:<8} {post.text_length}/{post.text_limit} "
                f"{'graphemes' if post.platform == 'bluesky' else 'characters'}, "
                f"card {post.card.width}x{post.card.height}{warnings}"
            )
    if args.open:
        open_in_browser(result.files.html_path)
    return EXIT_OK


def register(sub: Subparsers) -> None:
    p = add_command(sub, "queue", cmd_queue, "pin an approved case study to a month")
    p.add_argument("month", type=month_arg, help="YYYY-MM")
    p.add_argument("ref")
    p.add_argument("--by", help="who is queueing (default: $USER)")

    p = add_command(sub, "unqueue", cmd_unqueue, "remove the case study pinned to a month")
    p.add_argument("month", type=month_arg, help="YYYY-MM")
    p.add_argument("--by", help="who is unqueueing (default: $USER)")

    p = add_command(
        sub,
        "swap",
        cmd_swap,
        "exchange the case studies planned for two months (both end up queued)",
    )
    p.add_argument("first", type=month_arg, metavar="MONTH", help="YYYY-MM")
    p.add_argument("second", type=month_arg, metavar="OTHER", help="YYYY-MM")
    p.add_argument("--by", help="who is swapping (default: $USER)")

    p = add_command(
        sub, "plan", cmd_plan, "show the coming months: slot times, case studies, and gaps"
    )
    p.add_argument("--months", type=int, default=12, help="how many months (default 12)")

    p = add_command(
        sub, "preview", cmd_preview, "render cards and post texts locally, with an HTML page"
    )
    p.add_argument("ref", nargs="?", help="the case study (or use --month)")
    p.add_argument("--month", type=month_arg, help="preview that month's planned case study")
    p.add_argument("--platform", choices=[*PLATFORM_NAMES, "all"], default="all")
    p.add_argument("--out", help="output folder (default: <cards.output_dir>/preview/REF)")
    p.add_argument("--open", action="store_true", help="open the page in the default browser")
