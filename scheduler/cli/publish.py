"""Publishing commands: publish (and settle), run (the daemon), status."""

from __future__ import annotations

import argparse
import sys

from scheduler.cli.common import Subparsers, UsageError, actor, add_command, month_arg
from scheduler.cli.output import emit_json, err
from scheduler.config import PLATFORM_NAMES
from scheduler.errors import EXIT_FAILED, EXIT_OK
from scheduler.operations.context import Workspace


def cmd_publish(ws: Workspace, args: argparse.Namespace) -> int:
    from scheduler.operations.daemon import start_logging
    from scheduler.operations.showcase.publishing import (
        PublishRefused,
        month_succeeded,
        publish_month,
        settle,
    )

    _check_publish_options(args)
    if args.force_month and not _month_typed_again(args.month):
        return EXIT_FAILED
    start_logging(ws)
    who = actor(args)
    if args.resolve:
        settled = settle(
            ws,
            who,
            args.month,
            args.resolve,
            platform=args.platform,
            remote_id=args.remote_id or "",
            url=args.url or "",
        )
        if args.json:
            emit_json(settled.to_json())
            return EXIT_OK if settled.succeeded else EXIT_FAILED
        print(f"{args.month}: {', '.join(settled.platforms)} resolved as {args.resolve}")
        if settled.publish is None:
            return EXIT_OK
        report = settled.publish
    else:
        try:
            report = publish_month(ws, who, args.month, force=args.force_month)
        except PublishRefused as exc:
            err(f"vignettes: {exc} (to publish it anyway: --force-month)")
            return EXIT_FAILED
        if args.json:
            emit_json(report.to_json())
            return EXIT_OK if month_succeeded(report) else EXIT_FAILED
    print(f"{report.month}: {report.slot_state} {report.ref or ''}".rstrip())
    for platform, state in report.posts.items():
        print(f"  {platform:<8} {state}")
    for note in report.notes:
        print(f"  {note}")
    if month_succeeded(report):
        return EXIT_OK
    states = ", ".join(f"{p} {s}" for p, s in report.posts.items()) or "no platform enabled"
    err(f"vignettes: {report.month} is not posted everywhere ({states})")
    return EXIT_FAILED


def _check_publish_options(args: argparse.Namespace) -> None:
    """Options that only mean something when settling: without --resolve they would be
    silently ignored, and the month published in full instead."""
    if not args.resolve:
        given = [
            flag
            for flag, value in (
                ("--platform", args.platform),
                ("--remote-id", args.remote_id),
                ("--url", args.url),
            )
            if value is not None
        ]
        if given:
            raise UsageError(f"{' and '.join(given)} can only be used with --resolve")
    elif args.resolve == "retry" and (args.remote_id is not None or args.url is not None):
        raise UsageError("--remote-id and --url can only be used with --resolve posted")
    if args.force_month and args.resolve:
        raise UsageError("--force-month does not go with --resolve")


def _month_typed_again(month: object) -> bool:
    """--force-month: the person types the month again at a terminal. Refused when stdin
    is not a terminal (a script cannot confirm). False if what was typed differs."""
    if not sys.stdin.isatty():
        raise UsageError(
            "--force-month asks for the month to be typed again, so it needs a terminal "
            "(stdin is not one); nothing was published"
        )
    sys.stderr.write(
        f"--force-month: {month} will be published now even if it is not the current "
        "month, in its grace window, or missed or skipped.\n"
        "Type the month again to go ahead: "
    )
    sys.stderr.flush()
    try:
        typed = sys.stdin.readline().strip()
    except KeyboardInterrupt:
        typed = ""
    if typed != str(month):
        err(f"vignettes: {typed or 'nothing'} typed, not {month}; nothing was published")
        return False
    return True


def cmd_run(ws: Workspace, args: argparse.Namespace) -> int:
    from scheduler.operations.daemon import run_daemon, run_one_tick

    if args.once:
        report = run_one_tick(ws, args.log_format)
        if args.json:
            emit_json(report.to_json())
        return EXIT_OK
    return run_daemon(ws, args.log_format)


def cmd_status(ws: Workspace, args: argparse.Namespace) -> int:
    from scheduler.operations.showcase.status import status

    now = status(ws)
    if args.json:
        emit_json(now.to_json())
        return EXIT_OK
    if now.daemons:
        for d in now.daemons:
            mark = "alive" if d.alive else "NOT SEEN"
            print(f"daemon  : {d.instance} ({d.role}) last seen {d.age_seconds} s ago [{mark}]")
    else:
        print("daemon  : never run on this database (start it with `vignettes run`)")
    nxt = now.next_slot
    if nxt:
        print(
            f"next    : {nxt.month} at {nxt.slot.local.isoformat()} "
            f"(UTC {nxt.slot.utc.isoformat()}) "
            f"{nxt.ref or '— ' + (nxt.note or 'nothing planned')}"
        )
    month = now.this_month
    print(f"month   : {month.month} {month.state} {month.ref or ''}".rstrip())
    for post in month.posts:
        print(f"          {post.platform:<8} {post.state} {post.url or post.reason or ''}")
    for problem in now.problems:
        print(f"problem : {problem.month} {problem.platform} {problem.state}: {problem.reason}")
    for alert in now.alerts:
        print(f"alert   : [{alert.severity}] {alert.message}")
    for line in now.credentials:
        print(f"tokens  : {line}")
    if now.email_note:
        print(f"email   : {now.email_note}")
    for name, figures in now.not_offered.items():
        shown = ", ".join(f.replace("_", " ") for f in figures)
        print(f"metrics : {name} {shown}: not offered by the platform (never counted as 0)")
    for name, state in now.engagement.items():
        if state["unavailable_reason"]:
            print(f"metrics : {name} unavailable: {state['unavailable_reason']}")
        if state["blocked_until"]:
            print(f"metrics : {name} paused until {state['blocked_until']}")
        for gap in state["gaps"] if not state["unavailable_reason"] else []:
            shown = gap if "not offered" in gap else f"not readable: {gap}"
            print(f"metrics : {name} {shown}")
    return EXIT_OK


def register(sub: Subparsers) -> None:
    p = add_command(
        sub, "publish", cmd_publish, "publish a month now (same pipeline as the daemon; idempotent)"
    )
    p.add_argument("month", type=month_arg, help="YYYY-MM")
    p.add_argument(
        "--resolve",
        choices=["posted", "retry"],
        help="settle an unknown/failed post: you saw it posted, or it may be sent again",
    )
    p.add_argument("--platform", choices=list(PLATFORM_NAMES), help="with --resolve: only this one")
    p.add_argument("--remote-id", help="with --resolve posted: the post's id, URN or at:// URI")
    p.add_argument("--url", help="with --resolve posted: the post's https:// address")
    p.add_argument("--by", help="who publishes or resolves (default: $USER)")
    p.add_argument(
        "--force-month",
        action="store_true",
        help="publish a month outside the usual bounds (a future month, or a past one that "
        "is not missed or skipped); asks for the month to be typed again",
    )

    p = add_command(sub, "run", cmd_run, "run the daemon (or one tick with --once)")
    p.add_argument("--once", action="store_true", help="do one tick and exit (for cron, tests)")
    p.add_argument("--log-format", choices=["text", "json"], help="override daemon.log_format")

    add_command(
        sub,
        "status",
        cmd_status,
        "daemon heartbeat, next slot, post states, problems, token expiry",
    )
